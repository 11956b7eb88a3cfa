"""Members' phone pages under /m/governance/: the union's committee and next election."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.decorators import member_required
from gonghui.core.scoping import ViewerRequest


@member_required
@require_GET
def home(request: ViewerRequest) -> HttpResponse:
    return render(request, "governance/m_home.html", {})
