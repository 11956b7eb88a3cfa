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
    counters = subtree_counters(org)
    figures = definitions.compute(counters, today or timezone.localdate())
    return {
        "org": org.code,
        "name": org.name,
        "figures": figures,
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


def period_subtree_counters(*, org: Org, year: int) -> dict[str, int]:
    from gonghui.stats.models import SnapshotCounter

    rows = (
        SnapshotCounter.objects.filter(prefix_q("org_path", org.path), period__year=year)
        .values("key")
        .annotate(total=Sum("value"))
        .values_list("key", "total")
    )
    return {key: int(value) for key, value in rows if value}


def compare_years(*, org: Org, start: int, end: int) -> list[dict[str, Any]]:
    """Each figure in both years and its change: % for counts, 百分点 for rates (DOMAIN §10)."""
    first = definitions.compute(
        period_subtree_counters(org=org, year=start), dt.date(start, 12, 31)
    )
    last = definitions.compute(period_subtree_counters(org=org, year=end), dt.date(end, 12, 31))
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
