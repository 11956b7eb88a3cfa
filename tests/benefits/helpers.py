"""Shared set-up of the benefits tests: a signed merchant with the cast's merchant account at its
counter, members with cards, approved offers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from gonghui.benefits import services
from gonghui.benefits.models import Merchant, Offer
from gonghui.members.models import Card, Member
from tests.conftest import Cast, fresh
from tests.factories import make_uscc
from tests.members.test_registry import register, resident

TODAY = dt.date.today()
FAR = dt.date(TODAY.year + 2, 12, 31)
PAST = dt.date(TODAY.year - 1, 1, 1)


def signed_merchant(cast: Cast, name: str = "东区测试超市") -> Merchant:
    officer = fresh(cast.grassroots_officer)
    merchant = services.merchant_create(
        actor=officer,
        org=cast.grassroots,
        name=name,
        uscc=make_uscc("92", "410105"),
        category="shopping",
        address="东区测试路1号",
        region_code="410105",
        contact_name="王经理",
        contact_phone="13712345678",
        agreement_start=PAST,
        agreement_end=FAR,
    )
    merchant = services.merchant_transition(actor=officer, merchant=merchant, action="sign")
    services.staff_link(actor=officer, merchant=merchant, username=cast.merchant.username)
    return merchant


def approved_offer(cast: Cast, merchant: Merchant, **kw: Any) -> Offer:
    officer = fresh(cast.grassroots_officer)
    values: dict[str, Any] = {
        "title": "会员立减10元",
        "kind": "amount",
        "value": Decimal("10"),
        "valid_from": PAST,
        "valid_until": FAR,
        "quota": 100,
        "budget": Decimal("1000"),
        "per_member_daily": 1,
    }
    values.update(kw)
    offer = services.offer_create(actor=officer, merchant=merchant, **values)
    return services.offer_transition(actor=officer, offer=offer, action="approve")


def members(cast: Cast, n: int, **kw: Any) -> list[Member]:
    """``n`` members with active cards (distinct ID numbers, born 1980-1989)."""
    made = []
    for i in range(n):
        body = f"410105198{i % 10}0{1 + i // 250}{1 + (i // 10) % 25:02d}{i % 1000:03d}"
        made.append(register(cast, resident(body[:17]), name=f"会员{i}", phone="", **kw))
    return made


def card_of(member: Member) -> str:
    return Card.objects.get(member=member, status="active").number
