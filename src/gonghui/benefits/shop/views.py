"""The merchant's phone pages under /shop/: verify a member (camera scan or typed card number with
the dynamic code), see the offers usable now, enter the bill and redeem; today's redemptions.

The offers carry the check's bill ticket, not the card proof: the bill may be entered for
``shop.BILL_TICKET_SECONDS`` after the scan, though the QR itself expires within a minute.

The form carries a client key generated when the offers are shown, so that a resubmitted form
(a double tap, a retry on a bad connection) redeems once and shows the first result."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gonghui.accounts.models import AccountType
from gonghui.benefits import selectors
from gonghui.benefits.forms import RedeemForm, VerifyForm
from gonghui.benefits.models import Merchant
from gonghui.benefits.services import shop
from gonghui.core.scoping import ViewerRequest


def _merchant(request: ViewerRequest) -> Merchant | None:
    if getattr(request.user, "account_type", "") != AccountType.MERCHANT:
        raise Http404
    try:
        return shop.staff_merchant(request.user)
    except PermissionDenied:
        return None


def _page(request: HttpRequest, merchant: Merchant | None, **extra: Any) -> HttpResponse:
    today = timezone.localdate()
    recent = (
        selectors.shop_recent(merchant=merchant, day=today)[:20] if merchant is not None else []
    )
    context = {"merchant": merchant, "form": VerifyForm(), "recent": recent, **extra}
    return render(request, "benefits/shop_home.html", context)


@login_required
@require_GET
def home(request: ViewerRequest) -> HttpResponse:
    return _page(request, _merchant(request))


@login_required
@require_POST
def verify(request: ViewerRequest) -> HttpResponse:
    merchant = _merchant(request)
    if merchant is None:
        return _page(request, None)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _page(request, merchant)
    proof = form.cleaned_data
    result = shop.verify(
        merchant=merchant,
        actor=request.user,
        token=proof["token"],
        card_no=proof["card_no"],
        code=proof["code"],
    )
    offers = [
        (
            offer,
            RedeemForm(
                initial={"ticket": result.ticket, "offer": offer.pk, "key": uuid.uuid4().hex}
            ),
        )
        for offer in result.offers
    ]
    minutes = shop.BILL_TICKET_SECONDS // 60
    return _page(request, merchant, result=result, offers=offers, ticket_minutes=minutes)


@login_required
@require_POST
def redeem(request: ViewerRequest) -> HttpResponse:
    merchant = _merchant(request)
    if merchant is None:
        return _page(request, None)
    form = RedeemForm(request.POST)
    if not form.is_valid():
        return _page(
            request, merchant, refusal=" ".join(str(m) for e in form.errors.values() for m in e)
        )
    data = form.cleaned_data
    try:
        redemption = shop.redemption_create(
            actor=request.user,
            offer_id=data["offer"],
            bill_amount=data["bill_amount"],
            client_key=data["key"],
            token=data["token"],
            card_no=data["card_no"],
            code=data["code"],
            ticket=data["ticket"],
        )
    except (ValidationError, PermissionDenied) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else ""
        return _page(request, merchant, refusal=reason)
    return _page(request, merchant, redeemed=redemption)
