"""The one schedule registry (DESIGN.md rule 11): every periodic duty of the platform.

An app declares its periodic jobs in ``AppConfig.ready()``::

    from gonghui.core.schedule import register_periodic
    from gonghui.voice.tasks import voice_escalate_overdue

    register_periodic(
        "voice.escalate_overdue",
        voice_escalate_overdue,
        cron="*/15 * * * *",
        description=_("逾期诉求升级到上级工会"),
    )

The task is a django-tasks task taking no arguments; it must be idempotent (a second run right
after the first changes nothing) and work in bounded batches. The scheduler (``gonghui
scheduler``, ``core.scheduler``) enqueues it through the django-tasks API at each cron time.

``cron`` has the five standard fields (minute hour day-of-month month day-of-week) in the
installation's time zone (Asia/Shanghai). Day-of-week numbers are standard cron (0 or 7 is
Sunday, 1 Monday); the day-of-month field also takes ``last`` (the month's last day).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # "<app>.<what>", stable: the run history is keyed by it
    task: Any  # a django_tasks Task taking no arguments
    cron: str  # five fields: minute hour day-of-month month day-of-week (Asia/Shanghai)
    description: str | Promise
    trigger: CronTrigger = field(compare=False, repr=False)

    def schedule_text(self) -> str:
        """The schedule in words: 每 15 分钟, 每天 03:30, 每月 1 日 00:05."""
        return describe_cron(self.cron)

    def next_run(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """The first cron time after ``now``."""
        return self.trigger.get_next_fire_time(None, (now or _now()) + dt.timedelta(microseconds=1))

    def latest_time(
        self, now: dt.datetime | None = None, *, within: dt.timedelta = dt.timedelta(days=1)
    ) -> dt.datetime | None:
        """The latest cron time at or before ``now`` and no older than ``within``; None when the
        job had no time in that window. Every scheduler computes the same value for the same
        firing, which is what the run history and the lock are keyed by."""
        now = now or _now()
        latest = None
        candidate = self.trigger.get_next_fire_time(None, now - within)
        while candidate is not None and candidate <= now:
            latest = candidate
            candidate = self.trigger.get_next_fire_time(None, candidate + dt.timedelta(seconds=1))
        return latest


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(name: str, task: Any, *, cron: str, description: str | Promise) -> None:
    """Declare a periodic job; registering the same name again replaces it (ready() may rerun)."""
    if len(cron.split()) != 5:
        raise ValueError(f"cron for {name} needs five fields: {cron!r}")
    if getattr(task, "takes_context", False):
        raise ValueError(f"the task of {name} must take no arguments (and no context)")
    _jobs[name] = PeriodicJob(
        name=name, task=task, cron=cron, description=description, trigger=cron_trigger(cron)
    )


def unregister_periodic(name: str) -> None:
    """Remove a job (tests; a module switched off). Unknown names are ignored."""
    _jobs.pop(name, None)


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def periodic_job(name: str) -> PeriodicJob:
    """The declared job called ``name``; ``KeyError`` when no app declares it."""
    return _jobs[name]


# --- cron expressions -----------------------------------------------------------------------------


def schedule_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _now() -> dt.datetime:
    return timezone.now()


_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _standard_day_of_week(value: str) -> str:
    """Standard cron weekday numbers (0/7 Sunday) as names: APScheduler 3 reads 0 as Monday."""

    def name(match: re.Match[str]) -> str:
        number = int(match.group())
        if number > 7:
            raise ValueError(f"day of week out of range: {value!r}")
        return _DOW_NAMES[number]

    parts = []
    for part in value.split(","):
        base, slash, step = part.partition("/")
        parts.append(re.sub(r"\d+", name, base) + slash + step)
    return ",".join(parts)


def cron_trigger(cron: str) -> CronTrigger:
    """An APScheduler trigger for a five-field cron expression in the installation's zone;
    ``ValueError`` on a malformed expression (at registration, not at 3 a.m.)."""
    minute, hour, day, month, day_of_week = cron.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_standard_day_of_week(day_of_week),
        timezone=schedule_zone(),
    )


_WEEKDAY_WORDS = (
    gettext_lazy("周日"),
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)
_WEEKDAY_NUMBERS = {name: i for i, name in enumerate(_DOW_NAMES[:7])}
_NUMBER = re.compile(r"^\d+$")


def _weekdays(value: str) -> str | None:
    words = []
    for part in value.split(","):
        first, dash, last = part.partition("-")
        ends = [
            _WEEKDAY_NUMBERS.get(x.lower(), int(x) if _NUMBER.match(x) else -1)
            for x in ((first, last) if dash else (first,))
        ]
        if any(not 0 <= n <= 7 for n in ends):
            return None
        names = [_WEEKDAY_WORDS[n] for n in ends]
        words.append(_("%(a)s至%(b)s") % {"a": names[0], "b": names[1]} if dash else str(names[0]))
    return "、".join(words)


def describe_cron(cron: str) -> str:
    """A cron expression in words, for the superuser's page; the expression itself where it
    is not one of the usual shapes."""
    minute, hour, day, month, day_of_week = cron.split()
    fallback = _("按计划“%(cron)s”") % {"cron": cron}
    every_day = day == month == day_of_week == "*"
    if hour == "*" and every_day:
        if minute == "*":
            return _("每分钟")
        if minute.startswith("*/") and _NUMBER.match(minute[2:]):
            return _("每 %(n)s 分钟") % {"n": minute[2:]}
        if _NUMBER.match(minute):
            return _("每小时第 %(m)s 分") % {"m": minute}
        return fallback
    if not _NUMBER.match(minute):
        return fallback
    if hour.startswith("*/") and _NUMBER.match(hour[2:]) and every_day:
        return _("每 %(n)s 小时（第 %(m)s 分）") % {"n": hour[2:], "m": minute}
    hours = hour.split(",")
    if not all(_NUMBER.match(h) and int(h) < 24 for h in hours):
        return fallback
    times = "、".join(f"{int(h):02d}:{int(minute):02d}" for h in hours)
    if every_day:
        return _("每天 %(times)s") % {"times": times}
    if day == month == "*":
        weekdays = _weekdays(day_of_week)
        if weekdays is None:
            return fallback
        return _("每%(days)s %(times)s") % {"days": weekdays, "times": times}
    if day_of_week != "*":
        return fallback
    if day == "last" and month == "*":
        return _("每月最后一天 %(times)s") % {"times": times}
    if not all(_NUMBER.match(d) for d in day.split(",")):
        return fallback
    days = "、".join(day.split(","))
    if month == "*":
        return _("每月 %(days)s 日 %(times)s") % {"days": days, "times": times}
    if all(_NUMBER.match(m) for m in month.split(",")):
        months = "、".join(month.split(","))
        return _("每年 %(months)s 月 %(days)s 日 %(times)s") % {
            "months": months,
            "days": days,
            "times": times,
        }
    return fallback
