"""Member cards: numbers, issue and replacement, and the proof a member shows at a counter.

The proof is either a signed token that changes every minute (the QR code on the member's phone)
or the card number together with a 6-digit code that changes with it, so that a typed number
alone proves nothing. Keys are derived from SECRET_KEY; nothing secret is stored per card.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from gonghui.core import counters, ratelimit
from gonghui.core.audit import audit_record
from gonghui.core.crypto import mask_card_number
from gonghui.core.prepared import Prepared
from gonghui.core.scoping import Actor, require_capability
from gonghui.members.models import Card, CardSequence, CardStatus, Member
from gonghui.orgs.models import PATH_STEP, Org

# A token or code is valid in its own window and the next: at most a minute in all, so a
# screenshot of the member's card is useless within a minute (issue 5).
WINDOW_SECONDS = 30
SERIAL_DIGITS = 10


def _key(purpose: str) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"gonghui.card.{purpose}".encode(), hashlib.sha256
    ).digest()


# --- numbers -------------------------------------------------------------------------------------


def card_prefix(union: Org) -> str:
    """The province code: the first two digits of the region code of the tree's root."""
    root = Org.objects.filter(path=union.path[:PATH_STEP]).values_list("region_code", flat=True)
    region = next(iter(root), "") or union.region_code
    return region[:2] if re.fullmatch(r"\d{2}", region[:2] or "") else "00"


def _next_number(prefix: str) -> str:
    sequence, _created = CardSequence.objects.select_for_update().get_or_create(prefix=prefix)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    body = f"{prefix}{sequence.last:0{SERIAL_DIGITS}d}"
    return body + luhn.calc_check_digit(body)


def is_card_number(text: str) -> bool:
    return bool(re.fullmatch(r"\d{13}", text)) and luhn.is_valid(text)


def card_issue_locked(member: Member, *, actor: Actor) -> Card:
    """Issue a new active card to a member whose row the caller has locked."""
    card = Card.objects.create(
        number=_next_number(card_prefix(member.union)),
        member=member,
        issued_on=timezone.localdate(),
    )
    counters.bump({(member.org_path, "cards.active"): 1})
    audit_record(
        action="members.card.issued",
        actor=actor,
        target=member,
        org_path=member.org_path,
        after={"card": mask_card_number(card.number)},
    )
    return card


def card_void_locked(member: Member, *, status: str = CardStatus.VOID) -> None:
    voided = Card.objects.filter(member=member, status=CardStatus.ACTIVE).update(
        status=status, ended_on=timezone.localdate()
    )
    counters.bump({(member.org_path, "cards.active"): -voided})


