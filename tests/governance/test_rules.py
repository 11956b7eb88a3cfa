"""The governance rules, pure (DOMAIN.md §2.5): formation at 25 members, the committee size by
band, terms of 3 or 5 years and the next election date, postponement limits, the 2/3 quorum,
the 差额 rate and election by more than half of those entitled with 另行选举 on ties."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.governance import rules


def test_formation_rule_on_both_sides_of_25_members() -> None:
    at = rules.formation(25)
    below = rules.formation(24)
    assert at.must_form and "第十一条" in at.reason and len(at.options) == 1
    assert not below.must_form and "第十一条" in below.reason
    assert any("组织员" in option for option in below.options)
    assert any("联合" in option for option in below.options)


@pytest.mark.parametrize(
    ("members", "low", "high"),
    [
        (24, 3, 5),
        (25, 3, 7),
        (200, 3, 7),
        (201, 7, 15),
        (1000, 7, 15),
        (1001, 15, 21),
        (5000, 15, 21),
        (5001, 21, 29),
        (10000, 21, 29),
        (10001, 29, 37),
        (50000, 29, 37),
    ],
)
def test_committee_size_at_each_band_boundary(members: int, low: int, high: int) -> None:
    band = rules.size_band(members)
    assert band is not None and (band.min_seats, band.max_seats) == (low, high)
    assert rules.committee_size_check(members, low).ok
    assert rules.committee_size_check(members, high).ok
    too_few = rules.committee_size_check(members, low - 1)
    too_many = rules.committee_size_check(members, high + 1)
    assert not too_many.ok and "第八条" in too_many.reasons[0]
    assert not too_few.ok and str(low) in too_few.reasons[0]


def test_a_single_chair_is_allowed_only_under_25_members() -> None:
    assert rules.committee_size_check(24, 1).ok
    assert not rules.committee_size_check(25, 1).ok
    assert not rules.committee_size_check(24, 2).ok


def test_above_50000_members_the_upper_union_decides() -> None:
    check = rules.committee_size_check(50001, 99)
    assert check.ok and check.band is None and "上级工会" in check.reasons[0]


@pytest.mark.parametrize("years", [3, 5])
def test_next_election_date_of_grassroots_terms(years: int) -> None:
    decision = rules.term_decision(
        grassroots=True, years=years, took_office_on=dt.date(2024, 3, 15)
    )
    assert decision.ok and decision.due_on == dt.date(2024 + years, 3, 15)


def test_a_term_from_29_february_ends_on_28_february() -> None:
    decision = rules.term_decision(grassroots=True, years=3, took_office_on=dt.date(2024, 2, 29))
    assert decision.due_on == dt.date(2027, 2, 28)


@pytest.mark.parametrize("years", [1, 2, 4, 6, 0])
def test_a_grassroots_term_of_any_other_length_is_refused(years: int) -> None:
    decision = rules.term_decision(grassroots=True, years=years, took_office_on=dt.date(2024, 1, 1))
    assert not decision.ok and decision.due_on is None and "第十六条" in decision.reason


def test_a_federation_term_is_five_years_only() -> None:
    assert rules.term_decision(grassroots=False, years=5, took_office_on=dt.date(2021, 6, 1)).ok
    refused = rules.term_decision(grassroots=False, years=3, took_office_on=dt.date(2021, 6, 1))
    assert not refused.ok and "五年" in refused.reason


def test_reminders_start_six_months_before_the_due_date() -> None:
    assert rules.reminder_from(dt.date(2027, 8, 31), 6) == dt.date(2027, 2, 28)
    assert rules.reminder_from(dt.date(2027, 3, 15), 6) == dt.date(2026, 9, 15)


def test_postponement_at_most_the_maximum_past_the_due_date() -> None:
    due = dt.date(2026, 5, 1)
    assert rules.postponement_decision(due_on=due, until=dt.date(2027, 5, 1), max_months=12).ok
    late = rules.postponement_decision(due_on=due, until=dt.date(2027, 5, 2), max_months=12)
    assert not late.ok and "12" in late.reason
    # A second postponement counts from the original due date, not from the first one.
    again = rules.postponement_decision(
        due_on=due, until=dt.date(2027, 6, 1), max_months=12, already_until=dt.date(2027, 1, 1)
    )
    assert not again.ok
    assert not rules.postponement_decision(due_on=due, until=due, max_months=12).ok


def test_an_election_with_fewer_than_two_thirds_present_cannot_count() -> None:
    assert rules.election_quorum(entitled=90, present=60, num=2, den=3).can_count
    short = rules.election_quorum(entitled=90, present=59, num=2, den=3)
    assert not short.can_count and short.needed == 60 and "不能计票" in short.reason
    assert rules.election_quorum(entitled=100, present=67, num=2, den=3).can_count
    assert not rules.election_quorum(entitled=100, present=66, num=2, den=3).can_count
    assert not rules.election_quorum(entitled=0, present=0, num=2, den=3).can_count


def test_the_surplus_rate_needs_at_least_one_more_candidate() -> None:
    assert not rules.surplus_check(candidates=7, seats=7, min_pct=5)[0]
    assert rules.surplus_check(candidates=8, seats=7, min_pct=5)[0]
    # 5 % of 21 seats is 1.05: rounded up to two more candidates.
    assert not rules.surplus_check(candidates=22, seats=21, min_pct=5)[0]
    assert rules.surplus_check(candidates=23, seats=21, min_pct=5)[0]


def test_elected_with_more_than_half_of_those_entitled() -> None:
    outcome = rules.election_outcome([("a", 51), ("b", 50), ("c", 70)], seats=3, entitled=100)
    assert outcome.elected == ("c", "a") and outcome.not_elected == ("b",)
    assert outcome.runoff == ()


def test_the_most_votes_take_the_seats() -> None:
    outcome = rules.election_outcome([("a", 80), ("b", 70), ("c", 60)], seats=2, entitled=100)
    assert outcome.elected == ("a", "b") and outcome.not_elected == ("c",)


def test_a_tie_for_the_last_seat_goes_to_another_round() -> None:
    outcome = rules.election_outcome(
        [("a", 80), ("b", 60), ("c", 60), ("d", 55)], seats=2, entitled=100
    )
    assert outcome.elected == ("a",)
    assert set(outcome.runoff) == {"b", "c"} and outcome.runoff_seats == 1
    assert outcome.not_elected == ("d",)
