from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import (
    Area,
    AttachmentKind,
    CaseStatus,
    Category,
    Cause,
    CloseReason,
    QualifyingEvent,
    Relation,
)
from gonghui.assistance.models.funds import (
    AidKind,
    CampaignKind,
    CivilListKind,
    Exclusion,
    Stage,
    WarmthGroup,
)
from gonghui.core import ledger
from gonghui.core.forms import AmountField, BootstrapMixin, BoundedDateField
from gonghui.orgs.forms import OrgPickerInput

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
DATE = forms.DateInput(attrs={"type": "date"})


class CaseFilterForm(forms.Form):
    q = forms.CharField(required=False)
    status = forms.ChoiceField(choices=[("", ""), *CaseStatus.choices], required=False)
    category = forms.ChoiceField(choices=[("", ""), *Category.choices], required=False)


class HouseholdFieldsMixin(forms.Form):
    household_size = forms.IntegerField(label=_("家庭人口"), min_value=1, max_value=30)
    area = forms.ChoiceField(label=_("户籍类别"), choices=Area.choices)
    annual_income = AmountField(label=_("家庭年度可支配收入（元）"), **MONEY)
    rigid_medical = AmountField(label=_("刚性支出：医疗（元/年）"), required=False, **MONEY)
    rigid_schooling = AmountField(label=_("刚性支出：教育（元/年）"), required=False, **MONEY)
    rigid_other = AmountField(label=_("刚性支出：其他（元/年）"), required=False, **MONEY)
    causes = forms.MultipleChoiceField(
        label=_("致困原因"),
        choices=Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    event = forms.ChoiceField(label=_("致困事件"), choices=QualifyingEvent.choices, required=False)
    event_costs = AmountField(label=_("年度致困支出（元）"), required=False, **MONEY)
    housing = forms.CharField(label=_("住房情况"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=60, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    consent_purpose = forms.CharField(
        label=_("收集目的（已告知本人并取得同意）"),
        max_length=200,
        initial=_("困难职工认定与帮扶"),
    )


class CaseForm(BootstrapMixin, HouseholdFieldsMixin):
    org = forms.CharField(label=_("所属基层工会编码"), max_length=32, widget=OrgPickerInput)
    name = forms.CharField(label=_("户主姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18)

    field_order = ["org", "name", "id_number"]


class CaseEditForm(BootstrapMixin, HouseholdFieldsMixin):
    """The household's figures; name, ID and union stay as registered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["consent_purpose"]


class ApplyForm(BootstrapMixin, HouseholdFieldsMixin):
    """The member's own application (their union and name come from the registry)."""

    id_number = forms.CharField(label=_("身份证号码"), max_length=18)
    field_order = ["id_number"]


class PersonForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    annual_income = AmountField(label=_("年收入（元）"), required=False, **MONEY)
    health = forms.CharField(label=_("健康状况"), max_length=100, required=False)
    disability = forms.CharField(label=_("残疾类别及等级"), max_length=100, required=False)
    schooling = forms.CharField(label=_("就学情况"), max_length=100, required=False)


class IncomeSourceForm(BootstrapMixin, forms.Form):
    kind = forms.CharField(label=_("收入来源"), max_length=40)
    amount = AmountField(label=_("年收入（元）"), **MONEY)


class OpinionForm(BootstrapMixin, forms.Form):
    opinion = forms.CharField(
        label=_("意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverrideForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=_("困难类别"), choices=Category.choices)
    reason = forms.CharField(label=_("调整理由"), max_length=200)


class ObjectionForm(BootstrapMixin, forms.Form):
    content = forms.CharField(label=_("异议内容"), max_length=500)
    handling = forms.CharField(label=_("处理意见"), max_length=500, required=False)
    upheld = forms.BooleanField(label=_("异议成立"), required=False)


class IncomeForm(BootstrapMixin, forms.Form):
    month = BoundedDateField(
        label=_("月份"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    per_capita = AmountField(label=_("月人均收入（元）"), **MONEY)


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("销档原因"), choices=CloseReason.choices)
    opinion = forms.CharField(label=_("说明"), max_length=200, required=False)


class AttachmentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("文件（PDF或图片，不超过10MB）"))


class RuleForm(BootstrapMixin, forms.Form):
    urban_line = AmountField(
        label=_("城镇低保标准（元/月）"), max_digits=10, decimal_places=2, min_value=1
    )
    rural_line = AmountField(
        label=_("农村低保标准（元/月）"), max_digits=10, decimal_places=2, min_value=1
    )
    relative_multiplier = AmountField(
        label=_("相对困难倍数"), max_digits=4, decimal_places=2, min_value=1, initial=2
    )
    inclusive = forms.BooleanField(label=_("含边界（≤）"), required=False)
    effective_from = BoundedDateField(label=_("生效日期"), widget=DATE)
    note = forms.CharField(label=_("依据"), max_length=200, required=False)


class FundForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("资金名称"), max_length=100)
    purpose = forms.ChoiceField(label=_("资金类型"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The purposes this module registered with the core ledger (apps.py).
        field: Any = self.fields["purpose"]
        field.choices = ledger.purpose_choices("assistance")


class DepositForm(BootstrapMixin, forms.Form):
    amount = AmountField(label=_("金额（元）"), max_digits=14, decimal_places=2, min_value=0.01)
    memo = forms.CharField(label=_("摘要（来源）"), max_length=200)


class RecordForm(BootstrapMixin, forms.Form):
    fund = forms.TypedChoiceField(label=_("资金来源"), coerce=int, choices=[])
    kind = forms.ChoiceField(label=_("帮扶方式"), choices=AidKind.choices)
    amount = AmountField(
        label=_("金额（物资折价，元）"), max_digits=14, decimal_places=2, min_value=0.01
    )
    campaign = forms.TypedChoiceField(
        label=_("帮扶活动"), coerce=int, choices=[], required=False, empty_value=None
    )
    description = forms.CharField(label=_("内容"), max_length=200, required=False)


class WarmthRecordForm(BootstrapMixin, forms.Form):
    """A 送温暖 visit to someone without an archive (or with one: give the archive number)."""

    fund = forms.TypedChoiceField(label=_("资金来源"), coerce=int, choices=[])
    case = forms.IntegerField(label=_("困难职工档案编号（如有）"), required=False)
    recipient_name = forms.CharField(label=_("慰问对象姓名"), max_length=50, required=False)
    recipient_id = forms.CharField(
        label=_("身份证号码（用于重复核查，不保存原号）"), max_length=18, required=False
    )
    group = forms.ChoiceField(label=_("慰问对象类别"), choices=WarmthGroup.choices)
    kind = forms.ChoiceField(label=_("帮扶方式"), choices=AidKind.choices)
    amount = AmountField(
        label=_("金额（物资折价，元）"), max_digits=14, decimal_places=2, min_value=0.01
    )
    description = forms.CharField(label=_("内容"), max_length=200, required=False)


class CampaignForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("活动类型"), choices=CampaignKind.choices)
    name = forms.CharField(label=_("活动名称"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    budget = AmountField(label=_("经费总额（元）"), max_digits=14, decimal_places=2, min_value=0.01)


class AllotForm(BootstrapMixin, forms.Form):
    org = forms.CharField(label=_("下级工会编码"), max_length=32, widget=OrgPickerInput)
    amount = AmountField(label=_("分配额度（元）"), max_digits=14, decimal_places=2, min_value=0.01)


class StudentForm(BootstrapMixin, forms.Form):
    org = forms.CharField(label=_("基层工会编码"), max_length=32, widget=OrgPickerInput)
    case = forms.IntegerField(label=_("困难职工档案编号（建档职工子女填写）"), required=False)
    parent_name = forms.CharField(label=_("职工姓名"), max_length=50)
    student_name = forms.CharField(label=_("学生姓名"), max_length=50)
    student_id = forms.CharField(label=_("学生身份证号"), max_length=18)
    school = forms.CharField(label=_("录取学校"), max_length=100)
    stage = forms.ChoiceField(label=_("学段"), choices=Stage.choices)
    tuition = AmountField(label=_("学费（元/年）"), **MONEY)
    exclusion = forms.ChoiceField(label=_("排除情形"), choices=Exclusion.choices, required=False)


class CivilListForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("名单类型"), choices=CivilListKind.choices)
    file = forms.FileField(label=_("名单文件（CSV或Excel，含身份证号码列）"))


class ReviewBatchForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    spot_share = AmountField(
        label=_("抽查比例"),
        max_digits=4,
        decimal_places=2,
        min_value=0.3,
        max_value=1,
        initial="0.30",
    )
