"""Forms of the honours pages: they validate input; services do the writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.honors import rules
from gonghui.honors.models import (
    AwardType,
    CareKind,
    ConferringLevel,
    ConsultedBody,
    HonourStatus,
    RevocationCause,
    StudioLevel,
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


# --- aftercare (hon2) -------------------------------------------------------------------------
DATE = forms.DateInput(attrs={"type": "date"})


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100)
    deeds = forms.CharField(label=_("年度事迹"), widget=forms.Textarea(attrs={"rows": 3}))
    voters = forms.CharField(
        label=_("民主评议名单（每行一人）"), widget=forms.Textarea(attrs={"rows": 4})
    )
    tellers = forms.CharField(
        label=_("监票人（每行一人，至少 3 人）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_voters(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["voters"].splitlines() if n.strip()]

    def clean_tellers(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["tellers"].splitlines() if n.strip()]


class ProposeForm(forms.Form):
    cause = forms.ModelChoiceField(label=_("撤销事由"), queryset=RevocationCause.objects.none())
    facts = forms.CharField(label=_("事实与依据"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cause"].queryset = RevocationCause.objects.filter(active=True)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=200)


class CareRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("关爱类型"), choices=CareKind.choices)
    on = forms.DateField(label=_("日期"), widget=DATE)
    amount = forms.DecimalField(label=_("金额(元)"), required=False, min_value=0)
    fund = forms.IntegerField(label=_("资金编号（困难帮扶）"), required=False)
    place = forms.CharField(label=_("地点/机构"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CareProfileForm(forms.Form):
    bank_name = forms.CharField(label=_("开户银行"), max_length=60, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    retired = forms.BooleanField(label=_("已退休"), required=False)
    pension_supplement_pct = forms.DecimalField(
        label=_("退休费提高比例(%)"), required=False, max_digits=4, decimal_places=1
    )
    pension_note = forms.CharField(label=_("退休待遇说明"), max_length=200, required=False)


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision_no = forms.CharField(label=_("决定文号"), max_length=60)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)


class RecoverForm(forms.Form):
    medal_on = forms.DateField(label=_("奖章收缴日期"), widget=DATE, required=False)
    certificate_on = forms.DateField(label=_("证书收缴日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("收缴说明"), max_length=200, required=False)


class RateForm(forms.Form):
    level_key = forms.CharField(label=_("津贴标准代码"), max_length=20)
    monthly = forms.DecimalField(label=_("每月金额(元)"), min_value=0, decimal_places=2)


class PayMonthForm(forms.Form):
    fund = forms.IntegerField(label=_("劳模关爱资金编号"))


class StudioForm(forms.Form):
    name = forms.CharField(label=_("工作室名称"), max_length=100)
    leader = forms.IntegerField(label=_("领办人（荣誉库编号）"))
    field = forms.CharField(label=_("专业领域"), max_length=60)
    level = forms.ChoiceField(label=_("示范级别"), choices=StudioLevel.choices, required=False)
    members = forms.CharField(
        label=_("成员（每行：姓名 岗位）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_members(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["members"].splitlines():
            name, _sep, role = line.strip().partition(" ")
            if name:
                rows.append((name, role.strip()))
        return rows


class StudioReportForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    innovations = forms.IntegerField(label=_("技术革新项目"), min_value=0)
    patents = forms.IntegerField(label=_("专利"), min_value=0)
    savings = forms.DecimalField(label=_("创造经济效益(元)"), min_value=0)
    apprentices = forms.IntegerField(label=_("带徒人数"), min_value=0)
    summary = forms.CharField(label=_("年度总结"), widget=forms.Textarea(attrs={"rows": 3}))


class StudioEvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label, maximum in rules.STUDIO_RUBRIC:
            self.fields[code] = forms.DecimalField(
                label=f"{label}（{maximum}）", min_value=0, max_value=maximum
            )

    def points(self) -> dict[str, Any]:
        return {code: self.cleaned_data[code] for code, _l, _m in rules.STUDIO_RUBRIC}
