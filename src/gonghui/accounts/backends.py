"""Log in by username or phone number, with lockout after repeated failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from gonghui.accounts.models import PHONE_RE, User, normalize_phone, phone_index


def find_login_user(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and PHONE_RE.match(normalize_phone(identifier)):
        user = User.objects.filter(phone_index=phone_index(identifier)).first()
    return user


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        from gonghui.accounts.services import login_failed, login_succeeded

        if username is None or password is None:
            return None
        user = find_login_user(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.is_locked:
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            login_succeeded(user=user)
            return user
        login_failed(user=user)
        return None