@transaction.atomic
def card_replace(*, actor: Actor, member: Member, reason: str) -> Card:
    """挂失 and 补卡: the old number dies, a new one is issued."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    require_capability(actor, "members.manage", member.org_path)
    if not member.is_current:
        raise ValidationError(_("%(name)s 已不是会员，不能补卡") % {"name": member.name})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写补卡原因（如：遗失、损坏）")})
    card_void_locked(member, status=CardStatus.LOST)
    card = card_issue_locked(member, actor=actor)
    audit_record(
        action="members.card.replaced",
        actor=actor,
        target=member,
        org_path=member.org_path,
        after={"card": mask_card_number(card.number), "reason": reason.strip()},
    )
    return card


# --- proof ---------------------------------------------------------------------------------------


def _window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def _signature(card_no: str, window: int) -> str:
    digest = hmac.new(_key("token"), f"{card_no}.{window}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def card_token(card_no: str, now: float | None = None) -> str:
    """The QR payload for this window: ``<card>.<window>.<signature>``."""
    window = _window(now)
    return f"{card_no}.{window}.{_signature(card_no, window)}"


def card_code(card_no: str, now: float | None = None, window: int | None = None) -> str:
    """The 6-digit dynamic code shown beside the QR (HOTP-style truncation, RFC 4226)."""
    counter = _window(now) if window is None else window
    key = hmac.new(_key("code"), card_no.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str
    masked_name: str = ""
    union_name: str = ""
    status: str = ""

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _fresh(window: int, now: float | None) -> bool:
    # The current window and the one before it: a code read at 29 s still works at 31 s.
    return _window(now) - 1 <= window <= _window(now)


def _mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _card_read(number: str) -> QuerySet[Card]:
    # The counter has no use for the holder's ID number or phone: they are neither read nor
    # decrypted (a deferred field would be read on first use, never wrongly)
    return (
        Card.objects.select_related("member__union")
        .defer("member__id_number", "member__phone")
        .filter(number=number)[:1]
    )


# The card with its member and union: compiled once (the counter reads it twice a redemption).
_CARD = Prepared(_card_read, "number")
_CARD_LOCKED = Prepared(
    lambda number: _card_read(number).select_for_update(no_key=True, of=("member",)), "number"
)


def card_state(card_no: str, *, lock: bool = False) -> tuple[Verification, Card | None]:
    """Whether a card may be used now (active, its holder still a member), without a proof; the
    valid card with its member and union, read once. ``lock``: the same statement takes the
    member's row lock (no key update) for the caller's transaction, so that the member's own
    writes (the counter's per-member limits) run one at a time."""
    found = (_CARD_LOCKED if lock else _CARD).first(card_no)
    if found is None:
        return Verification(False, _("卡号不存在")), None
    member = found.member
    if found.status != CardStatus.ACTIVE:
        state = _("该卡已%(status)s") % {"status": found.get_status_display()}
        return Verification(False, state, status=found.status), None
    if not member.is_current:
        return Verification(False, _("持卡人已不是会员"), status=member.status), None
    valid = Verification(True, _("有效"), _mask_name(member.name), member.union.name, member.status)
    return valid, found


def _code_guess_refused(guesser: str, number: str) -> Verification | None:
    """Each typed card number + code costs one of the account's tries on that card (taken
    before the code is compared, so parallel guesses cannot slip past the count)."""
    rate = settings.GONGHUI_CARD_CODE_GUESS_RATE
    if ratelimit.hit(f"card-code:{guesser}:{number}", rate):
        return None
    count, seconds = ratelimit.parse_rate(rate)
    return Verification(
        False,
        _(
            "该卡在本账号手工输入核验已达%(count)d次（每%(minutes)d分钟），暂停核验该卡；"
            "请改扫会员二维码或稍后再试"
        )
        % {"count": count, "minutes": max(1, seconds // 60)},
    )


def card_verify(*, guesser: str, **proof: Any) -> Verification:
    """Check a QR token, or a card number with its current code; say why when refused.

    ``guesser`` names the account at the counter (``user:<pk>``): the typed-code limit lives
    here, so every door that checks a card (officer and shop APIs, shop pages, redemption)
    shares one count per account and card. ``proof``: token, card_no, code, now."""
    return card_check(guesser=guesser, **proof)[0]


def card_check(
    *,
    guesser: str,
    token: str = "",
    card_no: str = "",
    code: str = "",
    now: float | None = None,
    lock: bool = False,
) -> tuple[Verification, Card | None]:
    """:func:`card_verify`, and the valid card with its member and union (read once: the
    counter needs the member the proof named, not a second read that could see another;
    ``lock`` as in :func:`card_state`)."""
    if token:
        parts = token.strip().split(".")
        if (
            len(parts) != 3
            or not re.fullmatch(r"\d{13}", parts[0], re.ASCII)
            or not re.fullmatch(r"\d{1,12}", parts[1], re.ASCII)
        ):
            return Verification(False, _("二维码无效")), None
        number, window = parts[0], int(parts[1])
        if not hmac.compare_digest(_signature(number, window).encode(), parts[2].encode()):
            return Verification(False, _("二维码无效")), None
        if not _fresh(window, now):
            return Verification(False, _("二维码已过期，请会员刷新后再出示")), None
        return card_state(number, lock=lock)
    number = re.sub(r"\s", "", card_no or "")
    if not number:
        return Verification(False, _("请扫描二维码或输入卡号")), None
    if not code:
        return Verification(False, _("输入卡号时还须输入会员手机上显示的动态码")), None
    if not re.fullmatch(r"\d{6}", code.strip(), re.ASCII):
        return Verification(False, _("动态码应为6位数字")), None
    refused = _code_guess_refused(guesser, number)
    if refused is not None:
        return refused, None
    current = _window(now)
    if not any(
        hmac.compare_digest(card_code(number, window=w), code.strip())
        for w in (current, current - 1)
    ):
        return Verification(False, _("动态码不正确或已过期")), None
    return card_state(number, lock=lock)
