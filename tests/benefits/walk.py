"""Objects of the other county that tests/test_scoping_walk.py walks (its own leak test).

Signed merchants and approved offers are shown to members installation-wide by design, so the
walked merchant is still 待审核 (no member sees it) and its offer unapproved: then its name, its
campaign, its redemptions and the complaint about it are back-office data of the East county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gonghui.benefits.models import Campaign, Complaint, Merchant, Offer, Redemption
from gonghui.benefits.services import merchants as services
from gonghui.members.models import Member
from tests.conftest import Cast, fresh
from tests.factories import make_uscc
from tests.members.walk import walk_member

MERCHANT = "东区机密普惠商户"
ADDRESS = "东区机密路一号"
OFFER = "东区机密优惠名称"
CAMPAIGN = "东区机密优惠活动"
COMPLAINT = "东区会员的机密投诉内容"

SECRETS: list[str] = [MERCHANT, ADDRESS, OFFER, CAMPAIGN, COMPLAINT]


def _member(cast: Cast) -> Member:
    member, _transfer = walk_member(cast)
    return member  # type: ignore[return-value]


def _objects(cast: Cast) -> tuple[Merchant, Offer, Campaign, Complaint]:
    officer = fresh(cast.grassroots_officer)
    merchant = Merchant.objects.filter(name=MERCHANT).first() or services.merchant_create(
        actor=officer,
        org=cast.grassroots,
        name=MERCHANT,
        uscc=make_uscc("92", "410105"),
        category="food",
        address=ADDRESS,
        region_code="410105",
        contact_name="东区联系人",
        contact_phone="13800000001",
        agreement_start=dt.date(2026, 1, 1),
        agreement_end=dt.date(2027, 12, 31),
    )
    campaign = Campaign.objects.filter(name=CAMPAIGN).first() or services.campaign_create(
        actor=officer,
        org=cast.grassroots,
        name=CAMPAIGN,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        signup_required=True,
    )
    offer = Offer.objects.filter(title=OFFER).first() or services.offer_create(
        actor=officer,
        merchant=merchant,
        campaign=campaign,
        title=OFFER,
        kind="amount",
        value=Decimal("5"),
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        quota=10,
        budget=Decimal("50"),
    )
    member = _member(cast)
    # Rows the counter would have written; written directly: the merchant is not signed.
    Redemption.objects.get_or_create(
        merchant=merchant,
        client_key="walk-redemption-1",
        defaults={
            "offer": offer,
            "member": member,
            "bill_amount": Decimal("30"),
            "discount": Decimal("5"),
            "merchant_part": Decimal("5"),
            "union_part": Decimal("0"),
            "paid_amount": Decimal("25"),
            "org_path": merchant.org_path,
            "member_path": member.org_path,
            "day": dt.date(2026, 6, 1),
        },
    )
    complaint, _created = Complaint.objects.get_or_create(
        merchant=merchant,
        content=COMPLAINT,
        defaults={"member": member, "org_path": merchant.org_path},
    )
    return merchant, offer, campaign, complaint


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    """Route name -> URL parameter -> values, for this app's routes with parameters."""
    merchant, offer, campaign, complaint = _objects(cast)
    m, o, c = [str(merchant.pk)], [str(offer.pk)], [str(campaign.pk)]
    return {
        "benefits:merchant_detail": {"pk": m},
        "benefits:merchant_plaque": {"pk": m},
        "benefits:offer_new": {"pk": m},
        "benefits:merchant_action": {
            "pk": m,
            "action": ["sign", "suspend", "terminate", "renew", "staff"],
        },
        "benefits:offer_action": {"pk": o, "action": ["approve", "withdraw"]},
        "benefits:campaign_detail": {"pk": c},
        "benefits:complaint_handle": {"pk": [str(complaint.pk)]},
        "benefits_m:merchant": {"pk": m},
        "benefits_m:complain": {"pk": m},
        "benefits_m:signup": {"pk": c},
    }
