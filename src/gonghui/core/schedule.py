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
scheduler``) enqueues it through the django-tasks API at each cron time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # "<app>.<what>", stable: the run history is keyed by it
    task: Any  # a django_tasks Task taking no arguments
    cron: str  # five fields: minute hour day-of-month month day-of-week (Asia/Shanghai)
    description: str | Promise


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(name: str, task: Any, *, cron: str, description: str | Promise) -> None:
    """Declare a periodic job; registering the same name again replaces it (ready() may rerun)."""
    if len(cron.split()) != 5:
        raise ValueError(f"cron for {name} needs five fields: {cron!r}")
    _jobs[name] = PeriodicJob(name=name, task=task, cron=cron, description=description)


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def periodic_job(name: str) -> PeriodicJob:
    """The declared job called ``name``; ``KeyError`` when no app declares it."""
    return _jobs[name]
