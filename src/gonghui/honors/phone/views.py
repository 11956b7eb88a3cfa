"""Members' phone pages of the honours app."""

from __future__ import annotations

# --- aftercare (hon2): the member's own honours and care records ---
from django.http import HttpResponse
from django.shortcuts import render

from gonghui.core.decorators import member_required
from gonghui.core.scoping import ViewerRequest
from gonghui.honors import selectors


@member_required
def my_care(request: ViewerRequest) -> HttpResponse:
    member = getattr(request.user, "member", None)
    return render(request, "honors/phone_care.html", selectors.own_care(member=member))
