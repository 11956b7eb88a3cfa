"""Members' phone pages under /m/governance/: the union's committee, the next election date and
the candidates of an open election (候选人公示)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.decorators import member_required
from gonghui.core.scoping import ViewerRequest
from gonghui.governance import selectors


@member_required
@require_GET
def home(request: ViewerRequest) -> HttpResponse:
    committee, candidates = selectors.member_committee(user=request.user)
    return render(
        request, "governance/m_home.html", {"committee": committee, "candidates": candidates}
    )
