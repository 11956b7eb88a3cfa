"""The statistics dashboard of the acting org's subtree: key figures with the change against a
year ago, a 12-month trend, a ranking by child org (drill down the tree). One request."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gonghui.core import dicts
from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.replicas import replica_view
from gonghui.core.scoping import (
    Viewer,
    ViewerRequest,
    require_capability,
    subtrees_with,
    within,
)
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import GRASSROOTS_KINDS, Org
from gonghui.stats import definitions, selectors

# The counters a subtree can be ranked by, child org by child org.
RANKING_KEYS = {
    "members.current": _("会员数"),
    "orgs.kind.grassroots": _("基层工会委员会数"),
    "employers.large": _("25人以上用人单位"),
    "employers.large_unionized": _("已建会的25人以上用人单位"),
    "cards.active": _("有效会员卡"),
}


@officer_required
@require_GET
@replica_view
def dashboard(request: ViewerRequest, code: str = "") -> HttpResponse:
    if not code:
        code = acting_org(request).code
    org = org_selectors.org_get(viewer=request.user, code=code)
    require_capability(request.user, "stats.view", org.path)
    today = timezone.localdate()
    # One sum over the subtree for the whole page, read with its "as of" time.
    counters, as_of = selectors.subtree_counters_as_of(org)
    result = selectors.stats_of(org=org, counters=counters, today=today)
    parts = definitions.fractions(counters, today)
    months = selectors.last_months(today)
    taken = selectors.snapshots_taken([*months, *selectors.year_ago_labels(today)])
    compared_with, change = selectors.changes(
        org=org, figures=result["figures"], today=today, taken=taken
    )
    key = request.GET.get("by", "members.current")
    if key not in RANKING_KEYS:
        key = "members.current"
    ranking = selectors.children_ranking(org=org, key=key)
    names = [r["org"].name if r["org"] else str(_("本级")) for r in ranking][:20]
    chart = {
        "months": months,
        "joined": definitions.joined_by_month(counters, months),
        "members": selectors.member_trend(org=org, months=months, taken=taken),
        "ranking": {
            "names": names,
            "axis": ranking_axis_names(names),
            "values": [r["value"] for r in ranking][:20],
            "label": str(RANKING_KEYS[key]),
        },
        "labels": {"joined": str(_("新入会")), "members": str(_("会员数"))},
    }
    return render(
        request,
        "stats/dashboard.html",
        {
            "org": org,
            "figures": [
                (f, result["figures"][f.key], change.get(f.key), parts.get(f.key))
                for f in definitions.FIGURES
            ],
            # A rate over one unit (a company's own union) says less than its two counts.
            "single_unit": org.kind in GRASSROOTS_KINDS,
            "parent_code": _parent_in_scope(request.user, org),
            "compared_with": compared_with,
            "as_of": as_of,
            "households": [
                (dicts.label("household_type", code), n) for code, n in result["households"].items()
            ],
            "ranking": ranking,
            "top": max((r["value"] for r in ranking), default=0),
            "ranking_key": key,
            "ranking_keys": RANKING_KEYS,
            "chart": chart,
        },
    )


def _parent_in_scope(viewer: Viewer, org: Org) -> str:
    """The parent's code when the viewer may see the parent's figures too ("" otherwise: the
    link would only lead to a refusal)."""
    parent = org.parent
    if parent is None:
        return ""
    scopes = subtrees_with(viewer, "stats.view")
    return parent.code if any(within(parent.path, scope) for scope in scopes) else ""


def ranking_axis_names(names: list[str]) -> list[str]:
    """The ranking chart's axis labels: the prefix every sibling shares (their region) cut off,
    so that the chart's end-truncation keeps the part that tells them apart."""
    if len(names) < 2:
        return names
    shortest = min(len(name) for name in names)
    shared = next(
        (i for i, chars in enumerate(zip(*names, strict=False)) if len(set(chars)) > 1),
        shortest,
    )
    if shared == 0 or shared >= shortest:
        return names
    return [name[shared:] for name in names]
