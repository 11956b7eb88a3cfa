"""Forms of the governance pages: they validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin, BoundedDateField
from gonghui.governance.models import ChosenBy, CommitteeKind, ElectorateKind, SeatRole
from gonghui.members.models import Member

DATE = forms.DateInput(attrs={"type": "date"})
TERMS = [(3, _("三年")), (5, _("五年"))]


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MembersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CommitteeForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("委员会"), choices=CommitteeKind.choices)
    chosen_by = forms.ChoiceField(label=_("产生方式"), choices=ChosenBy.choices)
    term_years = forms.TypedChoiceField(label=_("任期"), choices=TERMS, coerce=int)
    took_office_on = BoundedDateField(label=_("就任日期"), widget=DATE)
    approval_ref = forms.CharField(label=_("上级批复文号"), max_length=60, required=False)
    chair = MemberChoice(label=_("主席（主任）"), queryset=Member.objects.none(), required=False)
    vice_chairs = MembersChoice(
        label=_("副主席（副主任）"), queryset=Member.objects.none(), required=False
    )
    members = MembersChoice(label=_("委员"), queryset=Member.objects.none(), required=False)

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("chair", "vice_chairs", "members"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]

    def seats(self) -> list[tuple[Member, str]]:
        data = self.cleaned_data
        seats: list[tuple[Member, str]] = []
        if data.get("chair"):
            seats.append((data["chair"], SeatRole.CHAIR))
        seats += [(m, SeatRole.VICE_CHAIR) for m in data.get("vice_chairs") or []]
        taken = {m.pk for m, _r in seats}
        seats += [(m, SeatRole.MEMBER) for m in data.get("members") or [] if m.pk not in taken]
        return seats


class SeatForm(BootstrapMixin, forms.Form):
    member = MemberChoice(label=_("会员"), queryset=Member.objects.none())
    role = forms.ChoiceField(label=_("职务"), choices=SeatRole.choices, initial=SeatRole.MEMBER)
    on = BoundedDateField(label=_("任职日期"), widget=DATE)
    how = forms.CharField(label=_("产生方式"), max_length=60, initial=_("补选"))

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class SeatEndForm(BootstrapMixin, forms.Form):
    on = BoundedDateField(label=_("离任日期"), widget=DATE)
    reason = forms.CharField(label=_("离任原因"), max_length=100)


class PostponeForm(BootstrapMixin, forms.Form):
    until = BoundedDateField(label=_("延期至"), widget=DATE)
    reason = forms.CharField(label=_("延期原因"), max_length=200)
    approval_ref = forms.CharField(label=_("批复文号"), max_length=60)


class FormationApproveForm(BootstrapMixin, forms.Form):
    approval_ref = forms.CharField(label=_("批复文号"), max_length=60)
    approved_on = BoundedDateField(label=_("批准日期"), widget=DATE)


class ApproveForm(BootstrapMixin, forms.Form):
    approval_ref = forms.CharField(label=_("批复文号"), max_length=60)


class MethodForm(BootstrapMixin, forms.Form):
    electorate = forms.ChoiceField(label=_("选举方式"), choices=ElectorateKind.choices)
    seats = forms.IntegerField(label=_("应选名额"), min_value=1, max_value=99)
    term_years = forms.TypedChoiceField(label=_("任期"), choices=TERMS, coerce=int)
    delegate_names = forms.CharField(
        label=_("会员代表名单"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("会员代表大会选举时填写，每行一人"),
    )


class NominateForm(BootstrapMixin, forms.Form):
    member = MemberChoice(label=_("候选人"), queryset=Member.objects.none())
    role = forms.ChoiceField(label=_("拟任职务"), choices=SeatRole.choices, initial=SeatRole.MEMBER)
    nominated_by = forms.CharField(label=_("提名方式"), max_length=60, initial=_("会员小组提名"))

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class TellersForm(BootstrapMixin, forms.Form):
    tellers = forms.CharField(
        label=_("监票人"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一人，至少2名"),
    )


class CountForm(BootstrapMixin, forms.Form):
    present = forms.IntegerField(label=_("实到人数"), min_value=0)


class ConfirmForm(BootstrapMixin, forms.Form):
    result_ref = forms.CharField(label=_("批复文号"), max_length=60)
    took_office_on = BoundedDateField(label=_("就任日期"), widget=DATE)


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class EmptyForm(forms.Form):
    """A step with no input beyond the button (its data, if any, is read by the view)."""
