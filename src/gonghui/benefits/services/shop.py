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
from functools import partial
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.benefits import caching
from gonghui.benefits import counters as benefit_counters
from gonghui.benefits.models import (
    Campaign,
    CampaignSignup,
    Merchant,
    MerchantStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Redemption,
)
from gonghui.benefits.segments import member_in_segment, member_segments
from gonghui.core.audit import audit_event
from gonghui.core.crypto import mask_card_number
from gonghui.core.prepared import insert_linked
from gonghui.core.scoping import Actor
from gonghui.members.models import Card, Member
from gonghui.members.services.cards import Verification, card_check, card_state

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


def staff_merchant(user: Actor) -> Merchant:
    """The merchant whose counter this account works (PermissionDenied for anyone else)."""
    if getattr(user, "account_type", "") != "merchant":
        raise PermissionDenied("benefits.counter")
    merchant = caching.staff_merchant_of(user.pk)
    if merchant is None:
        raise PermissionDenied("benefits.counter")
    return merchant


def _merchant_open(merchant: Merchant, today: dt.date) -> str:
    if merchant.status != MerchantStatus.SIGNED:
        return _("本商户当前状态为%(s)s，暂停核销") % {"s": merchant.get_status_display()}
    if not merchant.agreement_start <= today <= merchant.agreement_end:
        return _("本商户的普惠协议不在有效期内")
    return ""


def _card_check(
    actor: Actor, token: str, card_no: str, code: str, now: Any, lock: bool = False
) -> tuple[Verification, Card | None]:
    """The registry's card check by this counter account (typed codes count per account) on the
    app's clock like the bill ticket, and the valid card with its member, read once."""
    when = timezone.now().timestamp() if now is None else now
    return card_check(
        guesser=f"user:{actor.pk}", token=token, card_no=card_no, code=code, now=when, lock=lock
    )


def bill_ticket_issue(*, merchant: Merchant, actor: Actor, card_no: str) -> str:
    """A ticket for entering the bill at this counter, for this card, for BILL_TICKET_SECONDS."""
    issued = int(timezone.now().timestamp())
    payload = {"m": merchant.pk, "s": actor.pk, "c": card_no, "t": issued}
    return signing.dumps(payload, salt=_TICKET_SALT)


def _ticket_card(ticket: str, merchant: Merchant, actor: Actor) -> str:
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
    actor: Actor,
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
    usable = usable_offers(merchant, member, today)
    ticket = bill_ticket_issue(merchant=merchant, actor=actor, card_no=card.number)
    return CounterResult(verification, member, usable, ticket=ticket)


def usable_offers(merchant: Merchant, member: Member, today: dt.date) -> list[Offer]:
    """The merchant's live offers this member may use now: the rules from the cache, then the
    counters and the member's uses of every candidate in one statement (not one per offer)."""
    segments: list[str] | None = None
    candidates = []
    for offer in caching.live_offer_rules(merchant, today):
        if offer.segment:
            segments = member_segments(member) if segments is None else segments
        if not _rule_refusal(offer, member, today, segments)[1]:
            candidates.append(offer)
    if not candidates:
        return []
    rows = _counts(candidates, member, today)
    counts = {pk: rest for pk, *rest in rows}
    usable = []
    for offer in candidates:
        if offer.pk not in counts:
            continue
        offer.merchant = merchant  # the answer names the merchant: no lazy read per offer
        offer.used, offer.spent, today_n, total_n = counts[offer.pk]
        if offer.used >= offer.quota or offer.spent >= offer.budget:
            continue
        if offer.per_member_daily and today_n >= offer.per_member_daily:
            continue
        if offer.per_member_total and total_n >= offer.per_member_total:
            continue
        if offer.campaign is not None and _campaign_refusal(offer.campaign, member)[1]:
            continue  # campaign rules: rare, checked one by one
        usable.append(offer)
    return usable


# The counters of the candidate offers and the member's uses of each (today, in all): one
# statement of fixed text per number of candidates (no ORM compilation per request).
_COUNTS = (
    "SELECT o.id, o.used, o.spent,"
    " (SELECT COUNT(*) FROM benefits_redemption r"
    " WHERE r.offer_id = o.id AND r.member_id = %s AND r.day = %s),"
    " (SELECT COUNT(*) FROM benefits_redemption r WHERE r.offer_id = o.id AND r.member_id = %s)"
    " FROM benefits_offer o WHERE o.id IN ({})"
)


