"""DESIGN.md rule 5: deadlines in calendar days (民法典 §201/§203) and in working days from the
holiday/调休 table seeded from chinese-calendar; a year without a schedule never raises and
marks the deadline unconfirmed."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.core.calendar_services import calendar_year_save, parse_schedule_lines
from gonghui.core.deadlines import (
    add_calendar_days,
    add_working_days,
    bump_calendar_version,
    deadline_state,
    is_working_day,
    overdue_todo,
    working_days_between,
)
from gonghui.core.models import AuditEvent, CalendarDay, CalendarYear, DayKind
from tests import factories
from tests.conftest import Cast
from tests.factories import ensure_seeded

D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def seeded_calendar(db: None) -> None:
    ensure_seeded()


def test_data_migration_seeded_2025_and_2026_with_their_tiaoxiu_days() -> None:
    assert CalendarYear.objects.filter(year__in=[2025, 2026]).count() == 2
    saturday = CalendarDay.objects.get(date=D("2026-02-14"))
    assert (saturday.kind, saturday.name) == (DayKind.WORKDAY, "春节调休上班")
    assert CalendarDay.objects.get(date=D("2026-10-01")).name == "国庆节"


def test_working_day_is_a_weekday_not_on_holiday_or_a_tiaoxiu_weekend_day() -> None:
    assert is_working_day(D("2026-03-02"))  # an ordinary Monday
    assert not is_working_day(D("2026-03-07"))  # an ordinary Saturday
    assert not is_working_day(D("2026-10-01"))  # 国庆节, a Thursday
    assert is_working_day(D("2026-02-14"))  # Saturday worked for 春节 (调休)
    assert is_working_day(D("2027-01-01"))  # no 2027 schedule: a Friday counts as working


def test_fifteen_working_days_across_national_day_2025() -> None:
    # From Fri 2025-09-26 (not counted): Sun 09-28 (调休上班) 1, 09-29 2, 09-30 3,
    # 10-01..10-08 off, 10-09 4, 10-10 5, Sat 10-11 (调休上班) 6, 10-13..10-17 7-11,
    # 10-20..10-23 12-15  ->  Thu 2025-10-23.
    deadline = add_working_days(D("2025-09-26"), 15)
    assert deadline.due == D("2025-10-23")
    assert deadline.confirmed and deadline.unit == "working" and deadline.amount == 15
    assert deadline.rule == "自次日起算15个工作日（2025年节假日安排）"


def test_fifteen_working_days_across_national_day_2026() -> None:
    # From Mon 2026-09-28: 09-29 1, 09-30 2, 10-01..10-07 off, 10-08 3, 10-09 4,
    # Sat 10-10 (调休上班) 5, 10-12..10-16 6-10, 10-19..10-23 11-15  ->  Fri 2026-10-23.
    deadline = add_working_days(D("2026-09-28"), 15)
    assert deadline.due == D("2026-10-23")
    assert deadline.rule == "自次日起算15个工作日（2026年节假日安排）"
    assert working_days_between(D("2026-09-28"), D("2026-10-23")) == 15


def test_fifteen_working_days_across_spring_festival_2026_count_its_tiaoxiu_saturdays() -> None:
    # From Mon 2026-02-09: 02-10..02-13 1-4, Sat 02-14 (调休上班) 5, 02-15..02-23 off,
    # 02-24..02-27 6-9, Sat 02-28 (调休上班) 10, 03-02..03-06 11-15  ->  Fri 2026-03-06.
    # (On weekends alone it would be Mon 2026-03-02.)
    deadline = add_working_days(D("2026-02-09"), 15)
    assert deadline.due == D("2026-03-06")
    assert deadline.confirmed
    # The 调休 Saturday itself can be the last day: 02-10..02-13 1-4, Sat 02-14 5.
    assert add_working_days(D("2026-02-09"), 5).due == D("2026-02-14")


def test_deadline_in_2027_without_a_schedule_is_computed_on_weekends_and_unconfirmed() -> None:
    # From Sun 2026-12-20: 12-21..12-25 1-5, 12-28..12-31 6-9, Fri 2027-01-01 (no 2027
    # schedule, so a working day) 10, 01-04..01-08 11-15  ->  Fri 2027-01-08.
    deadline = add_working_days(D("2026-12-20"), 15)
    assert deadline.due == D("2027-01-08")
    assert not deadline.confirmed
    assert deadline.missing_years == (2027,)
    assert "2027年节假日安排尚未录入，按周末推算，待确认" in deadline.rule
    assert "2026年节假日安排" in deadline.rule
    inside = add_working_days(D("2027-03-01"), 15)
    assert inside.due == D("2027-03-22") and not inside.confirmed
    assert not add_calendar_days(D("2027-05-01"), 15).confirmed


def test_calendar_days_do_not_count_the_start_day() -> None:
    # 民法典 §201: counting starts on 03-03; the 15th day is Tue 2026-03-17, a working day.
    deadline = add_calendar_days(D("2026-03-02"), 15)
    assert deadline.due == D("2026-03-17")
    assert deadline.unit == "calendar" and deadline.confirmed
    assert deadline.rule == "自次日起算15日（民法典第二百零一条）（2026年节假日安排）"


def test_calendar_period_ending_in_national_day_ends_the_day_after_the_holiday() -> None:
    # 民法典 §203: from Wed 2026-09-16 the 15th day is 10-01, inside 国庆 (10-01..10-07),
    # so the period ends on Thu 2026-10-08, the first working day after it.
    deadline = add_calendar_days(D("2026-09-16"), 15)
    assert deadline.due == D("2026-10-08")
    assert "期满日2026-10-01为法定休假日，顺延至2026-10-08（第二百零三条）" in deadline.rule


def test_calendar_period_ending_on_a_weekend_moves_to_monday_but_not_on_a_tiaoxiu_saturday() -> (
    None
):
    assert add_calendar_days(D("2026-03-06"), 15).due == D("2026-03-23")  # Sat 03-21 -> Mon
    assert add_calendar_days(D("2026-09-25"), 15).due == D("2026-10-10")  # Sat worked (调休)


def test_working_days_between_is_signed_and_excludes_the_first_day() -> None:
    assert working_days_between(D("2026-10-20"), D("2026-10-23")) == 3
    assert working_days_between(D("2026-10-23"), D("2026-10-20")) == -3
    assert working_days_between(D("2026-10-23"), D("2026-10-23")) == 0


def test_deadline_state_gives_remaining_working_days_or_how_far_overdue() -> None:
    deadline = add_working_days(D("2026-09-28"), 15)  # due Fri 2026-10-23
    before = deadline_state(deadline, D("2026-10-20"))
    assert (before.remaining, before.overdue) == (3, False)
    on_the_day = deadline_state(deadline, D("2026-10-23"))
    assert (on_the_day.remaining, on_the_day.overdue) == (0, False)
    weekend = deadline_state(deadline, D("2026-10-24"))
    assert weekend.overdue and weekend.overdue_working_days == 0 and weekend.overdue_days == 1
    late = deadline_state(deadline, D("2026-10-27"))  # Mon 10-26 and Tue 10-27
    assert late.overdue and late.overdue_working_days == 2 and late.overdue_days == 4


def test_overdue_todo_feeds_the_todo_panel_with_the_iso_due_date() -> None:
    deadline = add_working_days(D("2026-09-28"), 15)
    item = overdue_todo("答复诉求 #7", "/voice/7/", deadline, D("2026-10-27"))
    assert (item.title, item.url, item.due, item.overdue) == (
        "答复诉求 #7",
        "/voice/7/",
        "2026-10-23",
        True,
    )
    assert not overdue_todo("x", "/", deadline, D("2026-10-22")).overdue


def test_deadline_partial_shows_overdue_and_unconfirmed() -> None:
    today = timezone.localdate()
    late = add_working_days(today - dt.timedelta(days=60), 5)
    html = render_to_string("core/deadline.html", {"deadline": late})
    assert late.due.isoformat() in html and "已逾期" in html
    unknown = add_working_days(D("2027-06-01"), 5)
    assert "待确认" in render_to_string("core/deadline.html", {"deadline": unknown})
    soon = add_working_days(today, 10)
    assert "剩余 10 个工作日" in render_to_string("core/deadline.html", {"deadline": soon})


def test_a_year_is_loaded_with_one_query_and_then_cached() -> None:
    bump_calendar_version()
    with CaptureQueriesContext(connection) as first:
        add_working_days(D("2026-03-02"), 15)
    assert len(first) == 2  # the list of entered years, then the 2026 exceptions
    with CaptureQueriesContext(connection) as again:
        add_working_days(D("2026-04-01"), 15)
    assert len(again) == 0


def test_saving_a_year_confirms_its_deadlines_and_invalidates_the_cache() -> None:
    # Before: Thu 12-31 1, Fri 2027-01-01 2, Mon 01-04 3. After 元旦 is entered: 12-31 1,
    # 01-04 2, 01-05 3.
    assert add_working_days(D("2026-12-30"), 3).due == D("2027-01-04")
    calendar_year_save(
        actor=factories.superuser(),
        year=2027,
        holidays={D("2027-01-01"): "元旦"},
        workdays={},
        source="测试",
        published_on=D("2026-11-01"),
    )
    deadline = add_working_days(D("2026-12-30"), 3)
    assert deadline.due == D("2027-01-05") and deadline.confirmed
    event = AuditEvent.objects.get(action="core.calendar.saved")
    assert event.after["holidays"] == {"2027-01-01": "元旦"}


def test_only_superusers_may_save_a_year(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        calendar_year_save(
            actor=cast.province_officer, year=2027, holidays={}, workdays={}, source=""
        )
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_schedule_lines_report_each_bad_line_in_chinese() -> None:
    days, errors, _ = parse_schedule_lines(
        "2027-01-01 元旦\n2027-02-06~2027-02-13 春节\n2027-02-30 x\n2026-12-31 元旦\n乱写",
        year=2027,
        kind=DayKind.HOLIDAY,
    )
    assert len(days) == 9  # 1 + 8 days, the range's weekend days included
    assert errors == [
        "第3行“2027-02-30 x”：日期无效",
        "第4行“2026-12-31 元旦”：日期不在2027年内",
        "第5行“乱写”：格式应为“2027-01-01 元旦”或“2027-02-06~2027-02-13 春节”",
    ]
    _, errors, _ = parse_schedule_lines("2027-02-15 春节调休上班", year=2027, kind=DayKind.WORKDAY)
    assert errors == [
        "第1行“2027-02-15 春节调休上班”：2027-02-15是工作日（周一至周五），无需列为调休上班日"
    ]


def test_seed_migration_reverses_to_an_empty_table_and_reseeds() -> None:
    from django.apps import apps

    migration = importlib.import_module("gonghui.core.migrations.0003_seed_calendar")
    migration.unseed(apps, None)
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()
    migration.seed(apps, None)
    assert CalendarYear.objects.filter(year__gte=2004, year__lte=2026).count() == 23
    bump_calendar_version()
    assert add_working_days(D("2026-02-09"), 15).due == D("2026-03-06")
