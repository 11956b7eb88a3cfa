"""Login by username or phone number, argon2 in production settings, lockout."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from tests.conftest import Cast
from tests.factories import PASSWORD


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_chinese(db: None) -> None:
    body = Client().get("/accounts/login/").content.decode()
    assert "用户名或手机号码" in body and "登录" in body


def test_argon2_is_the_configured_hasher() -> None:
    from gonghui import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("identifier", ["east", "EAST", "13800000001", "138 0000 0001"])
def test_officer_logs_in_by_username_or_phone(cast: Cast, identifier: str) -> None:
    response = login(Client(), identifier)
    assert response.status_code == 302 and response["Location"] == "/"


def test_member_and_merchant_land_on_their_own_pages(cast: Cast) -> None:
    assert login(Client(), "member")["Location"] == "/m/"
    assert login(Client(), "merchant")["Location"] == "/shop/"


def test_wrong_password_shows_a_chinese_error(cast: Cast) -> None:
    response = login(Client(), "east", "wrong-password")
    assert response.status_code == 200
    assert "用户名（手机号码）或密码不正确" in response.content.decode()


def test_repeated_failures_lock_the_account(cast: Cast) -> None:
    client = Client()
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        login(client, "east", "wrong-password")
    user = User.objects.get(username="east")
    assert user.is_locked
    assert AuditEvent.objects.filter(action="accounts.user.locked", target_id=str(user.pk)).exists()
    # Even the right password is refused while locked, with the lockout message.
    response = login(client, "east")
    assert response.status_code == 200 and "锁定" in response.content.decode()
    # When the lock expires, the right password works and the counter resets.
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now())
    assert login(Client(), "east").status_code == 302
    assert User.objects.get(pk=user.pk).failed_logins == 0


def test_inactive_account_cannot_log_in(cast: Cast) -> None:
    User.objects.filter(username="east").update(is_active=False)
    assert login(Client(), "east").status_code == 200


def test_phone_is_encrypted_at_rest(cast: Cast) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE username = %s", ["east"])
        stored = cursor.fetchone()[0]
    assert "13800000001" not in stored and stored.startswith("gh1$A256GCM$")
    assert User.objects.get(username="east").phone == "13800000001"
