"""Forms of 会费, 工会经费 and 经审 (helper `dues`): validate and clean input, never write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import AmountField, BootstrapMixin
from gonghui.governance.models.dues import EducationOutcome, PayMethod, StaffKind
from gonghui.governance.models.funds import ReceiptChannel
from gonghui.governance.rules import WagePart

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class MonthField(forms.DateField):
    """A month as <input type="month"> (YYYY-MM), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def clean(self, value: Any) -> Any:
        found = super().clean(value)
        return found.replace(day=1) if isinstance(found, dt.date) else found


class WageForm(BootstrapMixin, forms.Form):
    month = MonthField(label=_("月份"))
    staff_kind = forms.ChoiceField(label=_("人员类别"), choices=StaffKind.choices)
    wage = AmountField(label=_("工资（企业：月工资，不含奖金津贴）"), required=False, **MONEY)
    post = AmountField(label=_("职务工资"), required=False, **MONEY)
    level = AmountField(label=_("级别工资"), required=False, **MONEY)
    basic = AmountField(label=_("基础工资"), required=False, **MONEY)
    seniority = AmountField(label=_("工龄工资"), required=False, **MONEY)
    grade = AmountField(label=_("等级工资"), required=False, **MONEY)
    position = AmountField(label=_("岗位工资"), required=False, **MONEY)
    bonus = AmountField(label=_("奖金（不计入）"), required=False, **MONEY)
    allowance = AmountField(label=_("津贴补贴（不计入）"), required=False, **MONEY)

    PARTS = (
        WagePart.WAGE,
        WagePart.POST,
        WagePart.LEVEL,
        WagePart.BASIC,
        WagePart.SENIORITY,
        WagePart.GRADE,
        WagePart.POSITION,
        WagePart.BONUS,
        WagePart.ALLOWANCE,
    )

    def service_args(self) -> dict[str, Any]:
        data = self.cleaned_data
        parts = {k: data[k] for k in self.PARTS if data.get(k) is not None}
        return {"month": data["month"], "staff_kind": data["staff_kind"], "parts": parts}


class DuesPayForm(BootstrapMixin, forms.Form):
    months = forms.MultipleChoiceField(
        label=_("缴纳月份"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    method = forms.ChoiceField(label=_("缴纳方式"), choices=PayMethod.choices)
    paid_on = forms.DateField(label=_("缴纳日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, due_months: Sequence[dt.date] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        months: Any = self.fields["months"]
        months.choices = [(m.isoformat(), f"{m:%Y-%m}") for m in due_months]

    def service_args(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "months": [dt.date.fromisoformat(m) for m in data["months"]],
            "method": data["method"],
            "paid_on": data["paid_on"],
        }


class EducationForm(BootstrapMixin, forms.Form):
    educated_on = forms.DateField(
        label=_("教育日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.ChoiceField(label=_("结果"), choices=EducationOutcome.choices)
    note = forms.CharField(label=_("情况记录"), max_length=300)


class WithdrawForm(BootstrapMixin, forms.Form):
    through = MonthField(label=_("截至月份"))
    participated = forms.BooleanField(label=_("期间参加过工会组织生活"), required=False)


class PayrollForm(BootstrapMixin, forms.Form):
    employer = forms.TypedChoiceField(label=_("用人单位"), coerce=int, choices=[])
    month = MonthField(label=_("月份"))
    payroll_total = AmountField(label=_("全部职工工资总额（元）"), **MONEY)

    def __init__(self, *args: Any, employers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["employer"]
        field.choices = [(e.pk, e.name) for e in employers]


class FundsReceiveForm(BootstrapMixin, forms.Form):
    amount = AmountField(label=_("金额（元）"), max_digits=14, decimal_places=2, min_value=0.01)
    channel = forms.ChoiceField(label=_("缴纳渠道"), choices=ReceiptChannel.choices)
    received_on = forms.DateField(
        label=_("到账日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ReviewForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("审查年度"), min_value=2000, max_value=2100)


class SampleForm(BootstrapMixin, forms.Form):
    count = forms.IntegerField(label=_("抽查笔数"), min_value=1, max_value=200, initial=10)


class CheckForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("核对情况"), max_length=300)


class FindingForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("发现的问题"), max_length=500)


class RectifyForm(BootstrapMixin, forms.Form):
    rectification = forms.CharField(label=_("整改情况"), max_length=500)


class ReportForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(label=_("审查结论"), widget=forms.Textarea(attrs={"rows": 5}))
