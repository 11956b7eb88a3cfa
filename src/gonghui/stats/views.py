"""The statistics dashboard of the acting org's subtree (drill down by child org)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gonghui.accounts.shell import acting_post
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
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
def dashboard(request: ViewerRequest, code: str = "") -> HttpResponse:
    if not code:
        post = acting_post(request)
        code = post.org.code if post else ""
    org = org_selectors.org_get(viewer=request.user, code=code)
    result = selectors.stats_for(viewer=request.user, code=org.code)
    key = request.GET.get("by", "members.current")
    if key not in RANKING_KEYS:
        key = "members.current"
    ranking = selectors.children_ranking(org=org, key=key)
    top = max((r["value"] for r in ranking), default=0)
    return render(
        request,
        "stats/dashboard.html",
        {
            "org": org,
            "figures": [(f, result["figures"][f.key]) for f in definitions.FIGURES],
            "households": result["households"],
            "ranking": ranking,
            "top": top,
            "ranking_key": key,
            "ranking_keys": RANKING_KEYS,
        },
    )
