"""DESIGN.md rule 5 for appeals: deadlines per category in working days (core.deadlines), across
国庆 2026 and across the turn of 2026 into 2027 (no published schedule: weekends only,
marked unconfirmed)."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from gonghui.voice.models import AppealCategory
from gonghui.voice.services.appeals import ensure_categories
from tests.conftest import Cast
from tests.factories import ensure_seeded, submit

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
