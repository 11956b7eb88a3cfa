"""Seed the working-day calendar from the chinese-calendar package, one CalendarYear per year it
covers. Later years are entered by installation admins on the calendar page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

SOURCE = "chinese-calendar"

# chinese-calendar's English holiday names (its Holiday enum values) -> Chinese names.
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_schedule() -> dict[int, list[tuple[dt.date, str, str]]]:
    """Every (date, kind, name) of the package, grouped by the date's year."""
    from chinese_calendar import constants

    years: dict[int, list[tuple[dt.date, str, str]]] = {}
    for day, english in constants.holidays.items():
        name = NAMES.get(str(english), str(english))[:30]
        years.setdefault(day.year, []).append((day, "holiday", name))
    for day, english in constants.workdays.items():
        name = (NAMES.get(str(english), str(english)) + "调休上班")[:30]
        years.setdefault(day.year, []).append((day, "workday", name))
    return years


def seed(apps: Any, schema_editor: Any) -> None:
    calendar_year = apps.get_model("core", "CalendarYear")
    calendar_day = apps.get_model("core", "CalendarDay")
    existing = set(calendar_year.objects.values_list("year", flat=True))
    for year, days in sorted(package_schedule().items()):
        if year in existing:  # entered by hand already: keep it
            continue
        calendar_year.objects.create(year=year, source=SOURCE)
        calendar_day.objects.filter(
            date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
        ).delete()
        calendar_day.objects.bulk_create(
            calendar_day(date=day, kind=kind, name=name) for day, kind, name in sorted(days)
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    calendar_year = apps.get_model("core", "CalendarYear")
    calendar_day = apps.get_model("core", "CalendarDay")
    for year in package_schedule():
        calendar_day.objects.filter(
            date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
        ).delete()
        calendar_year.objects.filter(year=year).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_mechanisms")]

    operations = [migrations.RunPython(seed, unseed)]
