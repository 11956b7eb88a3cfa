"""Officers' pages of the roster (荣誉库) and of the award catalogue."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.decorators import officer_required
from gonghui.core.exporting import export_response
from gonghui.core.scoping import ViewerRequest
from gonghui.core.workflow import history_of
from gonghui.honors import exporters, selectors
from gonghui.honors.forms import RosterFilterForm


@officer_required
@require_GET
def catalogue(request: ViewerRequest) -> HttpResponse:
    """The award types and the composition rules per cycle (edited in the admin pages)."""
    return render(
        request,
        "honors/catalogue.html",
        {"types": selectors.award_types(), "rules": selectors.composition_rules()},
    )


def _filters(request: ViewerRequest) -> dict[str, Any]:
    form = RosterFilterForm(request.GET)
    return form.cleaned_data if form.is_valid() else {}


@officer_required
@require_GET
def roster(request: ViewerRequest) -> HttpResponse:
    data = _filters(request)
    rows = selectors.honour_list(
        viewer=request.user,
        q=data.get("q") or "",
        level=data.get("level") or "",
        award_type=data.get("award_type") or "",
        status=data.get("status") or "",
    )
    return render(
        request,
        "honors/roster.html",
        {"rows": rows[:200], "form": RosterFilterForm(request.GET), "filters": request.GET},
    )


@officer_required
@require_GET
def roster_export(request: ViewerRequest) -> HttpResponse:
    data = _filters(request)
    exporter = exporters.RosterExporter(
        viewer=request.user,
        level=data.get("level") or "",
        award_type=data.get("award_type") or "",
        status=data.get("status") or "",
    )
    return export_response(exporter, "csv" if request.GET.get("format") == "csv" else "xlsx")


@officer_required
@require_GET
def honour_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    honour = selectors.honour_get(viewer=request.user, pk=pk)
    return render(
        request, "honors/honour_detail.html", {"h": honour, "history": history_of(honour)}
    )
