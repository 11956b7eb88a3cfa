"""Members' phone pages of 会费: their dues month by month and their receipts."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from gonghui.core.decorators import member_required
from gonghui.core.scoping import ViewerRequest
from gonghui.governance import selectors
from gonghui.members.models import Member


def _member(request: ViewerRequest) -> Member:
    member = getattr(request.user, "member", None)
    if member is None:
        raise Http404
    return member


@member_required
def my_dues(request: ViewerRequest) -> HttpResponse:
    member = getattr(request.user, "member", None)
    months = selectors.own_dues(member=member)[:36] if member is not None else []
    payments = selectors.own_payments(member=member)[:36] if member is not None else []
    return render(
        request,
        "governance/phone_dues.html",
        {"member": member, "months": months, "payments": payments},
    )


@member_required
def my_receipt(request: ViewerRequest, pk: int) -> HttpResponse:
    payment = selectors.own_payment(member=_member(request), pk=pk)
    return render(
        request,
        "governance/phone_receipt.html",
        {"payment": payment, "months": payment.months.order_by("month")},
    )
