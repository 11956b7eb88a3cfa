"""Officers' report pages: figures of the viewer's subtrees, and the settlement workbook."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.benefits import reports, selectors
from gonghui.benefits.forms import PeriodForm
from gonghui.core.acting import acting_org_or_none
from gonghui.core.decorators import officer_required
from gonghui.core.exporting import export_response
from gonghui.core.replicas import replica_view
from gonghui.core.scoping import ViewerRequest


@officer_required
@require_GET
@replica_view
def report(request: ViewerRequest) -> HttpResponse:
    selectors.require_view(request.user)
    org = acting_org_or_none(request)
    return render(
        request,
        "benefits/report.html",
        {
            "merchants": reports.by_merchant(request.user)[:50],
            "months": reports.by_month(request.user),
            "subtrees": reports.by_subtree(request.user, org) if org else [],
            "segments": reports.by_segment(request.user),
            "dormant": reports.dormant_merchants(request.user),
            "dormant_days": reports.DORMANT_DAYS,
        },
    )


@officer_required
@require_GET
def settlement(request: ViewerRequest) -> HttpResponse:
    selectors.require_view(request.user)
    form = PeriodForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    since, until = data.get("since"), data.get("until")
    params = {
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
    }
    if request.GET.get("format") == "xlsx":
        return export_response(reports.SettlementExporter(viewer=request.user, **params), "xlsx")
    rows = reports.by_merchant(request.user, since, until)
    return render(
        request,
        "benefits/settlement.html",
        {"rows": rows, "since": params["since"], "until": params["until"]},
    )
