"""Reads of the rollups: a subtree's figures and its ranking by child org — sums over the
per-org counters by path prefix, never over member rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone

from gonghui.core.models import OrgCounter
from gonghui.core.scoping import Viewer, prefix_q, require_capability
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import PATH_STEP, Org
from gonghui.stats import definitions
from gonghui.stats.models import Snapshot, SnapshotCounter


def subtree_counters(org: Org) -> dict[str, int]:
    rows = (
        OrgCounter.objects.filter(prefix_q("org_path", org.path))
        .values("key")
        .annotate(total=Sum("value"))
        .values_list("key", "total")
    )
    return {key: int(value) for key, value in rows if value}


def stats_for(*, viewer: Viewer, code: str, today: dt.date | None = None) -> dict[str, Any]:
    """The figures of the subtree of ``code`` (an org in the viewer's scope, ``stats.view``)."""
    org = org_selectors.org_get(viewer=viewer, code=code)
    require_capability(viewer, "stats.view", org.path)
    return stats_of(org=org, counters=subtree_counters(org), today=today or timezone.localdate())


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
    child_path = Substr("org_path", 1, len(org.path) + PATH_STEP)
    rows = (
        OrgCounter.objects.filter(prefix_q("org_path", org.path), key=key)
        .annotate(child=child_path)
        .values("child")
        .annotate(total=Sum("value"))
        .values_list("child", "total")
    )
    totals = {child: int(total) for child, total in rows}
    children = {c.path: c for c in Org.objects.filter(parent=org).order_by("path")}
    ranking: list[dict[str, Any]] = [
        {"org": child, "value": totals.get(path, 0)} for path, child in children.items()
    ]
    ranking.sort(key=lambda r: (-r["value"], r["org"].path))
    own = totals.get(org.path, 0)
    if own:
        ranking.append({"org": None, "value": own})
    return ranking


def jsonable(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in figures.items()}


def snapshot_subtree_counters(*, org: Org, label: str) -> dict[str, int]:
    rows = (
        SnapshotCounter.objects.filter(prefix_q("org_path", org.path), snapshot__label=label)
        .values("key")
        .annotate(total=Sum("value"))
        .values_list("key", "total")
    )
    return {key: int(value) for key, value in rows if value}


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


def last_months(today: dt.date, count: int = 12) -> list[str]:
    """``YYYY-MM`` of the ``count`` months ending with today's, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def year_ago_label(today: dt.date) -> str | None:
    """The snapshot to compare with: the same month last year, else last year's report."""
    labels = [f"{today.year - 1}-{today.month:02d}", str(today.year - 1)]
    found = set(Snapshot.objects.filter(label__in=labels).values_list("label", flat=True))
    return next((label for label in labels if label in found), None)


def changes(
    *, org: Org, figures: dict[str, Any], today: dt.date
) -> tuple[str | None, dict[str, Decimal | None]]:
    """Each figure's change against a year ago: % for counts, 百分点 for rates."""
    label = year_ago_label(today)
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


def member_trend(*, org: Org, months: list[str]) -> list[int | None]:
    """Members at each month's snapshot (None where no snapshot was taken)."""
    rows = dict(
        SnapshotCounter.objects.filter(
            prefix_q("org_path", org.path), snapshot__label__in=months, key="members.current"
        )
        .values("snapshot__label")
        .annotate(total=Sum("value"))
        .values_list("snapshot__label", "total")
    )
    taken = set(Snapshot.objects.filter(label__in=months).values_list("label", flat=True))
    return [int(rows.get(m, 0)) if m in taken else None for m in months]
