"""What the counter reads on every request but that changes rarely: the merchant a staff account
works for, and the rules of a merchant's live offers (issue 18 item 4).

Both live in the shared cache (Redis in production) under a version token (core.cache_versions)
that every service changing a merchant, its staff, an offer or a campaign replaces, and so does
any change of the union tree (a merchant's ``org_path`` moves with its union). The counters of an
offer (``used``, ``spent``) are never taken from here: the redemption's conditional UPDATE reads
and moves them under the row lock, and it also re-checks the offer's status and dates, so a rule
cached a moment too long cannot let a withdrawn offer through. A short TTL bounds what a door
that bypasses the services (a raw SQL fix) could leave behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache

from gonghui.benefits.models import Merchant, Offer, OfferStatus
from gonghui.core import cache_versions
from gonghui.orgs.models import TREE_VERSION_KEY

VERSION_KEY = "benefits:counter-rules"
TTL = 60  # seconds


def _version() -> str:
    return f"{cache_versions.current(VERSION_KEY)}:{cache_versions.current(TREE_VERSION_KEY)}"


def staff_merchant_of(user_id: int) -> Merchant | None:
    """The merchant whose counter this account works, or None."""
    key = f"benefits:staff-merchant:{user_id}:{_version()}"
    found = cache.get(key)
    if found is None:
        # one merchant per staff account: no ORDER BY; the contact phone (personal data) is
        # left out of the cached copy
        rows = Merchant.objects.filter(staff__user_id=user_id).defer("contact_phone")[:1]
        found = tuple(rows)
        cache.set(key, found, TTL)
    return found[0] if found else None


def offer_rules(merchant_id: int) -> dict[int, Offer]:
    """The merchant's approved offers (with their campaigns) by id, as last changed; whether one
    is valid today is decided by the caller (a cached list outlives midnight)."""
    key = f"benefits:offer-rules:{merchant_id}:{_version()}"
    offers = cache.get(key)
    if offers is None:
        rows = Offer.objects.filter(merchant_id=merchant_id, status=OfferStatus.APPROVED)
        offers = {o.pk: o for o in rows.select_related("campaign").order_by("-valid_from", "-id")}
        cache.set(key, offers, TTL)
    return offers


def live_offer_rules(merchant_id: int, today: dt.date) -> list[Offer]:
    return [o for o in offer_rules(merchant_id).values() if o.valid_from <= today <= o.valid_until]


def forget() -> None:
    """A merchant, its staff, an offer or a campaign changed: every worker reloads."""
    cache_versions.forget(VERSION_KEY)


class ForgetOnSave:
    """Django admin: a change saved there reaches the counter at once too."""

    def save_model(self, *args: Any, **kwargs: Any) -> None:
        super().save_model(*args, **kwargs)  # type: ignore[misc]
        forget()

    def delete_model(self, *args: Any, **kwargs: Any) -> None:
        super().delete_model(*args, **kwargs)  # type: ignore[misc]
        forget()
