from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.dicts import DictChoiceField
from gonghui.core.forms import BootstrapMixin, BoundedDateField
from gonghui.core.identifiers import IdType
from gonghui.members.models import Gender, MemberStatus
from gonghui.orgs.forms import OrgPickerInput


class MemberRegisterForm(BootstrapMixin, forms.Form):
    union = forms.CharField(label=_("所属工会编码"), max_length=32, widget=OrgPickerInput)
    name = forms.CharField(label=_("姓名（与证件一致）"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", _("按证件号码")), *Gender.choices], required=False
    )
    birth_date = BoundedDateField(
        birth=True,
        label=_("出生日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("居民身份证等可由号码推出，可不填"),
    )
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    joined_on = BoundedDateField(
        label=_("入会时间"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ethnicity = DictChoiceField("ethnicity", label=_("民族"), required=False)
    education = DictChoiceField("education", label=_("学历"), required=False)
    political_status = DictChoiceField("political_status", label=_("政治面貌"), required=False)
    skill_level = DictChoiceField("skill_level", label=_("技能等级"), required=False)
    household_type = DictChoiceField("household_type", label=_("户籍类型"), required=False)
    household_place = forms.CharField(label=_("户籍所在地"), max_length=100, required=False)
    employment_status = DictChoiceField("employment_status", label=_("就业状况"), required=False)
    migrant_worker = forms.BooleanField(label=_("农民工"), required=False)
    new_employment = DictChoiceField("new_employment", label=_("新就业形态"), required=False)
    consent_purpose = forms.CharField(
        label=_("收集目的（已告知本人并取得同意）"),
        max_length=200,
        initial=_("工会会员实名制管理和会员服务"),
    )


class StatusChangeForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("办理"),
        choices=[
            ("retain", _("保留会籍")),
            ("restore", _("恢复会籍")),
            ("withdraw", _("退会")),
            ("expel", _("开除会籍")),
        ],
    )
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class TransferIssueForm(BootstrapMixin, forms.Form):
    to_union = forms.CharField(label=_("转入工会编码"), max_length=32, widget=OrgPickerInput)
    reason = forms.CharField(label=_("转会原因"), max_length=200)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class MemberFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=50)
    org = forms.CharField(required=False, max_length=32)
    status = forms.ChoiceField(required=False, choices=[("", ""), *MemberStatus.choices])
    gender = forms.ChoiceField(required=False, choices=[("", ""), *Gender.choices])
    household_type = forms.CharField(required=False, max_length=20)
    new_employment = forms.CharField(required=False, max_length=20)
    migrant_worker = forms.ChoiceField(required=False, choices=[("", ""), ("1", ""), ("0", "")])
    age_band = forms.CharField(required=False, max_length=8)
    employer = forms.IntegerField(required=False, min_value=1)
    after = forms.IntegerField(required=False, min_value=1)


class JoinApplicationForm(BootstrapMixin, forms.Form):
    union = forms.CharField(
        label=_("申请加入的工会编码"),
        max_length=32,
        widget=OrgPickerInput,
        help_text=_("在下方输入单位或工会名称查找"),
    )
    name = forms.CharField(label=_("姓名（与证件一致）"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    employer_name = forms.CharField(label=_("工作单位"), max_length=150, required=False)
    consent_purpose = forms.CharField(
        label=_("个人信息收集目的"),
        max_length=200,
        initial=_("工会会员实名制管理和会员服务"),
        help_text=_("提交即表示您同意工会为此目的收集、使用以上个人信息"),
    )
