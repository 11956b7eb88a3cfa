"""The term engine (非终身制): term end, satisfaction from the 民主评议 grades, the verdict by
thresholds given as data, and the 90-day reminder window."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.honors import rules

D = dt.date


def test_term_end_five_years_and_leap_day_and_for_life() -> None:
    assert rules.term_end(D(2025, 4, 30), 5) == D(2030, 4, 30)
    assert rules.term_end(D(2024, 2, 29), 5) == D(2029, 2, 28)
    assert rules.term_end(D(2025, 4, 30), None) is None
    with pytest.raises(ValueError):
        rules.term_end(D(2025, 4, 30), 0)


def test_satisfaction_counts_excellent_and_competent_over_all_votes() -> None:
    assert rules.satisfaction_pct({"E": 3, "C": 2, "B": 4, "U": 1}) == Decimal("50.0")
    assert rules.satisfaction_pct({"E": 1, "C": 1, "B": 1}) == Decimal("66.7")
    assert rules.satisfaction_pct({"E": 0, "C": 0}) is None


def test_verdict_warning_then_proposal_after_two_years_running() -> None:
    t = rules.Thresholds()
    first = rules.assessment_verdict(year=2026, pct=Decimal("55"), earlier={}, thresholds=t)
    assert first.code == rules.VERDICT_WARNING
    second = rules.assessment_verdict(
        year=2027, pct=Decimal("59.9"), earlier={2026: Decimal("55")}, thresholds=t
    )
    assert second.code == rules.VERDICT_PROPOSE_REVOCATION
    assert any("连续 2 年" in r for r in second.reasons)


def test_verdict_run_is_broken_by_a_good_year_or_a_gap() -> None:
    t = rules.Thresholds()
    after_good = rules.assessment_verdict(
        year=2028,
        pct=Decimal("50"),
        earlier={2026: Decimal("40"), 2027: Decimal("60")},
        thresholds=t,
    )
    assert after_good.code == rules.VERDICT_WARNING
    after_gap = rules.assessment_verdict(
        year=2028, pct=Decimal("50"), earlier={2026: Decimal("40")}, thresholds=t
    )
    assert after_gap.code == rules.VERDICT_WARNING


def test_thresholds_are_data() -> None:
    strict = rules.Thresholds(warning_pct=Decimal("70"), consecutive_years=3)
    earlier = {2025: Decimal("65"), 2026: Decimal("65")}
    assert (
        rules.assessment_verdict(year=2027, pct=Decimal("65"), earlier=earlier, thresholds=strict)
    ).code == rules.VERDICT_PROPOSE_REVOCATION
    assert (
        rules.assessment_verdict(
            year=2027, pct=Decimal("65"), earlier=earlier, thresholds=rules.Thresholds()
        )
    ).code == rules.VERDICT_PASS
    no_votes = rules.assessment_verdict(year=2027, pct=None, earlier=earlier, thresholds=strict)
    assert no_votes.code == rules.VERDICT_PASS and no_votes.reasons


def test_reminder_window_is_ninety_days_before_the_end() -> None:
    end = D(2030, 4, 30)
    assert rules.reminder_date(end) == D(2030, 1, 30)
    assert not rules.reminder_due(term_ends_on=end, today=D(2030, 1, 29))
    assert rules.reminder_due(term_ends_on=end, today=D(2030, 1, 30))
    assert rules.reminder_due(term_ends_on=end, today=D(2030, 4, 29))
    assert not rules.reminder_due(term_ends_on=end, today=end)
    assert not rules.reminder_due(term_ends_on=None, today=end)
