"""Legal and policy deadlines (DESIGN.md rule 5), domain-free.

* Calendar days follow 民法典 §201 (the start day is not counted; counting starts the next day)
  and §203 (a period whose last day is a statutory holiday ends on the day after the holiday).
  Every non-working day — weekends included — is treated as such a holiday, so the period ends
  on the next working day.
* Working days come from the holiday/调休 table (``CalendarDay``): a day is a working day when it
  is a weekday not listed as a holiday, or a weekend day listed as a 调休 workday.
* A year with no ``CalendarYear`` row (its schedule not yet published or entered) is computed on
  weekends only and the deadline is marked unconfirmed. Nothing here raises for a missing year.

A year's exceptions are loaded with one query and kept per process, keyed by year. The cache
holds a version token in Django's cache; ``bump_calendar_version()`` (called by the services that
change the table) replaces the token and every process drops its copy on its next lookup.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import cache_versions
from gonghui.core.registry import TodoItem

__all__ = [
    "Deadline",
    "DeadlineState",
    "add_calendar_days",
    "add_working_days",
    "bump_calendar_version",
    "deadline_state",
    "is_working_day",
    "overdue_todo",
    "working_days_between",
    "year_is_confirmed",
]

Unit = Literal["calendar", "working"]
VERSION_KEY = "core.calendar.version"
ONE_DAY = dt.timedelta(days=1)


# --- the calendar table, cached per process ----------------------------------------------------


@dataclass(frozen=True)
class _Year:
    confirmed: bool
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


class _CalendarCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: str | None = None
        self.known_years: frozenset[int] | None = None
        self.years: dict[int, _Year] = {}

    def clear(self) -> None:
        with self.lock:
            self.version = None
            self.known_years = None
            self.years = {}


_cache = _CalendarCache()


def _current_version() -> str:
    return cache_versions.current(VERSION_KEY)


def bump_calendar_version() -> None:
    """The table changed: every process reloads the calendar on its next lookup."""
    cache_versions.bump(VERSION_KEY)
    _cache.clear()


class _Calendar:
    """A consistent view of the table for one computation (the version is checked once)."""

    def __init__(self) -> None:
        version = _current_version()
        with _cache.lock:
            if _cache.version != version:
                _cache.version = version
                _cache.known_years = None
                _cache.years = {}

    def year(self, year: int) -> _Year:
        data = _cache.years.get(year)
        if data is None:
            data = _load_year(year, self._known_years())
            with _cache.lock:
                _cache.years[year] = data
        return data

    def _known_years(self) -> frozenset[int]:
        known = _cache.known_years
        if known is None:
            from gonghui.core.models import CalendarYear

            known = frozenset(CalendarYear.objects.values_list("year", flat=True))
            with _cache.lock:
                _cache.known_years = known
        return known

    def is_working_day(self, day: dt.date) -> bool:
        data = self.year(day.year)
        if day in data.workdays:
            return True
        return day.weekday() < 5 and day not in data.holidays


def _load_year(year: int, known: frozenset[int]) -> _Year:
    if year not in known:
        return _Year(confirmed=False, holidays=frozenset(), workdays=frozenset())
    from gonghui.core.models import CalendarDay, DayKind

    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    rows = CalendarDay.objects.filter(
        date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
    ).values_list("date", "kind")
    for day, kind in rows:
        (workdays if kind == DayKind.WORKDAY else holidays).add(day)
    return _Year(confirmed=True, holidays=frozenset(holidays), workdays=frozenset(workdays))


def year_is_confirmed(year: int) -> bool:
    """Whether the official schedule of ``year`` has been entered."""
    return _Calendar().year(year).confirmed


# --- deadlines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A computed deadline and the rule that produced it (DESIGN.md rule 10)."""

    start: dt.date
    due: dt.date
    unit: Unit
    amount: int
    confirmed: bool
    rule: str
    missing_years: tuple[int, ...] = ()

    @property
    def state(self) -> DeadlineState:
        """The state as of today (Asia/Shanghai), for templates."""
        return deadline_state(self, timezone.localdate())


