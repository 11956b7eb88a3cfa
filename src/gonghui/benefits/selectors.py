"""Reads of the benefits module.

Officers' back office (merchants, offers, redemptions, complaints, settlement) starts from the
viewer's scope: the subtree of the union that signed the merchant. Members see signed merchants
and approved, current offers of the whole installation (the card is valid province-wide).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gonghui.benefits.models import (
    Campaign,
    Complaint,
    Merchant,
    MerchantStatus,
    Offer,
    OfferStatus,
    Redemption,
)
from gonghui.core.scoping import Actor, Viewer, get_scoped_or_404, holds_anywhere, scoped

VIEW = "benefits.view"


def require_view(viewer: Viewer) -> None:
    if not holds_anywhere(viewer, VIEW):
        raise PermissionDenied(VIEW)


def merchant_list(
    *, viewer: Viewer, query: str = "", status: str = "", category: str = ""
) -> QuerySet[Merchant]:
    qs = scoped(Merchant.objects.select_related("org"), viewer)
    if query:
        qs = qs.filter(name__contains=query)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("name", "id")


def merchant_get(*, viewer: Viewer, pk: int) -> Merchant:
    return get_scoped_or_404(Merchant.objects.select_related("org"), viewer, pk=pk)


def offer_list(*, viewer: Viewer, status: str = "") -> QuerySet[Offer]:
    qs = scoped(Offer.objects.select_related("merchant", "campaign"), viewer)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def offer_get(*, viewer: Viewer, pk: int) -> Offer:
    return get_scoped_or_404(Offer.objects.select_related("merchant"), viewer, pk=pk)


def campaign_list(*, viewer: Viewer) -> QuerySet[Campaign]:
    return scoped(Campaign.objects.select_related("org"), viewer)


def campaign_get(*, viewer: Viewer, pk: int) -> Campaign:
    return get_scoped_or_404(Campaign.objects.select_related("org"), viewer, pk=pk)


def redemption_list(
    *,
    viewer: Viewer,
    since: dt.date | None = None,
    until: dt.date | None = None,
    merchant: Merchant | None = None,
) -> QuerySet[Redemption]:
    qs = scoped(Redemption.objects.select_related("merchant", "offer", "member"), viewer)
    if since:
        qs = qs.filter(day__gte=since)
    if until:
        qs = qs.filter(day__lte=until)
    if merchant is not None:
        qs = qs.filter(merchant=merchant)
    return qs


def complaint_list(*, viewer: Viewer) -> QuerySet[Complaint]:
    return scoped(Complaint.objects.select_related("merchant", "member"), viewer)


def complaint_get(*, viewer: Viewer, pk: int) -> Complaint:
    return get_scoped_or_404(Complaint.objects.select_related("merchant"), viewer, pk=pk)


# --- the members' side (installation-wide by design) ---------------------------------------------

_PUBLIC = "signed merchants and their current offers are public to every member"


def public_merchants() -> QuerySet[Merchant]:
    return Merchant.objects.unscoped(reason=_PUBLIC).filter(
        status=MerchantStatus.SIGNED, agreement_end__gte=timezone.localdate()
    )


def public_merchant_get(pk: int) -> Merchant:
    return get_object_or_404(public_merchants(), pk=pk)


def public_offers(*, category: str = "", region: str = "") -> QuerySet[Offer]:
    today = timezone.localdate()
    qs = (
        Offer.objects.unscoped(reason=_PUBLIC)
        .filter(
            status=OfferStatus.APPROVED,
            valid_from__lte=today,
            valid_until__gte=today,
            merchant__in=public_merchants(),
        )
        .select_related("merchant", "campaign")
    )
    if category:
        qs = qs.filter(merchant__category=category)
    if region:
        qs = qs.filter(merchant__region_code__startswith=region)
    return qs.order_by("merchant__name", "id")


def my_redemptions(*, user: Actor) -> QuerySet[Redemption]:
    member = getattr(user, "member", None)
    own = Redemption.objects.unscoped(reason="a member's own redemptions")
    if member is None:
        return own.none()
    return own.filter(member=member).select_related("merchant", "offer")


def my_complaints(*, user: Actor) -> QuerySet[Complaint]:
    member = getattr(user, "member", None)
    own = Complaint.objects.unscoped(reason="a member's own complaints")
    if member is None:
        return own.none()
    return own.filter(member=member).select_related("merchant")


def public_campaign_get(pk: int) -> Campaign:
    """A campaign with a public offer: what a member may sign up for (else 404)."""
    with_offers = Campaign.objects.unscoped(reason="campaigns behind public offers")
    return get_object_or_404(with_offers.filter(offers__in=public_offers()).distinct(), pk=pk)


def merchant_offers(*, merchant: Merchant) -> QuerySet[Offer]:
    """The public offers of one public merchant (its page behind the plaque's QR)."""
    return public_offers().filter(merchant=merchant)


def shop_recent(*, merchant: Merchant, day: dt.date) -> QuerySet[Redemption]:
    """The shop counter's redemptions of ``day``: the merchant came from the staff account."""
    own = Redemption.objects.unscoped(reason="the merchant's own counter, found by its staff")
    return own.filter(merchant=merchant, day=day).select_related("offer")
