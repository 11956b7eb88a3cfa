"""The fixed cast (DESIGN.md "Testing"): an officer at each level, a sibling-county officer,
a member and a merchant, over a small tree with employers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from gonghui.accounts.models import AccountType, User
from gonghui.core import crypto, dicts
from gonghui.orgs.models import Employer, Org, OrgKind
from tests import factories
from tests.factories import fresh

__all__ = ["REDIS_URL", "Cast", "all_routes", "fresh", "redis_connection"]

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def pytest_configure() -> None:
    from django.conf import settings

    # Argon2 is deliberately slow; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every audit code the suite writes must be registered with a label (issue 17.3).
    settings.GONGHUI_STRICT_AUDIT_ACTIONS = True
    # The scope guard (ADR 0020): a path model read from a view, API or selector module without
    # for_viewer() or unscoped(reason=) raises UnscopedQuery in every test.
    settings.GONGHUI_STRICT_SCOPE = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Apps import their tasks in ready() (the schedule registry), and declaring a task builds
    # its backend: drop the backends built from the settings the process started with.
    from django.core.signals import setting_changed

    setting_changed.send(sender=type(settings), setting="TASKS", value=settings.TASKS, enter=True)


@pytest.fixture(autouse=True)
def _isolated_cache() -> None:
    cache.clear()
    crypto.reset_keyring()
    dicts.forget(local_only=True)


@pytest.fixture(autouse=True)
def _downloads_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A server closes every response once it is sent; the test client closes a streaming one
    only when the test reads its body to the end. A test that checks a download's status or
    headers alone would leave the response's file (an export's spool, a decrypted attachment)
    open until some later test collects it: close what is left here, as the server would."""
    from django.core.signals import request_finished
    from django.db import close_old_connections
    from django.test.client import ClientHandler

    streamed: list[Any] = []
    handle = ClientHandler.__call__

    def call(self: ClientHandler, environ: dict[str, Any]) -> Any:
        response = handle(self, environ)
        if response.streaming:
            streamed.append(response)
        return response

    monkeypatch.setattr(ClientHandler, "__call__", call)
    yield
    # as the client does: the test's connection must outlive the closing (request_finished)
    request_finished.disconnect(close_old_connections)
    try:
        for response in streamed:
            response.close()
    finally:
        request_finished.connect(close_old_connections)


@dataclass
class Cast:
    province: Org
    city: Org
    county: Org
    sibling_county: Org
    town: Org
    grassroots: Org
    sibling_grassroots: Org
    employer: Employer
    sibling_employer: Employer
    unorganized_employer: Employer
    province_officer: User
    city_officer: User
    county_officer: User
    sibling_officer: User
    town_officer: User
    grassroots_officer: User
    member: User
    merchant: User


@pytest.fixture
def cast(db: None) -> Cast:
    f = factories
    province = f.make_org(None, OrgKind.PROVINCE, "测试省总工会", "PROV", region_code="410000")
    city = f.make_org(province, OrgKind.CITY, "测试市总工会", "CITY", region_code="410100")
    county = f.make_org(city, OrgKind.COUNTY, "东区总工会", "EAST", region_code="410105")
    sibling = f.make_org(city, OrgKind.COUNTY, "西区总工会", "WEST", region_code="410102")
    town = f.make_org(county, OrgKind.TOWN, "东区街道工会", "EAST-T1")
    grassroots = f.make_org(town, OrgKind.GRASSROOTS, "东方机械有限公司工会委员会", "EAST-G1")
    sibling_grassroots = f.make_org(
        sibling, OrgKind.GRASSROOTS, "西山物流有限公司工会委员会", "WEST-G1"
    )
    return Cast(
        province=province,
        city=city,
        county=county,
        sibling_county=sibling,
        town=town,
        grassroots=grassroots,
        sibling_grassroots=sibling_grassroots,
        employer=f.make_employer(town, union=grassroots, name="东方精密制造厂", employees=300),
        sibling_employer=f.make_employer(
            sibling, union=sibling_grassroots, name="西山运输集团", employees=120
        ),
        unorganized_employer=f.make_employer(sibling, name="西郊未建会制衣厂", employees=80),
        province_officer=f.make_officer(province, "admin", "prov"),
        city_officer=f.make_officer(city, "admin", "city"),
        county_officer=f.make_officer(county, "admin", "east", phone="13800000001"),
        sibling_officer=f.make_officer(sibling, "admin", "west"),
        town_officer=f.make_officer(town, "chair", "town"),
        grassroots_officer=f.make_officer(grassroots, "chair", "grass"),
        member=f.make_account(AccountType.MEMBER, "member"),
        merchant=f.make_account(AccountType.MERCHANT, "merchant"),
    )


def redis_connection() -> Any:
    """The machine's Redis at REDIS_URL; skips the test if unreachable, fails it instead when
    GONGHUI_REQUIRE_REDIS=1 (CI)."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        connection.ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        if os.environ.get("GONGHUI_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {REDIS_URL} unreachable and GONGHUI_REQUIRE_REDIS=1: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable")
    return connection


def iter_patterns(
    patterns: list, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue  # Django admin: staff only, checked separately
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield prefix + str(entry.pattern), name


def all_routes() -> list[tuple[str, str]]:
    """Every URL pattern and API route (route, name), Django admin left out."""
    return sorted(set(iter_patterns(get_resolver().url_patterns)))
