"""Writes of the benefits module: merchants and their staff, offers, campaigns, complaints.

Redemption at the counter lives in ``shop.py``. Every function takes a keyword-only ``actor``,
runs in one transaction, locks the row whose state changes and writes an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from gonghui.accounts.models import AccountType, User
from gonghui.benefits import caching
from gonghui.benefits.models import (
    Campaign,
    CampaignSignup,
    Category,
    Complaint,
    Merchant,
    MerchantStaff,
    MerchantStatus,
    Offer,
    OfferKind,
)
from gonghui.core import counters
from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index, mask_phone
from gonghui.core.deadlines import add_calendar_days
from gonghui.core.identifiers import validate_region_code, validate_uscc
from gonghui.core.registry import member_segment_get
from gonghui.core.reminders import Notice, claim_once, tell_officers
from gonghui.core.scoping import Actor, require_capability
from gonghui.core.workflow import transition
from gonghui.members.models import Member
from gonghui.orgs.models import Org

MANAGE = "benefits.manage"


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if not phone.isdigit() or not 7 <= len(phone) <= 12:
        raise ValidationError({"contact_phone": _("联系电话应为7至12位数字")})
    return phone


def _check_period(start: dt.date, end: dt.date, field: str) -> None:
    if end < start:
        raise ValidationError({field: _("结束日期不能早于开始日期")})


@transaction.atomic
def merchant_create(
    *,
    actor: Actor,
    org: Org,
    name: str,
    uscc: str,
    category: str,
    address: str,
    region_code: str,
    contact_name: str,
    contact_phone: str,
    agreement_start: dt.date,
    agreement_end: dt.date,
) -> Merchant:
    """Onboard a merchant for ``org`` (待审核 until the union signs it)."""
    require_capability(actor, MANAGE, org.path)
    errors: dict[str, Any] = {}
    try:
        uscc = validate_uscc(uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    else:
        if Merchant.objects.filter(uscc=uscc).exists():
            errors["uscc"] = [_("该统一社会信用代码的商户已登记")]
    try:
        region_code = validate_region_code(region_code)
    except ValidationError as exc:
        errors["region_code"] = exc.messages
    if category not in Category.values:
        errors["category"] = [_("商户类别无效")]
    if not name.strip():
        errors["name"] = [_("请填写商户名称")]
    if errors:
        raise ValidationError(errors)
    phone = _clean_phone(contact_phone)
    _check_period(agreement_start, agreement_end, "agreement_end")
    merchant = Merchant.objects.create(
        name=name.strip(),
        uscc=uscc,
        category=category,
        address=address.strip(),
        region_code=region_code,
        contact_name=contact_name.strip(),
        contact_phone=phone,
        phone_index=blind_index("phone", phone),
        agreement_start=agreement_start,
        agreement_end=agreement_end,
        org=org,
        org_path=org.path,
    )
    audit_record(
        action="benefits.merchant.created",
        actor=actor,
        target=merchant,
        org_path=merchant.org_path,
        after={"name": merchant.name, "uscc": uscc, "contact_phone": mask_phone(phone)},
    )
    counters.recount_source("benefits.merchants", [merchant.org_path])
    return merchant


# The merchant's workflow (core.workflow): transition name -> audit code.
TRANSITIONS = {
    "sign": "benefits.merchant.sign",
    "suspend": "benefits.merchant.suspend",
    "terminate": "benefits.merchant.terminate",
}


def _agreement_current(merchant: Merchant) -> None:
    if merchant.agreement_end < timezone.localdate():
        raise ValidationError({"agreement_end": _("协议已到期，请先续签协议期限")})


@transaction.atomic
def merchant_transition(
    *, actor: Actor, merchant: Merchant, action: str, comment: str = ""
) -> Merchant:
    if action not in TRANSITIONS:
        raise ValidationError(
            _("商户当前状态为%(s)s，不能执行该操作") % {"s": merchant.get_status_display()}
        )
    merchant = transition(
        merchant,
        action,
        actor=actor,
        capability=MANAGE,
        reason=comment[:200],
        check=_agreement_current if action == "sign" else None,
    )
    caching.forget()
    counters.recount_source("benefits.merchants", [merchant.org_path])
    return merchant


@transaction.atomic
def merchant_renew(*, actor: Actor, merchant: Merchant, agreement_end: dt.date) -> Merchant:
    """续签: extend the agreement period."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    require_capability(actor, MANAGE, merchant.org_path)
    _check_period(merchant.agreement_start, agreement_end, "agreement_end")
    before = merchant.agreement_end
    merchant.agreement_end = agreement_end
    merchant.save(update_fields=["agreement_end"])
    caching.forget()
    audit_record(
        action="benefits.merchant.renewed",
        actor=actor,
        target=merchant,
        org_path=merchant.org_path,
        before={"agreement_end": str(before)},
        after={"agreement_end": str(agreement_end)},
    )
    return merchant


