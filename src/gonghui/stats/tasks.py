"""Background jobs of the stats module (django-tasks), declared in the schedule registry by
``StatsConfig.ready()``."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from gonghui.core import rollups
from gonghui.stats.services.reports import snapshot_take_missing


def month_just_ended(today: dt.date) -> str:
    return (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


@task()
def stats_monthly_snapshot() -> str:
    """On the 1st just after midnight: the snapshot of the month that has just ended (taken
    once; a month that has one already is left alone). Returns the label and what was done."""
    label = month_just_ended(timezone.localdate())
    taken = snapshot_take_missing(label=label)
    return f"{label} {'taken' if taken else 'exists'}"


@task()
def stats_rollups_refresh() -> int:
    """Every few minutes: fold the counters' pending deltas into the figures above each org
    (ADR 0018), so that a subtree's reading stays O(keys). Returns the deltas folded."""
    return rollups.fold()
