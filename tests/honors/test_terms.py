"""The term engine (非终身制): term end, satisfaction from the 民主评议 grades, the verdict by
thresholds given as data, and the 90-day reminder window."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.models import HistoryEntry, Notification
from gonghui.core.workflow import history_of
from gonghui.honors import rules
from gonghui.honors.models import (
    HonourStatus,
    Revocation,
    RevocationState,
    Verdict,
)
from gonghui.honors.services import terms
from tests.conftest import Cast
from tests.factories import fresh
from tests.honors.aftercare_helpers import (
    colleagues,
    holder,
    province_chair,
    run_assessment,
)

D = dt.date


def test_term_end_five_years_and_leap_day_and_for_life() -> None:
    assert rules.term_end(D(2025, 4, 30), 5) == D(2030, 4, 30)
    assert rules.term_end(D(2024, 2, 29), 5) == D(2029, 2, 28)
    assert rules.term_end(D(2025, 4, 30), None) is None
    assert rules.add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


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


# --- the term engine on the database ----------


@pytest.mark.django_db
def test_below_sixty_percent_two_years_running_is_proposed_for_revocation(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """民主评议 on the ballot engine with a named list of colleagues: 2 of 5 satisfied (40 %)
    is a warning; the next year 1 of 4 (25 %) proposes revocation, cause 民主评议."""
    honour = holder(cast)
    voters = colleagues(cast, 5)
    first = run_assessment(cast, honour, 2025, "ECBUU", voters, django_capture_on_commit_callbacks)
    assert first.satisfaction_pct == Decimal("40.0")
    assert first.verdict == Verdict.WARNING
    assert not Revocation.objects.unscoped(reason="test").filter(honour=honour).exists()

    second = run_assessment(
        cast, honour, 2026, "EBUU", voters[:4], django_capture_on_commit_callbacks
    )
    assert second.satisfaction_pct == Decimal("25.0")
    assert second.verdict == Verdict.PROPOSE_REVOCATION
    proposal = Revocation.objects.unscoped(reason="test").get(honour=honour)
    assert proposal.state == RevocationState.PROPOSED
    assert proposal.cause.code == "assessment" and proposal.assessment_id == second.pk
    assert "连续 2 年" in proposal.facts
    honour.refresh_from_db()
    assert honour.status == HonourStatus.ACTIVE  # proposed, not yet decided


@pytest.mark.django_db
def test_a_good_year_between_two_bad_ones_is_only_a_warning(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    honour = holder(cast)
    voters = colleagues(cast, 3)
    capture = django_capture_on_commit_callbacks
    assert run_assessment(cast, honour, 2024, "UUE", voters, capture).verdict == Verdict.WARNING
    assert run_assessment(cast, honour, 2025, "ECE", voters, capture).verdict == Verdict.PASS
    assert run_assessment(cast, honour, 2026, "UUC", voters, capture).verdict == Verdict.WARNING
    assert not Revocation.objects.unscoped(reason="test").filter(honour=honour).exists()


@pytest.mark.django_db
def test_province_thresholds_are_data_inherited_by_the_subtree(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    terms.term_rule_save(
        actor=province_chair(cast),
        org=cast.province,
        warning_pct="70",
        consecutive_years=1,
        reminder_days=120,
    )
    thresholds, days = terms.thresholds_for(cast.grassroots.path)
    assert thresholds.warning_pct == Decimal("70") and days == 120
    honour = holder(cast)
    voters = colleagues(cast, 3)
    got = run_assessment(cast, honour, 2026, "ECU", voters, django_capture_on_commit_callbacks)
    assert got.verdict == Verdict.PROPOSE_REVOCATION  # 66.7 % < 70 %, one year suffices here
    assert cast.province.name in got.reasons


@pytest.mark.django_db
def test_assessment_needs_a_named_list_and_a_live_term(cast: Cast) -> None:
    honour = holder(cast)
    actor = fresh(cast.grassroots_officer)
    with pytest.raises(ValidationError, match="至少 3 人"):
        terms.assessment_open(actor=actor, honour=honour, year=2026, deeds="", voters=["甲", "乙"])
    for_life = holder(cast, "李工匠", term_ends_on=None)
    with pytest.raises(ValidationError, match="终身"):
        terms.assessment_open(
            actor=actor, honour=for_life, year=2026, deeds="", voters=["甲", "乙", "丙"]
        )
    with pytest.raises(PermissionDenied):  # the sibling union's officer
        terms.assessment_open(
            actor=fresh(cast.sibling_officer),
            honour=honour,
            year=2026,
            deeds="",
            voters=["甲", "乙", "丙"],
        )


@pytest.mark.django_db
def test_reminders_ninety_days_ahead_are_sent_once(cast: Cast) -> None:
    today = timezone.localdate()
    soon = holder(cast, "将届满", conferred_on=today.replace(year=today.year - 5))
    soon.term_ends_on = today + dt.timedelta(days=60)
    soon.save(update_fields=["term_ends_on"])
    holder(cast, "未届满", conferred_on=today.replace(year=today.year - 4))  # a year or more left
    assert terms.term_reminders_send(today=today) == 1
    assert terms.term_reminders_send(today=today) == 0  # idempotent: claimed once
    told = Notification.objects.filter(recipient=cast.grassroots_officer)
    assert told.count() == 1 and "将届满" in told.get().body


@pytest.mark.django_db
def test_end_of_term_confirm_extends_and_lapse_stops(cast: Cast) -> None:
    today = timezone.localdate()
    boss = province_chair(cast)
    confirmed = holder(cast, "确认者")
    confirmed.term_ends_on = today + dt.timedelta(days=30)
    confirmed.save(update_fields=["term_ends_on"])
    terms.term_confirm(actor=boss, honour=confirmed, note="考核合格")
    confirmed.refresh_from_db()
    assert confirmed.term_ends_on == rules.add_years(today + dt.timedelta(days=30), 5)
    assert history_of(confirmed).filter(transition="confirm_term").exists()

    lapsing = holder(cast, "期满者")
    lapsing.term_ends_on = today - dt.timedelta(days=1)
    lapsing.save(update_fields=["term_ends_on"])
    with pytest.raises(ValidationError, match="理由"):
        terms.term_lapse(actor=boss, honour=lapsing, reason=" ")
    terms.term_lapse(actor=boss, honour=lapsing, reason="期满考核不合格")
    lapsing.refresh_from_db()
    assert lapsing.status == HonourStatus.LAPSED and lapsing.status_changed_on == today
    assert (
        HistoryEntry.objects.unscoped(reason="test")
        .filter(object_id=lapsing.pk, transition="lapse")
        .exists()
    )
    early = holder(cast, "未到期")
    with pytest.raises(ValidationError, match="尚未临近"):
        terms.term_confirm(actor=boss, honour=early)
