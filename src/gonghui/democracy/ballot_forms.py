"""Forms of the ballot pages (officers); the phone ballot is read straight from the POST."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.democracy.models import (
    APPRAISAL_GRADES,
    Ballot,
    BallotKind,
    BallotRule,
    PassRule,
    VoterSlot,
)


class BallotForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=BallotKind.choices)
    title = forms.CharField(label=_("事项"), max_length=150)
    seats = forms.IntegerField(
        label=_("应选名额"), min_value=1, initial=1, help_text=_("仅用于选举")
    )
    pass_rule = forms.ChoiceField(
        label=_("通过规则"),
        required=False,
        choices=[("", _("按本级默认规则")), *PassRule.choices],
    )
    options = forms.CharField(
        label=_("候选人或评议对象"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一名；表决事项自动设赞成、反对、弃权"),
    )

    def option_list(self) -> list[str]:
        text = self.cleaned_data.get("options") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class OptionForm(BootstrapMixin, forms.Form):
    label = forms.CharField(label=_("姓名"), max_length=80)
    note = forms.CharField(label=_("说明"), max_length=150, required=False)


class BallotRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = BallotRule
        fields = ["decision_rule", "election_rule", "min_surplus_pct", "appraisal_threshold_pct"]


class PaperMarkForm(BootstrapMixin, forms.Form):
    delegates = forms.MultipleChoiceField(
        label=_("交回纸质选票的代表"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args: Any, ballot: Ballot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        slots = VoterSlot.objects.filter(ballot=ballot, voted=False).select_related("delegate")
        field = self.fields["delegates"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(s.delegate_id), s.delegate.name) for s in slots]


class PaperTallyForm(BootstrapMixin, forms.Form):
    """Totals per option (per option and grade for an appraisal), with the tellers named."""

    returned = forms.IntegerField(label=_("收回纸质选票"), min_value=0)
    invalid = forms.IntegerField(label=_("无效票"), min_value=0, initial=0)
    scrutineers = forms.CharField(label=_("监票人"), max_length=150)
    counters = forms.CharField(label=_("计票人"), max_length=150)
    signed_off = forms.BooleanField(label=_("监票人、计票人已在计票单上签字"), required=False)

    def __init__(self, *args: Any, ballot: Ballot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys: dict[str, tuple[str, str]] = {}
        grades: list[tuple[str, Any]] = (
            list(APPRAISAL_GRADES) if ballot.kind == BallotKind.APPRAISAL else [("", "")]
        )
        for option in ballot.options.all():
            for grade, grade_label in grades:
                name = f"n_{option.code}_{grade}"
                label = f"{option.label} {grade_label}".strip()
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=0, initial=0, required=False
                )
                self.keys[name] = (option.code, grade)

    def counts(self) -> dict[tuple[str, str], int]:
        return {key: int(self.cleaned_data.get(name) or 0) for name, key in self.keys.items()}
