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
    Electorate,
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


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class OrgBallotForm(BallotForm):
    """A ballot of the acting org's members, of an employer's staff or of a named list."""

    electorate = forms.ChoiceField(
        label=_("投票人范围"),
        choices=[c for c in Electorate.choices if c[0] != Electorate.DELEGATES],
    )
    employer = forms.ChoiceField(label=_("用人单位"), required=False, help_text=_("仅用于职工大会"))
    voters = forms.CharField(
        label=_("投票人名单"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("仅用于指定名单：每行一人；与本会会员同名的按其账号在手机上投票"),
    )
    field_order = ["electorate", "employer", "voters", "kind", "title", "seats", "pass_rule"]

    def __init__(self, *args: Any, employers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employer"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((str(e.pk), e.name) for e in employers)]

    def voter_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("voters") or "")


class TellersForm(BootstrapMixin, forms.Form):
    names = forms.CharField(
        label=_("监票人"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一人。本会有账号的会员或干部按姓名对应其账号；其他人领取打印的份额"),
    )
    needed = forms.IntegerField(
        label=_("计票时须到场的监票人数"), min_value=2, max_value=15, initial=2
    )

    def name_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("names") or "")


class TallyForm(BootstrapMixin, forms.Form):
    """One field per teller: at least k of them type their share."""

    def __init__(self, *args: Any, ballot: Ballot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for teller in ballot.tellers.all():
            self.fields[f"share_{teller.number}"] = forms.CharField(
                label=_("%(n)d号监票人 %(name)s 的份额")
                % {"n": teller.number, "name": teller.name},
                required=False,
                max_length=60,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )

    def shares(self) -> list[str]:
        return [str(v or "") for k, v in self.cleaned_data.items() if k.startswith("share_")]


class OptionForm(BootstrapMixin, forms.Form):
    label = forms.CharField(label=_("姓名"), max_length=80)
    note = forms.CharField(label=_("说明"), max_length=150, required=False)


class BallotRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = BallotRule
        fields = ["decision_rule", "election_rule", "min_surplus_pct", "appraisal_threshold_pct"]


class PaperMarkForm(BootstrapMixin, forms.Form):
    voters = forms.MultipleChoiceField(
        label=_("交回纸质选票的投票人"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args: Any, ballot: Ballot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        slots = VoterSlot.objects.filter(ballot=ballot, voted=False).only("pk", "name")
        field = self.fields["voters"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(s.pk), s.name) for s in slots]


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
