"""Officers' pages of committees, formation and terms."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.governance import selectors


@officer_required
@require_GET
def index(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    committees = selectors.committees_in_office(viewer=request.user, org_path=org.path)
    return render(request, "governance/index.html", {"org": org, "committees": committees})
