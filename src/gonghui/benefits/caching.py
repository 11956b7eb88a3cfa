"""What the counter reads on every request but that changes rarely: the merchant a staff account
works for, and the rules of a merchant's live offers (issue 18 item 4).

Both are kept in each worker process under a version token (core.cache_versions) that every
service changing a merchant, its staff, an offer or a campaign replaces, and so does any change
of the union tree (a merchant's ``org_path`` moves with its union). A counter request checks the
tokens once, in one round trip of the shared cache, when it finds its merchant; the offers it
reads afterwards are the ones of that version. The counters of an offer (``used``, ``spent``)
are never taken from here: the redemption's conditional UPDATE reads and moves them under the
row lock, and it also re-checks the offer's status and dates, so a rule kept a moment too long
cannot let a withdrawn offer through. A short TTL bounds what a door that bypasses the services
(a raw SQL fix) could leave behind.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from gonghui.benefits.models import Merchant, Offer, OfferStatus
from gonghui.core import cache_versions
from gonghui.orgs.models import TREE_VERSION_KEY

VERSION_KEY = "benefits:counter-rules"
TTL = 60  # seconds
_VERSION_ATTR = "_counter_rules_version"


def _version() -> str:
    return cache_versions.current_many(VERSION_KEY, TREE_VERSION_KEY)


def staff_merchant_of(user_id: int) -> Merchant | None:
    """The merchant whose counter this account works, or None: a copy of its own for the
    request, which remembers the version its offers are then read under."""
    version = _version()

    def load() -> Merchant | None:
        # one merchant per staff account: no ORDER BY; the contact phone (personal data) is
        # left out of the kept copy
        rows = Merchant.objects.filter(staff__user_id=user_id).defer("contact_phone")[:1]
        return next(iter(rows), None)

    found = cache_versions.remembered(f"benefits:staff-merchant:{user_id}", version, load, TTL)
    if found is None:
        return None
    merchant = copy.copy(found)
    setattr(merchant, _VERSION_ATTR, version)
    return merchant


def offer_rules(merchant_id: int, merchant: Merchant | None = None) -> dict[int, Offer]:
    """The merchant's approved offers (with their campaigns) by id, as last changed, each a copy
    for the caller; whether one is valid today is decided by the caller (a kept list outlives
    midnight). ``merchant``: as :func:`staff_merchant_of` returned it in this request (its
    version is used, no second look at the tokens)."""
    version = getattr(merchant, _VERSION_ATTR, None) or _version()

    def load() -> dict[int, Offer]:
        rows = Offer.objects.filter(merchant_id=merchant_id, status=OfferStatus.APPROVED)
        return {o.pk: o for o in rows.select_related("campaign").order_by("-valid_from", "-id")}

    offers = cache_versions.remembered(f"benefits:offer-rules:{merchant_id}", version, load, TTL)
    return {pk: copy.copy(offer) for pk, offer in offers.items()}


def live_offer_rules(merchant: Merchant, today: dt.date) -> list[Offer]:
    offers = offer_rules(merchant.pk, merchant).values()
    return [o for o in offers if o.valid_from <= today <= o.valid_until]


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