@dataclass(frozen=True)
class DeadlineState:
    due: dt.date
    today: dt.date
    remaining: int  # working days after today up to and including the due date
    overdue: bool
    overdue_working_days: int
    overdue_days: int  # calendar days past the due date
    confirmed: bool


def is_working_day(day: dt.date) -> bool:
    return _Calendar().is_working_day(day)


def _years_note(years: set[int], calendar: _Calendar) -> tuple[str, tuple[int, ...]]:
    confirmed = sorted(y for y in years if calendar.year(y).confirmed)
    missing = tuple(sorted(y for y in years if not calendar.year(y).confirmed))
    parts = []
    if confirmed:
        parts.append(
            _("%(years)s节假日安排")
            % {"years": "、".join(_("%(y)d年") % {"y": y} for y in confirmed)}
        )
    if missing:
        parts.append(
            _("%(years)s节假日安排尚未录入，按周末推算，待确认")
            % {"years": "、".join(_("%(y)d年") % {"y": y} for y in missing)}
        )
    return "；".join(parts), missing


def add_calendar_days(start: dt.date, days: int) -> Deadline:
    """A period of ``days`` calendar days from ``start`` (民法典 §201, §203).

    The start day is not counted; when the last day is not a working day (a statutory holiday
    or a weekend) the period ends on the next working day. Only the days from the nominal last
    day to the due date decide the result, so only their years decide whether it is confirmed.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    calendar = _Calendar()
    nominal = start + dt.timedelta(days=days)
    due = nominal
    while not calendar.is_working_day(due):
        due += ONE_DAY
    years = set(range(nominal.year, due.year + 1))
    note, missing = _years_note(years, calendar)
    rule = _("自次日起算%(n)d日（民法典第二百零一条）") % {"n": days}
    if due != nominal:
        rule += _("，期满日%(nominal)s为法定休假日，顺延至%(due)s（第二百零三条）") % {
            "nominal": nominal.isoformat(),
            "due": due.isoformat(),
        }
    rule += _("（%(note)s）") % {"note": note}
    return Deadline(start, due, "calendar", days, not missing, rule, missing)


def add_working_days(start: dt.date, days: int) -> Deadline:
    """The ``days``-th working day after ``start`` (the start day is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    calendar = _Calendar()
    due = start
    counted = 0
    while counted < days:
        due += ONE_DAY
        if calendar.is_working_day(due):
            counted += 1
    first = start + ONE_DAY if days else start
    note, missing = _years_note(set(range(first.year, due.year + 1)), calendar)
    rule = _("自次日起算%(n)d个工作日（%(note)s）") % {"n": days, "note": note}
    return Deadline(start, due, "working", days, not missing, rule, missing)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    So ``working_days_between(start, add_working_days(start, n).due) == n``.
    """
    if b < a:
        return -working_days_between(b, a)
    calendar = _Calendar()
    count = 0
    day = a + ONE_DAY
    while day <= b:
        if calendar.is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


def deadline_state(deadline: Deadline, today: dt.date) -> DeadlineState:
    """Remaining working days until the due date, or how far it is overdue."""
    overdue = today > deadline.due
    return DeadlineState(
        due=deadline.due,
        today=today,
        remaining=0 if overdue else working_days_between(today, deadline.due),
        overdue=overdue,
        overdue_working_days=working_days_between(deadline.due, today) if overdue else 0,
        overdue_days=(today - deadline.due).days if overdue else 0,
        confirmed=deadline.confirmed,
    )


def overdue_todo(title: str, url: str, deadline: Deadline, today: dt.date) -> TodoItem:
    """A to-do panel item for a deadline (``overdue`` is True once ``today`` is past it).

    Modules build these in the to-do providers they register with ``core.registry``.
    """
    return TodoItem(
        title=title,
        url=url,
        due=deadline.due.isoformat(),
        overdue=deadline_state(deadline, today).overdue,
    )
