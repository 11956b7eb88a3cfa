"""Terms: postponement with the upper union's approval within the maximum (as data), the
periodic reminder (from 6 months ahead, once per committee and due date, idempotent), and
overdue terms on the parent union's to-do panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import Notification
from gonghui.governance import todo
from gonghui.governance.models import ElectionRule
from gonghui.governance.services import terms
from tests.factories import committee_in_office, fresh, officer, town_chair, voters

pytestmark = pytest.mark.django_db
TOOK_OFFICE = dt.date(2023, 6, 1)  # 3 years: due 2026-06-01


def test_postponement_within_the_maximum_needs_the_upper_union(cast: Any) -> None:
    committee = committee_in_office(cast, voters(cast, 3), took_office_on=TOOK_OFFICE)
    with pytest.raises(PermissionDenied):
        terms.term_postpone(
            actor=officer(cast),
            committee=committee,
            until=dt.date(2026, 12, 1),
            reason="企业改制",
            approval_ref="自批",
        )
    with pytest.raises(ValidationError, match="最长12个月"):
        terms.term_postpone(
            actor=town_chair(cast),
            committee=committee,
            until=dt.date(2027, 6, 2),
            reason="企业改制",
            approval_ref="东街工〔2026〕3号",
        )
    row = terms.term_postpone(
        actor=town_chair(cast),
        committee=committee,
        until=dt.date(2026, 12, 1),
        reason="企业改制",
        approval_ref="东街工〔2026〕3号",
    )
    committee.refresh_from_db()
    assert committee.election_due_on == dt.date(2026, 12, 1) == row.until
    assert row.previous_due_on == dt.date(2026, 6, 1)


def test_the_maximum_postponement_is_data(cast: Any) -> None:
    ElectionRule.objects.create(org=cast.county, org_path=cast.county.path, max_postpone_months=3)
    committee = committee_in_office(cast, voters(cast, 3), took_office_on=TOOK_OFFICE)
    with pytest.raises(ValidationError, match="最长3个月"):
        terms.term_postpone(
            actor=town_chair(cast),
            committee=committee,
            until=dt.date(2026, 9, 2),
            reason="企业改制",
            approval_ref="3号",
        )


def test_reminders_start_six_months_ahead_and_are_sent_once(cast: Any) -> None:
    committee_in_office(cast, voters(cast, 3), took_office_on=TOOK_OFFICE)
    assert terms.terms_remind(today=dt.date(2025, 11, 30)) == 0  # six months and a day ahead
    assert terms.terms_remind(today=dt.date(2025, 12, 1)) == 1  # the union itself
    assert terms.terms_remind(today=dt.date(2025, 12, 2)) == 0
    told = Notification.objects.filter(template=terms.REMINDER_TEMPLATE)
    assert set(told.values_list("recipient", flat=True)) == {cast.grassroots_officer.pk}
    # Overdue: the upper union is told once too.
    assert terms.terms_remind(today=dt.date(2026, 6, 2)) == 1
    assert terms.terms_remind(today=dt.date(2026, 6, 3)) == 0
    assert cast.town_officer.pk in set(told.values_list("recipient", flat=True))


def test_an_overdue_term_is_on_the_parents_todo_not_the_siblings(cast: Any) -> None:
    committee_in_office(cast, voters(cast, 3), took_office_on=dt.date(2020, 1, 1))
    upper = [i.title for i in todo.pending_work(town_chair(cast)) if i.overdue]
    assert any("逾期未换届" in str(t) for t in upper)
    own = [str(i.title) for i in todo.pending_work(officer(cast))]
    assert any("本会" in t for t in own) and not any("逾期未换届" in t for t in own)
    theirs = [str(i.title) for i in todo.pending_work(fresh(cast.sibling_officer))]
    assert not any("换届" in t for t in theirs)
