"""Forms of the honours pages: they validate input; services do the writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.honors.models import (
    AwardType,
    ConferringLevel,
    ConsultedBody,
    HonourStatus,
)
from gonghui.orgs.forms import OrgPickerInput

DATE = forms.DateInput(attrs={"type": "date"})


class CallForm(BootstrapMixin, forms.Form):
    award_type = forms.ModelChoiceField(
        label=_("荣誉类型"), queryset=AwardType.objects.filter(active=True)
    )
    year = forms.IntegerField(label=_("评选年度"), min_value=1949, max_value=2100)
    seats = forms.IntegerField(label=_("表彰名额"), min_value=1, max_value=100000)
    nominations_due = forms.DateField(label=_("推荐截止"), widget=DATE)
    title = forms.CharField(label=_("评选名称"), max_length=120, required=False)


class QuotaForm(BootstrapMixin, forms.Form):
    org = forms.CharField(label=_("下级组织编码"), max_length=32, widget=OrgPickerInput)
    seats = forms.IntegerField(label=_("推荐名额"), min_value=0, max_value=100000)


class NominationForm(BootstrapMixin, forms.Form):
    member_id_number = forms.CharField(
        label=_("会员身份证号码"),
        max_length=18,
        required=False,
        help_text=_("推荐会员时填写，姓名等信息取自会员库"),
    )
    name = forms.CharField(label=_("姓名/集体名称"), max_length=120, required=False)
    id_number = forms.CharField(label=_("身份证号码（非会员）"), max_length=18, required=False)
    team = forms.CharField(
        label=_("集体(班组)组织编码"), max_length=32, required=False, widget=OrgPickerInput
    )
    employer_uscc = forms.CharField(label=_("单位统一社会信用代码"), max_length=18, required=False)
    position = forms.CharField(label=_("职务/职称"), max_length=60, required=False)
    deeds = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 5}))
    enterprise = forms.BooleanField(label=_("企业人选"), required=False)
    front_line = forms.BooleanField(label=_("一线职工和专业技术人员"), required=False)
    enterprise_head = forms.BooleanField(label=_("企业负责人"), required=False)
    farmer = forms.BooleanField(label=_("农民"), required=False)
    migrant_worker = forms.BooleanField(label=_("农民工"), required=False)


class SubmitListForm(BootstrapMixin, forms.Form):
    override_reason = forms.CharField(
        label=_("结构未达标的书面说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("名单结构符合要求时不填；不符合时须说明理由，留痕备查"),
    )


class ConsultForm(BootstrapMixin, forms.Form):
    body = forms.ChoiceField(label=_("征求意见单位"), choices=ConsultedBody.choices)
    agreed = forms.TypedChoiceField(
        label=_("意见"),
        choices=[("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
    )
    answered_on = forms.DateField(label=_("回复日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class EvidenceForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("材料名称"), max_length=100, required=False)
    file = forms.FileField(label=_("文件（PDF、JPG、PNG，不超过10MB）"))


class AnswerForm(BootstrapMixin, forms.Form):
    answer = forms.CharField(label=_("核查答复"), widget=forms.Textarea(attrs={"rows": 2}))
    upheld = forms.BooleanField(label=_("异议成立（取消该人选）"), required=False)


class ObjectionForm(BootstrapMixin, forms.Form):
    content = forms.CharField(
        label=_("异议内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)


class RosterFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=50)
    level = forms.ChoiceField(choices=[("", ""), *ConferringLevel.choices], required=False)
    award_type = forms.CharField(required=False, max_length=40)
    status = forms.ChoiceField(choices=[("", ""), *HonourStatus.choices], required=False)