def _counts(offers: list[Offer], member: Member, today: dt.date) -> list[tuple[Any, ...]]:
    day = connection.ops.adapt_datefield_value(today)
    sql = _COUNTS.format(", ".join(["%s"] * len(offers)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [member.pk, day, member.pk, *(o.pk for o in offers)])
        rows = cursor.fetchall()
    # str(): SQLite answers the spent amount as a number, PostgreSQL as a Decimal
    return [(pk, used, Decimal(str(spent)), day_n, all_n) for pk, used, spent, day_n, all_n in rows]


def refusal(offer: Offer, member: Member, today: dt.date) -> tuple[str, str]:
    """``(code, why)`` this member may not use this offer today; ``("", "")`` when they may.

    Codes: offer, segment, campaign, signup, limit, quota, budget."""
    code, why = _rule_refusal(offer, member, today)
    if why:
        return code, why
    if offer.campaign is not None:
        code, why = _campaign_refusal(offer.campaign, member)
        if why:
            return code, why
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


def _campaign_refusal(campaign: Campaign, member: Member) -> tuple[str, str]:
    if (
        campaign.signup_required
        and not CampaignSignup.objects.filter(campaign=campaign, member=member).exists()
    ):
        return "signup", _("该优惠须先在手机上报名活动")
    if campaign.per_member_limit:
        used = Redemption.objects.filter(offer__campaign=campaign, member=member).count()
        if used >= campaign.per_member_limit:
            return "limit", _("已达本活动每人限用次数")
    return "", ""


def _rule_refusal(
    offer: Offer, member: Member, today: dt.date, segments: list[str] | None = None
) -> tuple[str, str]:
    """The checks of :func:`refusal` that need no query (the offer and campaign as read; the
    member's segments when the caller has them)."""
    if offer.status != OfferStatus.APPROVED:
        return "offer", _("该优惠未上架")
    if not offer.valid_from <= today <= offer.valid_until:
        return "offer", _("该优惠不在有效期内")
    if offer.segment:
        belongs = (
            member_in_segment(member, offer.segment)
            if segments is None
            else offer.segment in segments
        )
        if not belongs:
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
    actor: Actor,
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
        except _Exhausted as exhausted:
            raise exhausted.refusal() from None
    except (IntegrityError, Refusal):
        existing = _replay(merchant, key)
        if existing is None:
            raise
        return existing, False
    return redemption, True


class _Exhausted(Exception):
    """The offer's conditional UPDATE refused (quota, budget, a limit): raised inside the
    redemption's transaction so that it rolls back; :meth:`refusal` then says why."""

    def __init__(self, offer: Offer, member: Member, discount: Decimal, today: dt.date) -> None:
        super().__init__(offer.pk)
        self.offer, self.member, self.discount, self.today = offer, member, discount, today

    def refusal(self) -> Refusal:
        """Why, from the offer as committed now (an explanation: the UPDATE decided)."""
        offer = Offer.objects.select_related("campaign").filter(pk=self.offer.pk).first()
        if offer is None:
            return Refusal(_("本店没有该优惠"), code="offer")
        code, reason = refusal(offer, self.member, self.today)
        if not reason and offer.spent + self.discount > offer.budget:
            code, reason = "budget", _("优惠预算余额不足")
        return Refusal(reason or _("优惠名额或预算已用完"), code=code or "quota")


# The offer's rules and the member's limits as conditions of the offer's counter UPDATE. The
# redemption's own row is already written (the UPDATE is the transaction's last statement, so
# the offer's row lock is held only until COMMIT), hence "<=": the counts include it. The
# member's row lock, taken with the card, makes every earlier redemption of the member visible
# to this statement (it started after the lock); the offer's row is re-read under its lock.
_RULES = (
    "UPDATE benefits_offer SET used = used + 1, spent = spent + %s"
    " WHERE id = %s AND used < quota AND spent <= budget - %s"
    " AND status = %s AND valid_from <= %s AND valid_until >= %s"
)
_DAILY = (
    " AND (SELECT COUNT(*) FROM benefits_redemption r WHERE r.offer_id = %s"
    " AND r.member_id = %s AND r.day = %s) <= per_member_daily"
)
_TOTAL = (
    " AND (SELECT COUNT(*) FROM benefits_redemption r WHERE r.offer_id = %s"
    " AND r.member_id = %s) <= per_member_total"
)
_SIGNUP = (
    " AND EXISTS (SELECT 1 FROM benefits_campaignsignup s WHERE s.campaign_id = %s"
    " AND s.member_id = %s)"
)
_CAMPAIGN = (
    " AND (SELECT COUNT(*) FROM benefits_redemption r JOIN benefits_offer o ON o.id = r.offer_id"
    " WHERE o.campaign_id = %s AND r.member_id = %s) <= %s"
)


def _take(offer: Offer, member: Member, discount: Decimal, today: dt.date) -> bool:
    """Move the offer's counters by one use of ``discount`` if the offer is still live and the
    quota, the budget and every limit of the member allow it: one statement, the SQL of which
    is a constant per shape."""
    sql = _RULES
    params: list[Any] = [discount, offer.pk, discount, OfferStatus.APPROVED, today, today]
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


def _offer_here(merchant: Merchant, offer_id: int) -> Offer | None:
    """The offer's rules as cached (live offers), else as stored (to say why it is refused)."""
    offer = caching.offer_rules(merchant.pk, merchant).get(offer_id)
    if offer is None:
        offer = (
            Offer.objects.select_related("campaign")
            .filter(pk=offer_id, merchant_id=merchant.pk)
            .first()
        )
    return offer


@transaction.atomic
def _redeem(
    actor: Actor,
    merchant: Merchant,
    offer_id: int,
    bill: Decimal,
    key: str,
    proof: tuple[str, str, str, str],
    now: Any,
) -> Redemption:
    """Everything but the offer's counters first, under the member's row lock only; the offer's
    conditional UPDATE last, so that its row is locked from that statement to COMMIT."""
    if bill <= 0 or bill != bill.quantize(CENT) or bill > Decimal("99999999"):
        raise ValidationError({"bill_amount": _("消费金额应为大于0的金额（最多两位小数）")})
    today = timezone.localdate()
    closed = _merchant_open(merchant, today)  # as read by staff_merchant in this request
    if closed:
        raise Refusal(closed, code="merchant")
    token, card_no, code, ticket = proof
    if ticket:
        number = _ticket_card(ticket, merchant, actor)
        # lost or membership ended since the check
        verification, card = card_state(number, lock=True)
    else:
        verification, card = _card_check(actor, token, card_no, code, now, lock=True)
    if card is None:
        # expired or forged QR, wrong code, lost card, membership ended: the registry says which
        raise Refusal(verification.reason, code="card")
    member = card.member
    offer = _offer_here(merchant, offer_id)
    if offer is None:
        raise Refusal(_("本店没有该优惠"), code="offer")
    segments = member_segments(member)
    code, reason = _rule_refusal(offer, member, today, segments)
    if reason:
        raise Refusal(reason, code=code)
    discount = compute_discount(offer, bill)
    union_part = (discount * offer.union_share / Decimal(100)).quantize(CENT, ROUND_HALF_UP)
    # The redemption and its audit row: one statement (core.prepared.insert_linked, a CTE on
    # PostgreSQL), the INSERTs' text built once
    redemption = Redemption(
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
    event = audit_event(
        action="benefits.offer.redeemed",
        actor=actor,
        target=redemption,
        org_path=merchant.org_path,
        after={"offer": offer.pk, "card": mask_card_number(card.number), "discount": str(discount)},
    )
    insert_linked(redemption, event, link="target_id")
    if not _take(offer, member, discount, today):
        raise _Exhausted(offer, member, discount, today)
    # The rollup counters of the merchant's union are shared by all its merchants' counters:
    # moved after COMMIT, in a statement of their own, they hold no row lock across a wait.
    transaction.on_commit(partial(benefit_counters.redemption_bump, redemption))
    return redemption
