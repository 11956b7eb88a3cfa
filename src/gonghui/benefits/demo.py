"""Demo data of the app: 经八路街道工会 (ZZJS-JBL, chair ``jbl_chair``, who manages them; the
signing officer ``js_admin`` sees them) has signed partner merchants
of every category — one pending, one suspended, one whose agreement ends within the month (on
the to-do panel) —, a campaign, approved offers funded by the merchant or part by a
union subsidy, and redemptions over the last months. The merchant account ``shop01`` works the
counter of 金水惠民超市; ``member01`` can show the card there, and has complained of two merchants:
one complaint answered by ``jbl_chair``, one waiting in the union's queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from gonghui.accounts.models import User
from gonghui.benefits.models import Merchant, OfferKind, Redemption
from gonghui.benefits.services import merchants as services
from gonghui.benefits.services import shop as counter
from gonghui.members.models import Card, CardStatus, MemberStatus
from gonghui.members.services.cards import card_token
from gonghui.orgs.models import Org

SIGNING_UNION = "ZZJS-JBL"
MERCHANTS = [
    ("金水惠民超市", "shopping", "郑州市金水区经八路12号"),
    ("仁和大药房经八路店", "medical", "郑州市金水区经八路36号"),
    ("老城烩面馆", "food", "郑州市金水区纬五路8号"),
    ("如家快捷酒店花园路店", "lodging", "郑州市金水区花园路88号"),
    ("郑州公交一卡通服务网点", "travel", "郑州市金水区文化路2号"),
    ("黄河风景区旅行社", "tourism", "郑州市金水区农业路66号"),
    ("金水影城", "leisure", "郑州市金水区东风路18号"),
    ("职工健身中心", "fitness", "郑州市金水区丰产路10号"),
]


def _uscc(builder: Any, n: int) -> str:
    body = f"92410105MA{n:07d}"[:17]
    return body + stdnum_uscc.calc_check_digit(body)


def seed(builder: Any) -> None:
    """``builder`` has ``rng`` (random.Random), ``actor`` (the system user) and ``seed``."""
    actor = builder.actor
    signing = Org.objects.get(code=SIGNING_UNION)
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    merchants: list[Merchant] = []
    for n, (name, category, address) in enumerate(MERCHANTS, start=1):
        end = today + dt.timedelta(days=20) if n == 3 else dt.date(today.year + 1, 12, 31)
        merchant = services.merchant_create(
            actor=actor,
            org=signing,
            name=name,
            uscc=_uscc(builder, n),
            category=category,
            address=address,
            region_code="410105",
            contact_name="联系人" + "甲乙丙丁戊己庚辛"[n - 1],
            contact_phone=builder.phone(),
            agreement_start=year_start,
            agreement_end=end,
        )
        if n != 8:  # 职工健身中心 waits for signing
            merchant = services.merchant_transition(actor=actor, merchant=merchant, action="sign")
        merchants.append(merchant)
    services.merchant_transition(
        actor=actor, merchant=merchants[6], action="suspend", comment="装修停业"
    )
    shop = merchants[0]
    services.staff_link(actor=actor, merchant=shop, username="shop01")
    campaign = services.campaign_create(
        actor=actor,
        org=signing,
        name="金秋普惠消费月",
        starts_on=year_start,
        ends_on=dt.date(today.year, 12, 31),
        signup_required=False,
        per_member_limit=5,
    )
    base: dict[str, Any] = {"valid_from": year_start, "valid_until": dt.date(today.year, 12, 31)}
    offers = [
        services.offer_create(
            actor=actor,
            merchant=shop,
            campaign=campaign,
            title="会员购物九折",
            kind=OfferKind.PERCENT,
            value=Decimal("10"),
            quota=500,
            budget=Decimal("5000"),
            union_share=50,
            per_member_daily=1,
            **base,
        ),
        services.offer_create(
            actor=actor,
            merchant=shop,
            title="农民工满100减20",
            kind=OfferKind.AMOUNT,
            value=Decimal("20"),
            min_bill=Decimal("100"),
            segment="migrant",
            quota=200,
            budget=Decimal("4000"),
            union_share=100,
            **base,
        ),
        services.offer_create(
            actor=actor,
            merchant=merchants[1],
            title="常用药品八五折",
            kind=OfferKind.PERCENT,
            value=Decimal("15"),
            quota=300,
            budget=Decimal("3000"),
            **base,
        ),
        services.offer_create(
            actor=actor,
            merchant=merchants[2],
            title="会员烩面特价12元",
            kind=OfferKind.PRICE,
            value=Decimal("12"),
            quota=1000,
            budget=Decimal("6000"),
            **base,
        ),
        services.offer_create(
            actor=actor,
            merchant=merchants[3],
            title="入住赠早餐",
            kind=OfferKind.FREE_ITEM,
            value=Decimal("25"),
            item="双人早餐",
            quota=100,
            budget=Decimal("2500"),
            union_share=40,
            **base,
        ),
    ]
    for offer in offers[:-1]:
        services.offer_transition(actor=actor, offer=offer, action="approve")
    # offers[-1] waits for approval on the to-do panel
    _redeem(builder, shop, offers[:2], today)
    _complaints(shop, merchants[2])


def _redeem(builder: Any, shop: Merchant, offers: list[Any], today: dt.date) -> None:
    staff = User.objects.get(username="shop01")
    cards = list(
        Card.objects.filter(
            status=CardStatus.ACTIVE,
            member__status__in=[MemberStatus.ACTIVE, MemberStatus.RETAINED],
        )
        .select_related("member")
        .order_by("id")[:36]
    )
    for i, card in enumerate(cards):
        offer = offers[1] if card.member.migrant_worker and i % 2 else offers[0]
        bill = Decimal(builder.rng.randint(60, 400))
        try:
            counter.redemption_create(
                actor=staff,
                offer_id=offer.pk,
                bill_amount=bill,
                client_key=f"demo-{builder.seed}-{i:04d}",
                token=card_token(card.number),
            )
        except counter.Refusal:
            continue
    # spread the redemptions over the last months, so the monthly report has a shape
    for n, pk in enumerate(Redemption.objects.filter(merchant=shop).values_list("pk", flat=True)):
        back = dt.timedelta(days=(n * 7) % 150)
        Redemption.objects.filter(pk=pk).update(day=today - back, created_at=F("created_at") - back)


def _complaints(shop: Merchant, restaurant: Merchant) -> None:
    member = User.objects.get(username="member01")
    chair = User.objects.get(username="jbl_chair")
    answered = services.complaint_submit(
        actor=member, merchant=shop, content="收银员起初不认会员卡，要求先办理超市自己的会员"
    )
    services.complaint_handle(
        actor=chair, complaint=answered, reply="已约谈超市店长，收银员已培训，差价已退还会员"
    )
    services.complaint_submit(
        actor=member, merchant=restaurant, content="出示会员卡后仍按原价结账，没有打折"
    )
