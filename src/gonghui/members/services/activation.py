"""Opening a member's own account from their phone (证件号码 + phone + a one-time SMS code).

Nothing here tells a stranger whether an ID number is registered: the first step answers the
same whatever was typed, and a wrong or missing code reads the same as a code for nobody.
Guessing is bounded by rate limits per client and per ID number (``core.ratelimit``); once the
code guesses for an ID are spent, its pending codes die (lockout until a new code is sent).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts.models import PHONE_RE, AccountType, User, normalize_phone, phone_index
from gonghui.core import ratelimit
from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.notify import notify
from gonghui.members.models import ActivationCode, Member, MemberConsent

CODE_TTL = timedelta(minutes=10)
# Sending: per client address and per ID number; guessing: per ID number (and per client).
SEND_RATE_CLIENT = "10/3600"
SEND_RATE_PERSON = "3/3600"
GUESS_RATE_PERSON = "5/900"
GUESS_RATE_CLIENT = "20/900"

PRIVACY_NOTICE_VERSION = "2025-01"
PRIVACY_PURPOSE = gettext_lazy("开通会员账号，提供会员卡、会员服务和消息通知")

SENT_MESSAGE = gettext_lazy(
    "如果您填写的证件号码和手机号码与工会登记的一致，验证码已通过短信发送到该手机，10分钟内有效。"
)
WRONG_CODE = gettext_lazy("验证码不正确或已失效，请核对或重新获取")
TOO_MANY = gettext_lazy("尝试次数过多，请稍后再试")


@dataclass(frozen=True)
class Claim:
    """What the first step remembers (in the session) for the second: blind indexes only."""

    id_type: str
    id_index: str
    phone_index: str

    def as_dict(self) -> dict[str, str]:
        return {"id_type": self.id_type, "id_index": self.id_index, "phone_index": self.phone_index}


def _hash(code: str, member_id: int) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), b"gonghui.activation", hashlib.sha256).digest()
    return hmac.new(key, f"{member_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _claimed_member(claim: Claim) -> Member | None:
    return (
        Member.objects.filter(
            id_type=claim.id_type, id_index=claim.id_index, phone_index=claim.phone_index
        )
        .select_related("union")
        .first()
    )


def activation_request(*, id_type: str, id_number: str, phone: str, client: str) -> Claim:
    """Step 1: send a code to the phone on record when ID and phone match a current member.

    Raises ValidationError only for malformed input or rate limits, never for "not found".
    """
    errors: dict[str, Any] = {}
    try:
        person = validate_personal_id(id_type, id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
        person = None
    phone = normalize_phone(phone)
    if not PHONE_RE.match(phone):
        errors["phone"] = _("手机号码应为11位，以1开头，第二位为3至9")
    if errors:
        raise ValidationError(errors)
    assert person is not None
    claim = Claim(person.id_type, blind_index("id", person.number), phone_index(phone))
    if not ratelimit.hit(f"m-activate-send-client:{client}", SEND_RATE_CLIENT):
        raise ValidationError(TOO_MANY)
    if not ratelimit.hit(f"m-activate-send:{claim.id_index}", SEND_RATE_PERSON):
        raise ValidationError(TOO_MANY)
    _send_code(claim)
    return claim


@transaction.atomic
def _send_code(claim: Claim) -> None:
    member = _claimed_member(claim)
    if member is None or not member.is_current:
        return
    if member.account_id:
        # The owner of the phone learns that an account exists; the requester learns nothing.
        notify(
            template="members.activation.exists",
            data={"name": member.name},
            to_phone=member.phone,
            channel="sms",
        )
        return
    ActivationCode.objects.filter(member=member, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    ActivationCode.objects.create(
        member=member, code_hash=_hash(code, member.pk), expires_at=timezone.now() + CODE_TTL
    )
    notify(
        template="members.activation.code",
        data={"minutes": int(CODE_TTL.total_seconds() // 60)},
        secret={"code": code},  # never stored: the row keeps ******, the code table a hash
        to_phone=member.phone,
        channel="sms",
    )


def activation_complete(
    *, claim: Claim, code: str, password: str, consent: bool, client: str
) -> User:
    """Step 2: check the code, record consent, create the member account and link it."""
    if not ratelimit.hit(f"m-activate-guess-client:{client}", GUESS_RATE_CLIENT):
        raise ValidationError({"code": TOO_MANY})
    if not ratelimit.hit(f"m-activate-guess:{claim.id_index}", GUESS_RATE_PERSON):
        _kill_codes(claim)  # committed on its own: the lockout outlives this refusal
        raise ValidationError({"code": TOO_MANY})
    return _complete(claim=claim, code=code, password=password, consent=consent)


@transaction.atomic
def _complete(*, claim: Claim, code: str, password: str, consent: bool) -> User:
    errors: dict[str, Any] = {}
    if not consent:
        errors["consent"] = _("请阅读并同意隐私政策")
    try:
        validate_password(password, User(account_type=AccountType.MEMBER))
    except ValidationError as exc:
        errors["password"] = exc.messages
    member = _claimed_member(claim)
    pending = None
    if member is not None:
        member = Member.objects.select_for_update().get(pk=member.pk)
        pending = (
            ActivationCode.objects.select_for_update()
            .filter(member=member, used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
    code = (code or "").strip()
    if (
        member is None
        or pending is None
        or not hmac.compare_digest(pending.code_hash, _hash(code, member.pk))
    ):
        errors["code"] = WRONG_CODE
    if errors:
        raise ValidationError(errors)
    assert member is not None and pending is not None
    pending.used_at = timezone.now()
    pending.save(update_fields=["used_at"])
    if member.account_id or not member.is_current:
        raise ValidationError({"code": WRONG_CODE})
    if User.objects.filter(phone_index=member.phone_index).exists():
        raise ValidationError(
            {"phone": _("该手机号码已绑定其他账号，请用该账号登录，或联系所在工会处理")}
        )
    user = User(
        username=f"m{secrets.token_hex(5)}",
        full_name=member.name,
        phone=member.phone,
        phone_index=member.phone_index,
        account_type=AccountType.MEMBER,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same phone bound concurrently
        raise ValidationError({"phone": _("该手机号码已绑定其他账号")}) from exc
    member.account = user
    member.save(update_fields=["account", "updated_at"])
    MemberConsent.objects.create(
        member=member,
        account=user,
        notice_version=PRIVACY_NOTICE_VERSION,
        purpose=str(PRIVACY_PURPOSE),
        consented_at=timezone.now(),
    )
    audit_record(
        action="accounts.user.created",
        actor=user,
        target=user,
        org_path=member.org_path,
        after={"username": user.username, "account_type": user.account_type},
    )
    audit_record(
        action="members.member.activated",
        actor=user,
        target=member,
        org_path=member.org_path,
        after={"notice": PRIVACY_NOTICE_VERSION, "purpose": str(PRIVACY_PURPOSE)},
    )
    return user


def _kill_codes(claim: Claim) -> None:
    member = _claimed_member(claim)
    if member is not None:
        ActivationCode.objects.filter(member=member, used_at__isnull=True).update(
            used_at=timezone.now()
        )
