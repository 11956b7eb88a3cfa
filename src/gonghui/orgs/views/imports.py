"""Imports and exports of the union tree and of employers (the pages are core's job views)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from gonghui.core import job_views
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.orgs import selectors
from gonghui.orgs.exporters import EmployerExporter, OrgExporter
from gonghui.orgs.importers import EmployerImporter, OrgImporter


@officer_required
def import_orgs(request: ViewerRequest, code: str) -> HttpResponse:
    org = selectors.org_get(viewer=request.user, code=code)
    return job_views.upload_page(
        request,
        importer=OrgImporter,
        org=org,
        template_url=reverse("orgs:import_orgs_template"),
        back_url=reverse("orgs:detail", args=[org.code]),
    )


@officer_required
def import_employers(request: ViewerRequest, code: str) -> HttpResponse:
    org = selectors.org_get(viewer=request.user, code=code)
    return job_views.upload_page(
        request,
        importer=EmployerImporter,
        org=org,
        template_url=reverse("orgs:import_employers_template"),
        back_url=reverse("orgs:detail", args=[org.code]),
    )


@officer_required
@require_GET
def import_orgs_template(request: ViewerRequest) -> HttpResponse:
    return job_views.template_download(OrgImporter)


@officer_required
@require_GET
def import_employers_template(request: ViewerRequest) -> HttpResponse:
    return job_views.template_download(EmployerImporter)


@officer_required
@require_GET
def export_orgs(request: ViewerRequest, code: str) -> HttpResponse:
    org = selectors.org_get(viewer=request.user, code=code)
    exporter = OrgExporter(viewer=request.user, org=org.code)
    return job_views.export_download(request, exporter, org.path)


@officer_required
@require_GET
def export_employers(request: ViewerRequest) -> HttpResponse:
    params: dict[str, Any] = {
        "q": request.GET.get("q", ""),
        "has_union": request.GET.get("has_union", ""),
    }
    try:
        params["min_employees"] = max(0, int(request.GET.get("min_employees") or 0))
    except ValueError:
        params["min_employees"] = 0
    paths = sorted(request.user.scope_paths(), key=len)
    exporter = EmployerExporter(viewer=request.user, **params)
    return job_views.export_download(request, exporter, paths[0] if paths else "")
