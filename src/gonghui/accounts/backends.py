"""Log in by username or phone number, with lockout after repeated failures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from gonghui.accounts.models import PHONE_RE, User, normalize_phone, phone_index
from gonghui.core import ratelimit
from gonghui.core.net import client_ip


def find_login_user(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and PHONE_RE.match(normalize_phone(identifier)):
        user = User.objects.filter(phone_index=phone_index(identifier)).first()
    return user


def _same_work_as_a_check(password: str) -> None:
    """Hash once, so an unknown, a locked and a limited account answer in the same time."""
    User().set_password(password)


class UsernameOrPhoneBackend(ModelBackend):
    """Every login door (page, phone page, token API) comes through here, so the limits do:
    per client address, and per account with a lockout counted atomically in the database."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        from gonghui.accounts.services.accounts import (
            login_attempt_claim,
            login_failed,
            login_succeeded,
        )

        if username is None or password is None:
            return None
        if request is not None and not ratelimit.hit(
            f"login-client:{client_ip(request)}", settings.GONGHUI_LOGIN_CLIENT_RATE
        ):
            _same_work_as_a_check(password)
            return None
        user = find_login_user(username)
        last = None if user is None else login_attempt_claim(user=user)
        if user is None or last is None:
            _same_work_as_a_check(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            login_succeeded(user=user)
            return user
        login_failed(user=user, locked=last)
        return None
