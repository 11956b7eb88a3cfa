"""Every write to accounts: officer accounts (分级授权), lockout, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import (
    PHONE_RE,
    AccountType,
    ApiToken,
    User,
    normalize_phone,
    phone_index,
)
from gonghui.core.audit import audit_record
from gonghui.orgs.models import Org, Post
from gonghui.orgs.services import post_assign


def user_manageable_by(actor: Any, user: User) -> bool:
    """An account is managed by whoever holds accounts.officer.manage over all of its posts."""
    if getattr(actor, "is_superuser", False):
        return True
    if user.is_superuser or user.pk == actor.pk:
        return False
    paths = list(Post.objects.filter(user=user).values_list("org_path", flat=True))
    return bool(paths) and all(actor.has_capability("accounts.officer.manage", p) for p in paths)


def _require_manageable(actor: Any, user: User) -> None:
    if not user_manageable_by(actor, user):
        raise PermissionDenied("accounts.officer.manage")


def _clean_account(*, username: str, full_name: str, phone: str, password: str) -> dict[str, Any]:
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
    try:
        validate_password(password, User(username=username, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {"username": username, "full_name": full_name.strip(), "phone": phone}


def _create_user(*, account_type: str, password: str, **fields: Any) -> User:
    user = User(account_type=account_type, **fields)
    user.phone_index = phone_index(user.phone)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def officer_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    password: str,
    org: Org,
    role: str,
    phone: str = "",
) -> User:
    """Create an officer account with its first post, inside the actor's own subtree."""
    if not actor.has_capability("accounts.officer.manage", org.path):
        raise PermissionDenied("accounts.officer.manage")
    fields = _clean_account(username=username, full_name=full_name, phone=phone, password=password)
    user = _create_user(account_type=AccountType.OFFICER, password=password, **fields)
    audit_record(
        action="accounts.user.created",
        actor=actor,
        target=user,
        org_path=org.path,
        after={"username": user.username, "account_type": user.account_type},
    )
    post_assign(actor=actor, user=user, org=org, role=role)
    return user


@transaction.atomic
def account_create(
    *, actor: Any, account_type: str, username: str, full_name: str, password: str, phone: str = ""
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
def user_set_password(*, actor: Any, user: User, password: str) -> User:
    _require_manageable(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    audit_record(
        action="accounts.user.password_reset",
        actor=actor,
        target=user,
        org_path=_user_org_path(user),
    )
    return user


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> User:
    _require_manageable(actor, user)
    updated = User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    if updated:
        audit_record(
            action="accounts.user.unlocked", actor=actor, target=user, org_path=_user_org_path(user)
        )
    user.refresh_from_db()
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
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


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User) -> str:
    """Issue an API token for an authenticated user; returns the raw token (shown once)."""
    raw = "gh_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=_hash_token(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + dt.timedelta(days=settings.GONGHUI_TOKEN_DAYS),
    )
    audit_record(
        action="accounts.token.issued", actor=user, target=user, org_path=_user_org_path(user)
    )
    return raw


def token_user(raw: str) -> User | None:
    """The active user a raw token belongs to, or None."""
    if not raw or not raw.startswith("gh_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(raw), revoked=False, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
