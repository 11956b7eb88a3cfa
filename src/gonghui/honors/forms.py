"""Forms of the honours pages: they validate and clean input, services write."""

from __future__ import annotations

# --- aftercare (hon2) -------------------------------------------------------------------------
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.honors import rules
from gonghui.honors.models import CareKind, RevocationCause, StudioLevel

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