@transaction.atomic
def staff_link(*, actor: Actor, merchant: Merchant, username: str) -> MerchantStaff:
    """Let a merchant account work this merchant's counter."""
    require_capability(actor, MANAGE, merchant.org_path)
    user = User.objects.filter(username=username.strip()).first()
    if user is None or user.account_type != AccountType.MERCHANT:
        raise ValidationError({"username": _("没有该商户账号（账号类型须为“商户”）")})
    existing = MerchantStaff.objects.select_for_update().filter(user=user).first()
    if existing is not None:
        if existing.merchant_id == merchant.pk:
            return existing
        raise ValidationError({"username": _("该账号已是其他商户的店员")})
    staff = MerchantStaff.objects.create(merchant=merchant, user=user)
    caching.forget()
    audit_record(
        action="benefits.staff.linked",
        actor=actor,
        target=merchant,
        org_path=merchant.org_path,
        after={"username": user.username},
    )
    return staff


# --- offers and campaigns ------------------------------------------------------------------------


def _validate_offer(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    kind, value = data["kind"], Decimal(data["value"])
    if kind not in OfferKind.values:
        errors["kind"] = _("优惠方式无效")
    elif kind == OfferKind.PERCENT and not Decimal("0") < value < Decimal("100"):
        errors["value"] = _("折扣应为大于0、小于100的减免百分比")
    elif value <= 0:
        errors["value"] = _("优惠数值应大于0")
    if kind == OfferKind.FREE_ITEM and not (data.get("item") or "").strip():
        errors["item"] = _("请填写赠品名称")
    if data.get("segment") and member_segment_get(data["segment"]) is None:
        errors["segment"] = _("适用会员群体无效")
    if int(data["quota"]) < 1:
        errors["quota"] = _("总名额应至少为1")
    if Decimal(data["budget"]) <= 0:
        errors["budget"] = _("优惠总预算应大于0")
    if not 0 <= int(data.get("union_share") or 0) <= 100:
        errors["union_share"] = _("工会补贴比例应在0至100之间")
    if data["valid_until"] < data["valid_from"]:
        errors["valid_until"] = _("结束日期不能早于开始日期")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offer_create(
    *, actor: Actor, merchant: Merchant, campaign: Campaign | None = None, **data: Any
) -> Offer:
    """A union officer enters an offer the merchant agreed to; members see it once approved."""
    require_capability(actor, MANAGE, merchant.org_path)
    if merchant.status == MerchantStatus.TERMINATED:
        raise ValidationError(_("商户已终止合作，不能新增优惠"))
    _validate_offer(data)
    offer = Offer.objects.create(
        merchant=merchant, campaign=campaign, org_path=merchant.org_path, **data
    )
    caching.forget()
    audit_record(
        action="benefits.offer.created",
        actor=actor,
        target=offer,
        org_path=offer.org_path,
        after={"title": offer.title, "quota": offer.quota, "budget": str(offer.budget)},
    )
    return offer


@transaction.atomic
def offer_transition(*, actor: Actor, offer: Offer, action: str) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    require_capability(actor, MANAGE, offer.org_path)
    method = {"approve": offer.approve, "withdraw": offer.withdraw}.get(action)
    if method is None or not can_proceed(method):
        raise ValidationError(
            _("优惠当前状态为%(s)s，不能执行该操作") % {"s": offer.get_status_display()}
        )
    before = offer.status
    method()
    if action == "approve":
        offer.approved_by = actor
        offer.approved_at = timezone.now()
    offer.save(update_fields=["status", "approved_by", "approved_at"])
    caching.forget()
    audit_record(
        action=f"benefits.offer.{action}",
        actor=actor,
        target=offer,
        org_path=offer.org_path,
        before={"status": before},
        after={"status": offer.status},
    )
    return offer


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    org: Org,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    signup_required: bool = False,
    per_member_limit: int = 0,
) -> Campaign:
    require_capability(actor, MANAGE, org.path)
    if not name.strip():
        raise ValidationError({"name": _("请填写活动名称")})
    _check_period(starts_on, ends_on, "ends_on")
    campaign = Campaign.objects.create(
        name=name.strip(),
        description=description,
        org=org,
        org_path=org.path,
        starts_on=starts_on,
        ends_on=ends_on,
        signup_required=signup_required,
        per_member_limit=per_member_limit,
    )
    audit_record(
        action="benefits.campaign.created",
        actor=actor,
        target=campaign,
        org_path=campaign.org_path,
        after={"name": campaign.name},
    )
    return campaign


