"""DESIGN.md rule 12 and issue 16 item 7: limits live in the service they protect, keyed per
account and per client address (behind the trusted proxies), and count atomically."""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import OperationalError, close_old_connections, connection
from django.test import Client, RequestFactory, override_settings

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.members.services.cards import card_code, card_token
from tests.conftest import Cast
from tests.factories import PASSWORD, approved_offer, card_of, members, signed_merchant


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@override_settings(GONGHUI_TRUSTED_PROXIES=0)
def test_without_a_trusted_proxy_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(GONGHUI_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_client_is_the_entry_the_proxy_appended() -> None:
    # The client wrote "1.2.3.4" itself; nginx appended the address it was connected from.
    assert client_ip(_request("127.0.0.1", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    assert client_ip(_request("127.0.0.1", "198.51.100.1")) == "198.51.100.1"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"  # bypassed the proxy
    assert client_ip(_request("127.0.0.1", "not-an-ip")) == "127.0.0.1"


@override_settings(GONGHUI_TRUSTED_PROXIES=2)
def test_behind_two_proxies_the_client_is_the_second_from_the_right() -> None:
    assert client_ip(_request("10.0.0.2", "9.9.9.9, 198.51.100.1, 10.0.0.1")) == "198.51.100.1"
    assert client_ip(_request("10.0.0.2", "10.0.0.1")) == "10.0.0.2"  # shorter than the chain


@override_settings(GONGHUI_TRUSTED_PROXIES=1)
def test_audit_rows_carry_the_forwarded_client_address(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23")
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", {"username": "east", "password": "wrong-password"})
    locked = AuditEvent.objects.get(action="accounts.user.locked")
    assert locked.ip == "198.51.100.23"


# --- login ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_check_exactly_the_allowed_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    User.objects.create_user(username="target", password=PASSWORD)
    checked: list[str] = []
    lock = threading.Lock()
    real_check = User.check_password

    def counting_check(self: User, raw: str) -> bool:
        with lock:
            checked.append(raw)
        return real_check(self, raw)

    monkeypatch.setattr(User, "check_password", counting_check)
    barrier = threading.Barrier(8)

    def attempt(i: int) -> bool:
        if i < 8:
            barrier.wait()  # the first eight start together
        try:
            while True:
                try:
                    return authenticate(None, username="target", password=f"wrong-{i}") is not None
                except OperationalError as exc:
                    # SQLite's shared in-memory test database refuses a concurrent write
                    # where a database file waits for it (busy timeout): wait the same way.
                    if "locked" not in str(exc):
                        raise
        finally:
            close_old_connections()
            if connection.vendor != "sqlite":
                connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(40)))
    assert not any(results)
    assert len(checked) == settings.GONGHUI_LOGIN_MAX_FAILURES
    user = User.objects.get(username="target")
    assert user.is_locked
    assert authenticate(None, username="target", password=PASSWORD) is None  # even the right one
    assert len(checked) == settings.GONGHUI_LOGIN_MAX_FAILURES


def test_a_locked_account_and_an_unknown_one_answer_alike(cast: Cast) -> None:
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        Client().post("/accounts/login/", {"username": "east", "password": "wrong-password"})
    assert User.objects.get(username="east").is_locked

    def answer(username: str) -> tuple[int, str]:
        response = Client().post("/accounts/login/", {"username": username, "password": PASSWORD})
        page = response.content.decode().replace(username, "<u>")
        return response.status_code, re.sub(r"[A-Za-z0-9]{64}", "<csrf>", page)

    assert answer("east") == answer("nobody-here")

    def token(username: str) -> tuple[int, Any]:
        body = json.dumps({"username": username, "password": PASSWORD})
        response = Client().post("/api/auth/token", body, content_type="application/json")
        return response.status_code, response.json()

    assert token("east") == token("nobody-here")


@override_settings(GONGHUI_TRUSTED_PROXIES=1, GONGHUI_LOGIN_CLIENT_RATE="3/600")
def test_password_checks_are_limited_per_client_address_behind_the_proxy(cast: Cast) -> None:
    def attempt(forwarded: str, username: str, password: str = "wrong") -> int:
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        response = client.post("/accounts/login/", {"username": username, "password": password})
        return response.status_code

    for username in ("east", "west", "county"):  # spread over accounts: no account locks
        assert attempt("198.51.100.1", username) == 200
    assert attempt("198.51.100.1", "member", PASSWORD) == 200  # refused: this address is spent
    assert attempt("198.51.100.2", "member", PASSWORD) == 302  # another client is not


# --- typed card codes ----------------------------------------------------------------------------


def _wrong(number: str) -> str:
    return f"{(int(card_code(number)) + 1) % 1_000_000:06d}"


def test_ten_typed_codes_per_card_per_account_over_every_counter_door(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    number = card_of(member)
    shop = Client()
    shop.force_login(cast.merchant)

    def api(path: str, body: dict[str, Any], **headers: str) -> Any:
        return shop.post(path, json.dumps(body), content_type="application/json", **headers)

    typed = {"card_no": number, "code": _wrong(number)}
    doors = [
        lambda i: api("/api/shop/verify", typed).json()["reason"],
        lambda i: api("/api/cards/verify", typed).json()["reason"],
        lambda i: shop.post("/shop/verify/", typed).content.decode(),
        lambda i: shop.post(
            "/shop/redeem/", {**typed, "offer": offer.pk, "bill_amount": "20", "key": f"k{i:09d}"}
        ).content.decode(),
        lambda i: api(
            "/api/redemptions",
            {**typed, "offer_id": offer.pk, "bill_amount": "20"},
            HTTP_IDEMPOTENCY_KEY=f"guess-{i:09d}",
        ).json()["detail"],
    ]
    for i in range(10):
        assert "动态码不正确" in doors[i % len(doors)](i), i
    # The eleventh try is refused whatever the code, at every door, with the reason.
    right = {"card_no": number, "code": card_code(number)}
    refused = api("/api/shop/verify", right).json()
    assert not refused["valid"] and "暂停核验该卡" in refused["reason"]
    assert "暂停核验该卡" in shop.post("/shop/verify/", right).content.decode()
    assert "暂停核验该卡" in api("/api/cards/verify", right).json()["reason"]
    # The QR code is not a guess: it still works for this account; another account may type.
    by_qr = api("/api/shop/verify", {"token": card_token(number)}).json()
    assert by_qr["valid"]
    officer = Client()
    officer.force_login(cast.grassroots_officer)
    other = officer.post("/api/cards/verify", json.dumps(right), content_type="application/json")
    assert other.json()["valid"]
