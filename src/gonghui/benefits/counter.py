"""At the counter: verify a member's card proof and redeem an offer.

Quotas, budgets and per-member limits hold under concurrency: a redemption locks its offer's row
(and its campaign's, for a campaign-wide limit), counts the member's earlier uses under that lock,
and moves the counters with a conditional UPDATE that cannot pass the quota or the budget (the
table's CHECK constraints are the last line). The client key makes a retry return the first
result: ``(merchant, client_key)`` is unique, and a concurrent duplicate waits on the index and
then finds the committed row.

A card proof lives at most a minute (two 30 s windows), too short for a cashier to ring up the
bill after the scan: a good check yields a bill ticket, signed and bound to the merchant, the
staff account and the card, that stands in for the proof for ``BILL_TICKET_SECONDS`` (ADR 0012).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.benefits import counters as benefit_counters
from gonghui.benefits.models import (
    Campaign,
    CampaignSignup,
    Merchant,
    MerchantStaff,
    MerchantStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Redemption,
)
from gonghui.benefits.segments import member_segments
from gonghui.core.audit import audit_record
from gonghui.core.crypto import mask_card_number
from gonghui.members.cards import Verification, card_check, card_state
from gonghui.members.models import Card, Member

CENT = Decimal("0.01")
# How long a good card check lets this counter enter the bill (ADR 0012): long enough to ring up
# a basket, short enough that a ticket left on a phone is soon worthless.
BILL_TICKET_SECONDS = 5 * 60
_TICKET_SALT = "gonghui.benefits.bill-ticket"


class Refusal(ValidationError):
    """A redemption refused for a reason the counter shows as is."""


@dataclass
class CounterResult:
    verification: Verification
    member: Member | None = None
    offers: list[Offer] = field(default_factory=list)
    closed: str = ""  # why this merchant cannot redeem now (suspended, agreement ended)
    ticket: str = ""  # the bill ticket of a good check (see bill_ticket_issue)


def staff_merchant(user: Any) -> Merchant:
    """The merchant whose counter this account works (PermissionDenied for anyone else)."""
    if getattr(user, "account_type", "") != "merchant":
        raise PermissionDenied("benefits.counter")
    # a staff account belongs to one merchant: no ORDER BY to compile or sort
    staff = next(
        iter(MerchantStaff.objects.select_related("merchant").filter(user_id=user.pk)[:1]), None
    )
    if staff is None:
        raise PermissionDenied("benefits.counter")
    return staff.merchant


def _merchant_open(merchant: Merchant, today: dt.date) -> str:
    if merchant.status != MerchantStatus.SIGNED:
        return _("本商户当前状态为%(s)s，暂停核销") % {"s": merchant.get_status_display()}
    if not merchant.agreement_start <= today <= merchant.agreement_end:
        return _("本商户的普惠协议不在有效期内")
    return ""


def _card_check(
    actor: Any, token: str, card_no: str, code: str, now: Any
) -> tuple[Verification, Card | None]:
    """The registry's card check by this counter account (typed codes count per account) on the
    app's clock like the bill ticket, and the valid card with its member, read once."""
    when = timezone.now().timestamp() if now is None else now
    return card_check(guesser=f"user:{actor.pk}", token=token, card_no=card_no, code=code, now=when)


def bill_ticket_issue(*, merchant: Merchant, actor: Any, card_no: str) -> str:
    """A ticket for entering the bill at this counter, for this card, for BILL_TICKET_SECONDS."""
    issued = int(timezone.now().timestamp())
    payload = {"m": merchant.pk, "s": actor.pk, "c": card_no, "t": issued}
    return signing.dumps(payload, salt=_TICKET_SALT)


