"""The member roster's import (upload, template) and export pages; core.job_views does the rest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.core import job_views
from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.search_tokens import resolve_search
from gonghui.members.exporters import (
    FILTER_KEYS,
    MemberExporter,
    ensure_export_allowed,
    seal_query,
)
from gonghui.members.importers import MemberImporter
from gonghui.orgs import selectors as org_selectors


@officer_required
def import_members(request: ViewerRequest, code: str) -> HttpResponse:
    org = org_selectors.org_get(viewer=request.user, code=code)
    return job_views.upload_page(
        request,
        importer=MemberImporter,
        org=org,
        template_url=reverse("members:import_template"),
        back_url=reverse("members:list") + f"?org={org.code}",
    )


@officer_required
@require_GET
def import_template(request: ViewerRequest) -> HttpResponse:
    return job_views.template_download(MemberImporter)


@officer_required
@require_GET
def export_members(request: ViewerRequest) -> HttpResponse:
    """The list as filtered on its page; ``unmasked=1`` for the full ID and phone numbers."""
    code = (request.GET.get("org") or "").strip().upper()
    if not code:
        code = acting_org(request).code
    org = org_selectors.org_get(viewer=request.user, code=code)
    unmasked = request.GET.get("unmasked") == "1"
    ensure_export_allowed(request.user, org.path, unmasked=unmasked)
    data, expired = resolve_search(request, request.GET)
    if expired:
        messages.error(request, _("查询已过期，请重新查询后再导出"))
        return redirect("members:list")
    params: dict[str, Any] = {k: data.get(k, "") for k in (*FILTER_KEYS, "age_band")}
    params.update(org=org.code, unmasked=unmasked, employer=data.get("employer", ""))
    params.update(seal_query(params.pop("q")))
    return job_views.export_download(
        request, MemberExporter(viewer=request.user, **params), org.path
    )
