"""Writes to the working-day calendar (the holiday/调休 table read by ``core.deadlines``).

Installation admins (superusers) enter each year's schedule once the State Council publishes it,
usually late in the year before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.deadlines import bump_calendar_version
from gonghui.core.models import CalendarDay, CalendarYear, DayKind
from gonghui.core.scoping import Actor

NAME_MAX = CalendarDay._meta.get_field("name").max_length or 30
_DATE = r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
_LINE = re.compile(rf"^{_DATE}(?:\s*[~～至]\s*{_DATE})?(?:\s+(.*))?$")


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def parse_schedule_lines(
    text: str, *, year: int, kind: str
) -> tuple[dict[dt.date, str], list[str], dict[dt.date, int]]:
    """Parse lines such as ``2027-01-01 元旦`` or ``2027-02-06~2027-02-13 春节``.

    Returns the days with their names, a list of Chinese errors, each naming its line, and the
    line number each day came from.
    A holiday may fall on a weekend (days inside a holiday period are listed); a 调休 workday
    must be a Saturday or Sunday.
    """
    days: dict[dt.date, str] = {}
    errors: list[str] = []
    line_of: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\u3000", " ").strip()
        if not line:
            continue

        def error(message: str, line: str = line, number: int = number) -> None:
            errors.append(
                _("第%(n)d行“%(line)s”：%(message)s")
                % {"n": number, "line": line, "message": message}
            )

        match = _LINE.match(line)
        if not match:
            error(_("格式应为“2027-01-01 元旦”或“2027-02-06~2027-02-13 春节”"))
            continue
        try:
            first = dt.date(*(int(g) for g in match.group(1, 2, 3)))
            last = first
            if match.group(4):
                last = dt.date(*(int(g) for g in match.group(4, 5, 6)))
        except ValueError:
            error(_("日期无效"))
            continue
        name = (match.group(7) or "").strip()
        if last < first:
            error(_("结束日期早于开始日期"))
            continue
        start, end = _year_range(year)
        if first < start or last > end:
            error(_("日期不在%(year)d年内") % {"year": year})
            continue
        if len(name) > NAME_MAX:
            error(_("名称不能超过%(n)d个字") % {"n": NAME_MAX})
            continue
        day = first
        while day <= last:
            if day in days:
                error(_("%(day)s重复列出") % {"day": day.isoformat()})
                break
            if kind == DayKind.WORKDAY and day.weekday() < 5:
                error(
                    _("%(day)s是工作日（周一至周五），无需列为调休上班日")
                    % {"day": day.isoformat()}
                )
                break
            days[day] = name
            line_of[day] = number
            day += dt.timedelta(days=1)
    return days, errors, line_of


def _check_schedule(
    year: int, holidays: Mapping[dt.date, str], workdays: Mapping[dt.date, str]
) -> None:
    start, end = _year_range(year)
    errors = []
    for day in sorted({*holidays, *workdays}):
        if not start <= day <= end:
            errors.append(_("%(day)s不在%(year)d年内") % {"day": day.isoformat(), "year": year})
    for day in sorted(set(holidays) & set(workdays)):
        errors.append(_("%(day)s不能既是放假日又是调休上班日") % {"day": day.isoformat()})
    for day in sorted(workdays):
        if day.weekday() < 5:
            errors.append(
                _("%(day)s是工作日（周一至周五），无需列为调休上班日") % {"day": day.isoformat()}
            )
    for name in [*holidays.values(), *workdays.values()]:
        if len(name) > NAME_MAX:
            errors.append(_("名称“%(name)s”超过%(n)d个字") % {"name": name, "n": NAME_MAX})
    if errors:
        raise ValidationError(errors)


def _schedule_of(year: int) -> dict[str, Any]:
    start, end = _year_range(year)
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).order_by("date")
    return {
        "holidays": {r.date.isoformat(): r.name for r in rows if r.kind == DayKind.HOLIDAY},
        "workdays": {r.date.isoformat(): r.name for r in rows if r.kind == DayKind.WORKDAY},
    }


def calendar_year_save(
    *,
    actor: Actor,
    year: int,
    holidays: Mapping[dt.date, str],
    workdays: Mapping[dt.date, str],
    source: str = "",
    published_on: dt.date | None = None,
) -> CalendarYear:
    """Replace the holiday/调休 schedule of ``year`` (superusers only), with an audit row."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("core.calendar.save")
    _check_schedule(year, holidays, workdays)
    start, end = _year_range(year)
    with transaction.atomic():
        entry, created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        before = (
            None
            if created
            else {
                "source": entry.source,
                "published_on": entry.published_on,
                **_schedule_of(year),
            }
        )
        entry.source = source
        entry.published_on = published_on
        entry.save()
        CalendarDay.objects.filter(date__gte=start, date__lte=end).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind=DayKind.HOLIDAY, name=n) for d, n in sorted(holidays.items())]
            + [
                CalendarDay(date=d, kind=DayKind.WORKDAY, name=n)
                for d, n in sorted(workdays.items())
            ]
        )
        audit_record(
            action="core.calendar.saved",
            actor=actor,
            target=entry,
            target_label=_("%(year)d年节假日安排") % {"year": year},
            before=before,
            after={"source": source, "published_on": published_on, **_schedule_of(year)},
        )
        # Now for this process (it reads its own writes), and again once other processes can
        # see the committed rows.
        bump_calendar_version()
        transaction.on_commit(bump_calendar_version)
    return entry