def _ticket_card(ticket: str, merchant: Merchant, actor: Any) -> str:
    """The card number of a bill ticket issued to this counter account and still fresh."""
    try:
        data = signing.loads(ticket, salt=_TICKET_SALT)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or (data.get("m"), data.get("s")) != (merchant.pk, actor.pk):
        raise Refusal(_("核验凭据无效，请重新核验会员卡"), code="card")
    age = timezone.now().timestamp() - int(data.get("t", 0))
    if not -5 <= age <= BILL_TICKET_SECONDS:  # a few seconds of clock skew between servers
        raise Refusal(
            _("核验已超过%(minutes)d分钟，请重新核验会员卡")
            % {"minutes": BILL_TICKET_SECONDS // 60},
            code="card",
        )
    return str(data["c"])


def verify(
    *,
    merchant: Merchant,
    actor: Any,
    token: str = "",
    card_no: str = "",
    code: str = "",
    now: Any = None,
) -> CounterResult:
    """The registry's card check, then the member's offers usable here and now."""
    verification, card = _card_check(actor, token, card_no, code, now)
    if card is None:
        return CounterResult(verification)
    member = card.member
    today = timezone.localdate()
    closed = _merchant_open(merchant, today)
    if closed:
        return CounterResult(verification, member, [], closed)
    usable = [o for o in live_offers(merchant, today) if not refusal_reason(o, member, today)]
    ticket = bill_ticket_issue(merchant=merchant, actor=actor, card_no=card.number)
    return CounterResult(verification, member, usable, ticket=ticket)


def live_offers(merchant: Merchant, today: dt.date) -> QuerySet[Offer]:
    return Offer.objects.filter(
        merchant=merchant,
        status=OfferStatus.APPROVED,
        valid_from__lte=today,
        valid_until__gte=today,
    ).select_related("campaign", "merchant")


def refusal(offer: Offer, member: Member, today: dt.date) -> tuple[str, str]:
    """``(code, why)`` this member may not use this offer today; ``("", "")`` when they may.

    Codes: offer, segment, campaign, signup, limit, quota, budget."""
    code, why = _rule_refusal(offer, member, today)
    if why:
        return code, why
    campaign = offer.campaign
    if campaign is not None:
        if (
            campaign.signup_required
            and not CampaignSignup.objects.filter(campaign=campaign, member=member).exists()
        ):
            return "signup", _("该优惠须先在手机上报名活动")
        if campaign.per_member_limit:
            used = Redemption.objects.filter(offer__campaign=campaign, member=member).count()
            if used >= campaign.per_member_limit:
                return "limit", _("已达本活动每人限用次数")
    if offer.used >= offer.quota:
        return "quota", _("优惠名额已用完")
    if offer.spent >= offer.budget:
        return "budget", _("优惠预算已用完")
    if offer.per_member_daily or offer.per_member_total:
        mine = Redemption.objects.filter(offer=offer, member=member).aggregate(
            today=Count("id", filter=Q(day=today)), total=Count("id")
        )
        if offer.per_member_daily and mine["today"] >= offer.per_member_daily:
            return "limit", _("已达每人每日限用次数")
        if offer.per_member_total and mine["total"] >= offer.per_member_total:
            return "limit", _("已达每人限用总次数")
    return "", ""


def _rule_refusal(offer: Offer, member: Member, today: dt.date) -> tuple[str, str]:
    """The checks of :func:`refusal` that need no query (the offer and campaign as read)."""
    if offer.status != OfferStatus.APPROVED:
        return "offer", _("该优惠未上架")
    if not offer.valid_from <= today <= offer.valid_until:
        return "offer", _("该优惠不在有效期内")
    if offer.segment and offer.segment not in member_segments(member):
        return "segment", _("该优惠仅限特定会员群体")
    campaign = offer.campaign
    if campaign is not None and not campaign.starts_on <= today <= campaign.ends_on:
        return "campaign", _("优惠活动不在活动期内")
    return "", ""


def refusal_reason(offer: Offer, member: Member, today: dt.date) -> str:
    return refusal(offer, member, today)[1]


def compute_discount(offer: Offer, bill: Decimal) -> Decimal:
    if bill < offer.min_bill:
        raise Refusal(_("消费金额未达到最低消费 %(m)s 元") % {"m": offer.min_bill}, code="min_bill")
    if offer.kind == OfferKind.PERCENT:
        discount = bill * offer.value / Decimal(100)
    elif offer.kind == OfferKind.AMOUNT:
        discount = min(offer.value, bill)
    elif offer.kind == OfferKind.PRICE:
        discount = max(bill - offer.value, Decimal(0))
    else:
        discount = offer.value
    return discount.quantize(CENT, rounding=ROUND_HALF_UP)


def _replay(merchant: Merchant, key: str) -> Redemption | None:
    return (
        Redemption.objects.select_related("offer", "member")
        .filter(merchant=merchant, client_key=key)
        .first()
    )


def redemption_create(**kwargs: Any) -> Redemption:
    """Redeem one use of an offer; a retry with the same key returns the first redemption."""
    return redemption_redeem(**kwargs)[0]


def redemption_redeem(
    *,
    actor: Any,
    offer_id: int,
    bill_amount: Decimal,
    client_key: str,
    token: str = "",
    card_no: str = "",
    code: str = "",
    ticket: str = "",
    now: Any = None,
) -> tuple[Redemption, bool]:
    """``(redemption, created)``: ``created`` is False when the key was seen before. The card is
    proven by ``ticket`` (a bill ticket of this counter) or else by ``token`` / ``card_no`` +
    ``code``.

    A first request is the common case: it is tried straight away, and the key is looked up
    only when the attempt fails. A retry of a committed redemption fails in one of two ways,
    and both roll back whatever the attempt moved: at the unique ``(merchant, client_key)``
    index (IntegrityError), or earlier with a refusal (its QR expired meanwhile, the quota ran
    out): either way the first redemption is returned, as if it had been looked up first."""
    merchant = staff_merchant(actor)
    key = (client_key or "").strip()
    if not re.fullmatch(r"[\w\-.:]{8,64}", key, re.ASCII):
        raise ValidationError({"client_key": _("幂等键应为8至64位字母、数字或 -_.:")})
    try:
        redemption = _redeem(
            actor,
            merchant,
            offer_id,
            Decimal(bill_amount),
            key,
            (token, card_no, code, ticket),
            now,
        )
    except (IntegrityError, Refusal):
        existing = _replay(merchant, key)
        if existing is None:
            raise
        return existing, False
    return redemption, True


# The member limits as conditions of the offer's counter UPDATE, run under the offer's row lock
# (and the campaign's): a statement that starts after the lock sees every earlier redemption.
_DAILY = (
    " AND (SELECT COUNT(*) FROM benefits_redemption r WHERE r.offer_id = %s"
    " AND r.member_id = %s AND r.day = %s) < per_member_daily"
)
_TOTAL = (
    " AND (SELECT COUNT(*) FROM benefits_redemption r WHERE r.offer_id = %s"
    " AND r.member_id = %s) < per_member_total"
)
_SIGNUP = (
    " AND EXISTS (SELECT 1 FROM benefits_campaignsignup s WHERE s.campaign_id = %s"
    " AND s.member_id = %s)"
)
_CAMPAIGN = (
    " AND (SELECT COUNT(*) FROM benefits_redemption r JOIN benefits_offer o ON o.id = r.offer_id"
    " WHERE o.campaign_id = %s AND r.member_id = %s) < %s"
)


def _take(offer: Offer, member: Member, discount: Decimal, today: dt.date) -> bool:
    """Move the offer's counters by one use of ``discount`` if the quota, the budget and every
    limit of the member allow it: one statement, the SQL of which is a constant per shape."""
    sql = (
        "UPDATE benefits_offer SET used = used + 1, spent = spent + %s"
        " WHERE id = %s AND used < quota AND spent <= budget - %s"
    )
    params: list[Any] = [discount, offer.pk, discount]
    if offer.per_member_daily:
        sql += _DAILY
        params += [offer.pk, member.pk, today]
    if offer.per_member_total:
        sql += _TOTAL
        params += [offer.pk, member.pk]
    campaign = offer.campaign
    if campaign is not None and campaign.signup_required:
        sql += _SIGNUP
        params += [campaign.pk, member.pk]
    if campaign is not None and campaign.per_member_limit:
        sql += _CAMPAIGN
        params += [campaign.pk, member.pk, campaign.per_member_limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


@transaction.atomic
def _redeem(
    actor: Any,
    merchant: Merchant,
    offer_id: int,
    bill: Decimal,
    key: str,
    proof: tuple[str, str, str, str],
    now: Any,
) -> Redemption:
    if bill <= 0 or bill != bill.quantize(CENT) or bill > Decimal("99999999"):
        raise ValidationError({"bill_amount": _("消费金额应为大于0的金额（最多两位小数）")})
    today = timezone.localdate()
    closed = _merchant_open(merchant, today)  # as read by staff_merchant in this request
    if closed:
        raise Refusal(closed, code="merchant")
    token, card_no, code, ticket = proof
    if ticket:
        number = _ticket_card(ticket, merchant, actor)
        verification, card = card_state(number)  # lost or membership ended since the check
    else:
        verification, card = _card_check(actor, token, card_no, code, now)
    if card is None:
        # expired or forged QR, wrong code, lost card, membership ended: the registry says which
        raise Refusal(verification.reason, code="card")
    member = card.member
    # The offer's row lock serializes its redemptions: quota, budget and per-member counts are
    # read and moved by one transaction at a time.
    offer = next(
        iter(
            Offer.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .filter(pk=offer_id, merchant=merchant)
        ),
        None,
    )
    if offer is None:
        raise Refusal(_("本店没有该优惠"), code="offer")
    if offer.campaign is not None and offer.campaign.per_member_limit:
        # a campaign-wide limit spans offers: serialize on the campaign too (always offer first,
        # then campaign, so two redemptions never wait on each other in a circle)
        Campaign.objects.select_for_update().filter(pk=offer.campaign.pk).first()
    code, reason = _rule_refusal(offer, member, today)
    if reason:
        raise Refusal(reason, code=code)
    discount = compute_discount(offer, bill)
    if offer.spent + discount > offer.budget:
        raise Refusal(_("优惠预算余额不足"), code="budget")
    if not _take(offer, member, discount, today):
        # refused by the quota, the budget or a limit: the full check says which (same locks)
        code, reason = refusal(offer, member, today)
        raise Refusal(reason or _("优惠名额或预算已用完"), code=code or "quota")
    union_part = (discount * offer.union_share / Decimal(100)).quantize(CENT, ROUND_HALF_UP)
    segments = member_segments(member)
    redemption = Redemption.objects.create(
        offer=offer,
        merchant=merchant,
        member=member,
        staff=actor,
        client_key=key,
        bill_amount=bill,
        discount=discount,
        merchant_part=discount - union_part,
        union_part=union_part,
        paid_amount=max(bill - discount, Decimal(0)),
        org_path=merchant.org_path,
        member_path=member.org_path,
        segments=f",{','.join(segments)}," if segments else "",
        day=today,
    )
    benefit_counters.redemption_bump(redemption)
    audit_record(
        action="benefits.offer.redeemed",
        actor=actor,
        target=redemption,
        org_path=merchant.org_path,
        after={"offer": offer.pk, "card": mask_card_number(card.number), "discount": str(discount)},
    )
    return redemption
