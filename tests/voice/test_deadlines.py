"""DESIGN.md rule 5 for appeals: deadlines per category in working days (core.deadlines), across
国庆 2026 and across the turn of 2026 into 2027 (no published schedule: weekends only,
marked unconfirmed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from freezegun import freeze_time

from gonghui.voice.models import AppealCategory
from gonghui.voice.services import appeals as services
from gonghui.voice.services.appeals import ensure_categories
from tests.conftest import Cast, fresh
from tests.factories import ensure_seeded, submit, worker

D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def seeded_calendar(db: None) -> None:
    ensure_seeded()


@freeze_time("2026-09-30 02:00:00")  # 10:00 in Shanghai, the day before 国庆
def test_deadlines_skip_the_national_day_holiday_and_count_the_tiaoxiu_saturday(
    cast: Cast,
) -> None:
    appeal = submit(cast)
    assert appeal.received_on == D("2026-09-30")
    # 1-7 October are holidays; 8 and 9 October and the 调休 Saturday 10 October are working days.
    assert appeal.accept_due == D("2026-10-10")
    # 15 working days: 8, 9, 10, 12-16, 19-23, 26, 27 October.
    assert appeal.reply_due == D("2026-10-27")
    # The second deadline: 5 working days after the accept deadline.
    assert appeal.escalate_due == D("2026-10-16")  # 12-16 October
    assert appeal.deadline_confirmed
    assert "2026年节假日安排" in appeal.deadline_rule


@freeze_time("2026-12-28 02:00:00")  # a Monday
def test_a_deadline_into_2027_counts_weekends_only_and_is_unconfirmed(cast: Cast) -> None:
    appeal = submit(cast)
    assert appeal.accept_due == D("2026-12-31")
    # 29-31 Dec, then 2027 without a schedule: 1 January (a Friday) counts as a working day.
    assert appeal.reply_due == D("2027-01-18")
    assert not appeal.deadline_confirmed
    assert "2027年节假日安排尚未录入" in appeal.deadline_rule


@freeze_time("2026-09-30 02:00:00")
def test_deadlines_come_from_the_category_row(cast: Cast) -> None:
    ensure_categories()
    AppealCategory.objects.filter(code="wage").update(accept_days=1, reply_days=5)
    appeal = submit(cast)
    assert appeal.accept_due == D("2026-10-08")
    assert appeal.reply_due == D("2026-10-13")


@freeze_time("2026-09-30 02:00:00")
def test_the_basis_shown_names_each_deadline_shown(cast: Cast) -> None:
    """The 期限依据 beside a date explains that date: the accept and reply deadlines each with
    their own due date, start and rule; a reopened appeal's basis is its new reply deadline."""
    appeal = submit(cast)
    assert "受理期限2026-10-10（2026-09-30起，自次日起算3个工作日" in appeal.deadline_rule
    assert "答复期限2026-10-27（2026-09-30起，自次日起算15个工作日" in appeal.deadline_rule
    user, _ = worker(cast)
    officer = fresh(cast.grassroots_officer)
    services.appeal_accept(actor=officer, appeal=appeal)
    services.appeal_reply(actor=officer, appeal=appeal, reply="已与企业协调补发。")
    services.appeal_rate(actor=user, appeal=appeal, rating="unsatisfied")
    with freeze_time("2026-11-02 02:00:00"):
        appeal = services.appeal_reopen(actor=user, appeal=appeal, reason="未落实")
    # 15 working days from 2 November: 3-6, 9-13, 16-20, 23 November.
    assert appeal.reply_due == D("2026-11-23")
    assert "重新办理答复期限2026-11-23（2026-11-02起" in appeal.deadline_rule
    assert "2026-10-27" not in appeal.deadline_rule
    page = Client()
    page.force_login(officer)
    shown = page.get(f"/voice/{appeal.pk}/").content.decode()
    assert "2026-11-23" in shown and "重新办理答复期限2026-11-23" in shown
