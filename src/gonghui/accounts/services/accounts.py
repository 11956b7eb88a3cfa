"""Every write to accounts: officer accounts (分级授权), lockout, API tokens.

Nobody chooses another person's password: a new officer, or one whose password an
administrator resets, gets a one-time activation link (``accounts.activation``) and sets it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts.models import (
    PHONE_RE,
    AccountType,
    ApiToken,
    OfficerActivation,
    User,
    normalize_phone,
    phone_index,
)
from gonghui.core import ratelimit
from gonghui.core.audit import audit_record
from gonghui.core.prepared import Prepared
from gonghui.core.scoping import Actor
from gonghui.orgs.capabilities import grant_refusal
from gonghui.orgs.models import Org, Post
from gonghui.orgs.services.orgs import post_assign, post_grant_check

ACTIVATION_TTL = dt.timedelta(hours=72)


@dataclass(frozen=True)
class NewOfficer:
    user: User
    activation_token: str  # the raw token of the one-time link, shown once to the creator


def user_manageable_by(actor: Actor, user: User, *, credentials: bool = False) -> bool:
    """An account is managed by whoever holds accounts.officer.manage over all of its posts.
    Its credentials (a password reset) only by one who could also grant each of its active
    posts: resetting the password of an account holding more than the actor would otherwise
    hand the actor those capabilities."""
    if getattr(actor, "is_superuser", False):
        return True
    if user.is_superuser or user.pk == actor.pk:
        return False
    posts = list(Post.objects.filter(user=user).select_related("org"))
    return bool(posts) and all(
        actor.has_capability("accounts.officer.manage", p.org_path)
        and not (credentials and p.active and grant_refusal(actor, p.role, p.org.level, p.org_path))
        for p in posts
    )


def _require_manageable(actor: Actor, user: User, *, credentials: bool = False) -> None:
    if not user_manageable_by(actor, user, credentials=credentials):
        raise PermissionDenied("accounts.officer.manage")


def _clean_account(
    *, username: str, full_name: str, phone: str, password: str | None
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = _("用户名不能为空")
    elif not all(c.isalnum() or c in "._-" for c in username) or len(username) > 150:
        errors["username"] = _("用户名只能包含字母、数字和 . _ -，最长150位")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("用户名 %(u)s 已被使用") % {"u": username}
    elif PHONE_RE.match(username):
        errors["username"] = _("用户名不能是手机号码，手机号码请填在手机号码一栏")
    phone = normalize_phone(phone)
    if phone:
        if not PHONE_RE.match(phone):
            errors["phone"] = _("手机号码应为11位，以1开头，第二位为3至9")
        elif User.objects.filter(phone_index=phone_index(phone)).exists():
            errors["phone"] = _("该手机号码已绑定其他账号")
    if password is not None:
        try:
            validate_password(password, User(username=username, full_name=full_name))
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {"username": username, "full_name": full_name.strip(), "phone": phone}


def _create_user(*, account_type: str, password: str | None, **fields: Any) -> User:
    user = User(account_type=account_type, **fields)
    user.phone_index = phone_index(user.phone)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _activation_new(*, actor: Actor, user: User) -> str:
    """A fresh one-time link for ``user``; any earlier link of the account dies."""
    now = timezone.now()
    OfficerActivation.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    raw = secrets.token_urlsafe(32)
    OfficerActivation.objects.create(
        user=user,
        token_hash=_sha256(raw),
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=now + ACTIVATION_TTL,
    )
    return raw


def credentials_revoke(user: User) -> None:
    """End every session (through the auth epoch in the session hash) and API token of
    ``user``; call inside the transaction that changes or resets the password."""
    User.objects.filter(pk=user.pk).update(auth_epoch=F("auth_epoch") + 1)
    user.refresh_from_db(fields=["auth_epoch"])
    ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)


@transaction.atomic
def officer_create(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    org: Org,
    role: str,
    phone: str = "",
) -> NewOfficer:
    """Create an officer account with its first post, inside the actor's own subtree and
    carrying only capabilities the actor holds. The account has no usable password until
    the officer opens the one-time activation link returned here."""
    post_grant_check(actor=actor, org=org, role=role)
    fields = _clean_account(username=username, full_name=full_name, phone=phone, password=None)
    user = _create_user(account_type=AccountType.OFFICER, password=None, **fields)
    audit_record(
        action="accounts.user.created",
        actor=actor,
        target=user,
        org_path=org.path,
        after={"username": user.username, "account_type": user.account_type},
    )
    post_assign(actor=actor, user=user, org=org, role=role)
    return NewOfficer(user=user, activation_token=_activation_new(actor=actor, user=user))


@transaction.atomic
def officer_seed(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    password: str,
    org: Org,
    role: str,
    phone: str = "",
) -> User:
    """Seeding (the demo, test data): an officer with a known password. Only the
    installation's superuser, who may grant anything anyway, may choose a password."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("accounts.grant_any")
    try:
        validate_password(password, User(username=username, full_name=full_name))
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user = officer_create(
        actor=actor, username=username, full_name=full_name, org=org, role=role, phone=phone
    ).user
    user.set_password(password)
    user.save(update_fields=["password"])
    OfficerActivation.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    return user


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    account_type: str,
    username: str,
    full_name: str,
    password: str,
    phone: str = "",
) -> User:
    """Create a member or merchant login (their own modules link it to a record later)."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("accounts.create")
    if account_type not in AccountType.values:
        raise ValidationError({"account_type": _("账号类型无效")})
    fields = _clean_account(username=username, full_name=full_name, phone=phone, password=password)
    user = _create_user(account_type=account_type, password=password, **fields)
    audit_record(
        action="accounts.user.created",
        actor=actor,
        target=user,
        after={"username": user.username, "account_type": account_type},
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: Actor, user: User) -> str:
    """An administrator resets an officer's password: the old one stops working, every
    session and API token of the account ends, and the officer sets a new one through the
    one-time link whose raw token is returned (the administrator never chooses it)."""
    _require_manageable(actor, user, credentials=True)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_unusable_password()
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    credentials_revoke(user)
    audit_record(
        action="accounts.user.password_reset",
        actor=actor,
        target=user,
        org_path=_user_org_path(user),
    )
    return _activation_new(actor=actor, user=user)


@transaction.atomic
def user_unlock(*, actor: Actor, user: User) -> User:
    _require_manageable(actor, user)
    updated = User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    if updated:
        audit_record(
            action="accounts.user.unlocked", actor=actor, target=user, org_path=_user_org_path(user)
        )
    user.refresh_from_db()
    return user


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
    _require_manageable(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user).update(revoked=True)
        audit_record(
            action="accounts.user.activated" if active else "accounts.user.deactivated",
            actor=actor,
            target=user,
            org_path=_user_org_path(user),
        )
    return user


def _user_org_path(user: User) -> str:
    post = Post.objects.filter(user=user).order_by("-active", "org_path").first()
    return post.org_path if post else ""


def login_attempt_claim(*, user: User) -> bool | None:
    """Take one of the account's password checks before making it; None when the account is
    locked. True when this attempt is the last one allowed (it locked the account unless the
    password turns out right).

    One conditional UPDATE takes the slot and, on the last one, sets the lock in the same
    statement: 40 parallel attempts check exactly ``GONGHUI_LOGIN_MAX_FAILURES`` passwords,
    and a process dying mid-check leaves the account locked for a while, never open."""
    now = timezone.now()
    limit = settings.GONGHUI_LOGIN_MAX_FAILURES
    # An expired lock starts a fresh count (only the first of parallel attempts matches).
    User.objects.filter(pk=user.pk, locked_until__lte=now).update(
        failed_logins=0, locked_until=None
    )
    until = now + dt.timedelta(minutes=settings.GONGHUI_LOGIN_LOCK_MINUTES)
    claimed = User.objects.filter(
        pk=user.pk, failed_logins__lt=limit, locked_until__isnull=True
    ).update(
        failed_logins=F("failed_logins") + 1,
        locked_until=Case(When(failed_logins__gte=limit - 1, then=Value(until)), default=None),
    )
    if not claimed:
        return None
    user.refresh_from_db(fields=["failed_logins", "locked_until"])
    return user.locked_until is not None


def login_failed(*, user: User, locked: bool) -> None:
    """The claimed check failed; the attempt that used the last check records the lock."""
    if locked:
        audit_record(
            action="accounts.user.locked",
            actor=None,
            target=user,
            org_path=_user_org_path(user),
            after={"until": user.locked_until},
        )


def login_succeeded(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    user.failed_logins, user.locked_until = 0, None


@transaction.atomic
def token_issue(*, user: User) -> str:
    """Issue an API token for an authenticated user; returns the raw token (shown once)."""
    raw = "gh_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=_sha256(raw),
        prefix=raw[:10],
        auth_hash=user.get_session_auth_hash(),
        expires_at=timezone.now() + dt.timedelta(days=settings.GONGHUI_TOKEN_DAYS),
    )
    audit_record(
        action="accounts.token.issued", actor=user, target=user, org_path=_user_org_path(user)
    )
    return raw


def _token_query(key_hash: Any) -> Any:
    return ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked=False)


# The token and its account in one statement compiled once per connection (core.prepared): the
# ORM would compile this join of two wide tables on every API request, and a raw query sets up
# its column mapping on every call (issue 18 item 5, the fixed per-request cost).
_TOKEN = Prepared(_token_query, "key_hash")


def token_user(raw: str) -> User | None:
    """The active user a raw token belongs to, or None."""
    if not raw or not raw.startswith("gh_"):
        return None
    now = timezone.now()
    token = _TOKEN.first(_sha256(raw))
    if token is None or token.expires_at <= now:
        return None
    user = token.user
    if not user.is_active:
        return None
    if token.auth_hash and not hmac.compare_digest(token.auth_hash, user.get_session_auth_hash()):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


# --- setting one's own password ------------------------------------------------------------------

ACTIVATION_GUESS_RATE = "20/900"  # link attempts per client address
LINK_INVALID = gettext_lazy("该激活链接无效、已使用或已过期，请联系本级工会管理员重新发送")


def _pending_activation(raw: str, *, lock: bool = False) -> OfficerActivation | None:
    if not raw or len(raw) > 100:
        return None
    qs = OfficerActivation.objects.select_related("user").filter(
        token_hash=_sha256(raw), used_at__isnull=True, expires_at__gt=timezone.now()
    )
    if lock:
        qs = qs.select_for_update()
    activation = qs.first()
    if activation is None or not activation.user.is_active:
        return None
    return activation


def activation_user(*, token: str) -> User | None:
    """The account a one-time link still opens, or None (used, expired, unknown)."""
    activation = _pending_activation(token)
    return activation.user if activation else None


def activation_complete(*, token: str, password: str, client: str) -> User:
    """The officer sets their own password through the one-time link (single use)."""
    if not ratelimit.hit(f"officer-activate:{client}", ACTIVATION_GUESS_RATE):
        raise ValidationError(_("尝试次数过多，请稍后再试"))
    return _activation_complete(token=token, password=password)


@transaction.atomic
def _activation_complete(*, token: str, password: str) -> User:
    activation = _pending_activation(token, lock=True)
    if activation is None:
        raise ValidationError(LINK_INVALID)
    user = User.objects.select_for_update().get(pk=activation.user_id)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    credentials_revoke(user)
    audit_record(
        action="accounts.user.password_set", actor=user, target=user, org_path=_user_org_path(user)
    )
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """An account changes its own password; every other session and every API token ends (the
    view keeps the session that made the change)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    credentials_revoke(user)
    audit_record(
        action="accounts.user.password_changed",
        actor=user,
        target=user,
        org_path=_user_org_path(user),
    )
    return user
