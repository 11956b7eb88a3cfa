"""Reads of the rollups: a subtree's figures and its ranking by child org, from the org's own
counters and its descendants' sums (core.rollups, ADR 0018): O(keys) or O(children) rows,
never a scan of the subtree's orgs or members."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.core import rollups, spreads
from gonghui.core.scoping import Viewer, require_capability
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import Org
from gonghui.stats import definitions
from gonghui.stats.models import (
    OrgReport,
    ReportPeriod,
    Snapshot,
    SnapshotCounter,
    SnapshotSubtree,
)


def subtree_counters(org: Org) -> dict[str, int]:
    """The subtree's counters, exact: O(keys) rows whatever its size (core.rollups)."""
    return rollups.subtree(org.path)


def subtree_counters_as_of(org: Org) -> tuple[dict[str, int], dt.datetime | None]:
    """The subtree's counters and when the figures above each org were last summed (the
    "截至"; later changes are counted live), read in one statement."""
    return rollups.subtree_as_of(org.path)


def stats_for(*, viewer: Viewer, code: str, today: dt.date | None = None) -> dict[str, Any]:
    """The figures of the subtree of ``code`` (an org in the viewer's scope, ``stats.view``)."""
    org = org_selectors.org_get(viewer=viewer, code=code)
    require_capability(viewer, "stats.view", org.path)
    counters, refreshed = subtree_counters_as_of(org)
    result = stats_of(org=org, counters=counters, today=today or timezone.localdate())
    result["as_of"] = (
        timezone.localtime(refreshed).isoformat(timespec="seconds") if refreshed else None
    )
    return result


def stats_of(*, org: Org, counters: dict[str, int], today: dt.date) -> dict[str, Any]:
    """The figures from a subtree's counters already summed (the dashboard reuses them)."""
    return {
        "org": org.code,
        "name": org.name,
        "figures": definitions.compute(counters, today),
        "households": definitions.household_figures(counters),
    }


def children_ranking(*, org: Org, key: str) -> list[dict[str, Any]]:
    """Each child's subtree sum of one counter key (and the org's own, as 本级), largest first."""
    children = {c.path: c for c in Org.objects.filter(parent=org).order_by("path")}
    totals, own = rollups.children(org.path, list(children), key)
    ranking: list[dict[str, Any]] = [
        {"org": child, "value": totals.get(path, 0)} for path, child in children.items()
    ]
    ranking.sort(key=lambda r: (-r["value"], r["org"].path))
    if own:
        ranking.append({"org": None, "value": own})
    return ranking


def jsonable(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in figures.items()}


def _snapshot_rows(org: Org, **filters: Any) -> Any:
    """The org's own rows and its descendants' sums at snapshots: O(keys) rows per snapshot."""
    reason = "one org's rows: callers found the org in the viewer's scope"
    own = SnapshotCounter.objects.unscoped(reason=reason).filter(org_path=org.path, **filters)
    below = SnapshotSubtree.objects.unscoped(reason=reason).filter(org_path=org.path, **filters)
    return own, below


def snapshot_subtree_counters(*, org: Org, label: str) -> dict[str, int]:
    own, below = _snapshot_rows(org, snapshot__label=label)
    totals: Tally[str] = Tally()
    for key, value, spread in own.values_list("key", "value", "spread").union(
        below.values_list("key", "value", "spread"), all=True
    ):
        for bucket_key, n in spreads.expand(key, value, spread):
            totals[bucket_key] += n
    return {key: value for key, value in totals.items() if value}


def compare_years(*, org: Org, start: int, end: int) -> list[dict[str, Any]]:
    """Each figure in both years and its change: % for counts, 百分点 for rates (DOMAIN §10)."""
    first = definitions.compute(
        snapshot_subtree_counters(org=org, label=str(start)), dt.date(start, 12, 31)
    )
    last = definitions.compute(
        snapshot_subtree_counters(org=org, label=str(end)), dt.date(end, 12, 31)
    )
    rows = []
    for figure in definitions.FIGURES:
        a, b = first[figure.key], last[figure.key]
        change: Decimal | None = None
        if a is not None and b is not None:
            if figure.rate:
                change = Decimal(b) - Decimal(a)
            elif a:
                change = definitions.percent(int(b) - int(a), int(a))
        rows.append({"figure": figure, "start": a, "end": b, "change": change})
    return rows


def report_periods() -> QuerySet[ReportPeriod]:
    """The frozen years (installation-wide: a period is a date, not data of an org)."""
    return ReportPeriod.objects.all()


def report_years() -> list[int]:
    return list(ReportPeriod.objects.values_list("year", flat=True))


def org_report(*, viewer: Viewer, year: int, org: Org) -> OrgReport:
    """The annual report of ``org`` (found in the viewer's scope) for ``year``; else 404."""
    report = (
        OrgReport.objects.for_viewer(viewer)
        .filter(period__year=year, org=org)
        .select_related("org", "period")
        .first()
    )
    if report is None:
        raise Http404
    return report


def last_months(today: dt.date, count: int = 12) -> list[str]:
    """``YYYY-MM`` of the ``count`` months ending with today's, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def year_ago_labels(today: dt.date) -> list[str]:
    """The snapshots to compare with, in order: the same month last year, last year's report."""
    return [f"{today.year - 1}-{today.month:02d}", str(today.year - 1)]


def snapshots_taken(labels: list[str]) -> set[str]:
    """Which of these snapshots exist (one statement for a whole page)."""
    return set(Snapshot.objects.filter(label__in=labels).values_list("label", flat=True))


def year_ago_label(today: dt.date, taken: set[str] | None = None) -> str | None:
    """The snapshot to compare with: the same month last year, else last year's report
    (``taken``: the snapshots known to exist, when the page read them already)."""
    labels = year_ago_labels(today)
    found = snapshots_taken(labels) if taken is None else taken
    return next((label for label in labels if label in found), None)


def changes(
    *, org: Org, figures: dict[str, Any], today: dt.date, taken: set[str] | None = None
) -> tuple[str | None, dict[str, Decimal | None]]:
    """Each figure's change against a year ago: % for counts, 百分点 for rates."""
    label = year_ago_label(today, taken)
    if label is None:
        return None, {}
    then_day = dt.date(today.year - 1, 12, 31) if "-" not in label else today.replace(day=1)
    then = definitions.compute(snapshot_subtree_counters(org=org, label=label), then_day)
    result: dict[str, Decimal | None] = {}
    for figure in definitions.FIGURES:
        a, b = then[figure.key], figures[figure.key]
        if a is None or b is None:
            result[figure.key] = None
        elif figure.rate:
            result[figure.key] = Decimal(b) - Decimal(a)
        else:
            result[figure.key] = definitions.percent(int(b) - int(a), int(a)) if a else None
    return label, result


def member_trend(*, org: Org, months: list[str], taken: set[str] | None = None) -> list[int | None]:
    """Members at each month's snapshot (None where no snapshot was taken)."""
    own, below = _snapshot_rows(org, snapshot__label__in=months, key="members.current")
    rows: Tally[str] = Tally()
    for label, value in own.values_list("snapshot__label", "value").union(
        below.values_list("snapshot__label", "value"), all=True
    ):
        rows[label] += value
    if taken is None:
        taken = snapshots_taken(months)
    return [int(rows.get(m, 0)) if m in taken else None for m in months]
