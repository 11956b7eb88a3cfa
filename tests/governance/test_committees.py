"""Committees in office: the term rule and the size rule are checked when a committee is put in
office and on every change of its seats; seats name members with the right to stand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import AuditEvent
from gonghui.governance.models import CommitteeStatus
from gonghui.governance.services import committees as svc
from gonghui.members.services.members import member_change_status
from tests.factories import committee_in_office, fresh, superuser, voters

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 3, 15)


def test_a_committee_in_office_has_its_next_election_due(cast: Any) -> None:
    people = voters(cast, 5)
    committee = committee_in_office(cast, people[:3], took_office_on=ON, years=5)
    assert committee.status == CommitteeStatus.IN_OFFICE
    assert committee.election_due_on == dt.date(2029, 3, 15)
    assert committee.seats.filter(role="chair").get().member == people[0]
    assert AuditEvent.objects.filter(action="governance.committee.created").count() == 1


def test_a_term_of_four_years_is_refused(cast: Any) -> None:
    people = voters(cast, 3)
    with pytest.raises(ValidationError, match="三年或者五年"):
        committee_in_office(cast, people, took_office_on=ON, years=4)


def test_a_committee_outside_its_size_band_is_refused(cast: Any) -> None:
    """5 members (under 25): 3 to 5 seats, or one 主席; 2 seats are refused."""
    people = voters(cast, 5)
    with pytest.raises(ValidationError, match="第八条"):
        committee_in_office(cast, people[:2], took_office_on=ON)
    assert committee_in_office(cast, people[:1], took_office_on=ON).seats.count() == 1


def test_a_retained_member_cannot_sit_on_a_committee(cast: Any) -> None:
    people = voters(cast, 4)
    member_change_status(actor=superuser(), member=people[3], action="retain", reason="退休")
    with pytest.raises(ValidationError, match="第四条"):
        committee_in_office(cast, [people[0], people[1], people[3]], took_office_on=ON)


def test_seats_added_past_the_band_maximum_are_refused(cast: Any) -> None:
    people = voters(cast, 6)
    committee = committee_in_office(cast, people[:5], took_office_on=ON)
    with pytest.raises(ValidationError, match="3至5人"):
        svc.seat_add(
            actor=fresh(cast.grassroots_officer),
            committee=committee,
            member=people[5],
            role="member",
            on=dt.date(2025, 1, 1),
            how="补选",
        )


def test_a_seat_ending_below_the_band_warns(cast: Any) -> None:
    people = voters(cast, 5)
    committee = committee_in_office(cast, people[:3], took_office_on=ON)
    seat = committee.seats.get(member=people[2])
    check = svc.seat_end(
        actor=fresh(cast.grassroots_officer), seat=seat, on=dt.date(2025, 2, 1), reason="调离"
    )
    assert not check.ok and "现为2人" in check.reasons[0]
    seat.refresh_from_db()
    assert seat.ended_on == dt.date(2025, 2, 1)


def test_only_one_committee_of_a_kind_in_office(cast: Any) -> None:
    people = voters(cast, 6)
    committee_in_office(cast, people[:3], took_office_on=ON)
    with pytest.raises(ValidationError, match="换届选举"):
        committee_in_office(cast, people[3:], took_office_on=ON)


def test_the_sibling_county_cannot_register_a_committee(cast: Any) -> None:
    people = voters(cast, 3)
    with pytest.raises(PermissionDenied):
        svc.committee_register(
            actor=fresh(cast.sibling_officer),
            org=cast.grassroots,
            kind="main",
            chosen_by="assembly",
            term_years=3,
            took_office_on=ON,
            seats=[(p, "member") for p in people],
        )