def _own_member(actor: Actor) -> Member:
    member = getattr(actor, "member", None) if actor is not None else None
    if member is None or getattr(actor, "account_type", "") != AccountType.MEMBER:
        raise PermissionDenied("benefits.member")
    if not member.is_current:
        raise ValidationError(_("您已不是会员"))
    return member


@transaction.atomic
def campaign_signup(*, actor: Actor, campaign: Campaign) -> CampaignSignup:
    member = _own_member(actor)
    if not campaign.signup_required:
        raise ValidationError(_("该活动无须报名"))
    if campaign.ends_on < timezone.localdate():
        raise ValidationError(_("活动已结束"))
    signup, created = CampaignSignup.objects.get_or_create(campaign=campaign, member=member)
    if created:
        audit_record(
            action="benefits.campaign.signed_up",
            actor=actor,
            target=campaign,
            org_path=member.org_path,
        )
    return signup


@transaction.atomic
def complaint_submit(*, actor: Actor, merchant: Merchant, content: str) -> Complaint:
    member = _own_member(actor)
    if merchant.status == MerchantStatus.PENDING:
        raise PermissionDenied("benefits.complaint")
    content = content.strip()
    if len(content) < 5:
        raise ValidationError({"content": _("请写明投诉内容（至少5个字）")})
    complaint = Complaint.objects.create(
        merchant=merchant, member=member, content=content[:2000], org_path=merchant.org_path
    )
    audit_record(
        action="benefits.complaint.submitted",
        actor=actor,
        target=complaint,
        org_path=merchant.org_path,
    )
    return complaint


COMPLAINT_TRANSITIONS = {"handle": "benefits.complaint.handled"}


@transaction.atomic
def complaint_handle(*, actor: Actor, complaint: Complaint, reply: str) -> Complaint:
    """处理: the merchant's union answers a member's complaint, once (core.workflow)."""
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": _("请填写处理意见")})

    def write_reply(row: Complaint) -> None:
        row.reply = reply

    return transition(
        complaint,
        "handle",
        actor=actor,
        capability=MANAGE,
        reason=reply[:200],
        apply=write_reply,
    )


# --- agreement reminders (periodic job benefits.agreement_reminders) ----------------------------

AGREEMENT_REMIND_DAYS = 30  # the to-do panel shows agreements ending within this many days
AGREEMENT_TEMPLATE = "benefits.agreement.reminder"


def _agreement_notices(today: dt.date) -> Iterator[Notice]:
    horizon = add_calendar_days(today, AGREEMENT_REMIND_DAYS).due
    merchants = (
        Merchant.objects.filter(
            status=MerchantStatus.SIGNED,
            agreement_end__gte=today - dt.timedelta(days=AGREEMENT_REMIND_DAYS),
            agreement_end__lte=horizon,
        )
        .only("pk", "name", "agreement_end", "org_path")
        .order_by("agreement_end", "pk")
    )
    for merchant in merchants.iterator(chunk_size=500):
        ended = merchant.agreement_end < today
        title = (
            _("普惠商户%(m)s的协议已于%(d)s到期，请续签或终止合作")
            if ended
            else _("普惠商户%(m)s的协议将于%(d)s到期")
        ) % {"m": merchant.name, "d": merchant.agreement_end.isoformat()}
        yield Notice(
            key=f"{merchant.pk}:{merchant.agreement_end}:{'ended' if ended else 'ending'}",
            org_path=merchant.org_path,
            capability="benefits.manage",
            title=title,
            url=merchant.get_absolute_url(),
        )


def merchants_remind_agreements(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Tell the signing union's officers once when a signed merchant's agreement comes within
    ``AGREEMENT_REMIND_DAYS`` of its end, and once more when it has ended while the merchant is
    still 签约 (a renewal changes the end date: a new pair of reminders). Returns how many
    reminders were sent; at most ``limit`` per run, the rest at the next."""
    today = today or timezone.localdate()
    with transaction.atomic():
        fresh = claim_once(
            source=AGREEMENT_TEMPLATE, notices=_agreement_notices(today), limit=limit
        )
        tell_officers(fresh, template=AGREEMENT_TEMPLATE, url=reverse("benefits:merchant_list"))
    return len(fresh)
