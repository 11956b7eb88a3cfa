"""The statistics dashboard of the acting org's subtree: key figures with the change against a
year ago, a 12-month trend, a ranking by child org (drill down the tree). One request."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.replicas import replica_view
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.orgs import selectors as org_selectors
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
    months = selectors.last_months(today)
    taken = selectors.snapshots_taken([*months, *selectors.year_ago_labels(today)])
    compared_with, change = selectors.changes(
        org=org, figures=result["figures"], today=today, taken=taken
    )
    key = request.GET.get("by", "members.current")
    if key not in RANKING_KEYS:
        key = "members.current"
    ranking = selectors.children_ranking(org=org, key=key)
    chart = {
        "months": months,
        "joined": definitions.joined_by_month(counters, months),
        "members": selectors.member_trend(org=org, months=months, taken=taken),
        "ranking": {
            "names": [r["org"].name if r["org"] else str(_("本级")) for r in ranking][:20],
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
                (f, result["figures"][f.key], change.get(f.key)) for f in definitions.FIGURES
            ],
            "compared_with": compared_with,
            "as_of": as_of,
            "households": result["households"],
            "ranking": ranking,
            "top": max((r["value"] for r in ranking), default=0),
            "ranking_key": key,
            "ranking_keys": RANKING_KEYS,
            "chart": chart,
        },
    )
