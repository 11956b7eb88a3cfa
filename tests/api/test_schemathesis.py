"""The API keeps the promises of its own OpenAPI schema (property-based, with schemathesis).

Every operation of /api/openapi.json is called in-process through the WSGI application, as the
county officer with a bearer token, with generated valid and invalid input. A response must never
be a 5xx, its status code must be one the schema declares, and its content type and body must
match what the schema declares for that status. Derandomized and bounded: repeatable and quick.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from stdnum.cn import ric

from gonghui.accounts.services.accounts import token_issue
from gonghui.members.models import CardStatus
from gonghui.members.services.cards import card_code, card_token
from gonghui.members.services.members import member_register
from gonghui.orgs.models import OrgKind
from gonghui.wsgi import application
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import ZHENGZHOU_1970, register

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Loaded once at collection: serving the schema touches no database. (schemathesis's
# ``pytest.from_fixture`` would load it per test, but it relies on a pytest internal,
# ``Node._nodeid``, that pytest 9.2 removed.)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

# Random codes are almost never real ones: mix in the cast's, inside and outside the county
# officer's scope, so that found, out-of-scope and created answers are checked too.
CAST_CODES = st.sampled_from(["EAST", "EAST-T1", "EAST-G1", "WEST", "WEST-G1", "CITY", "PROV"])
# (parent, kind) pairs the tree allows, in scope (EAST…) and out of it (WEST, CITY).
PLACES = st.sampled_from(
    [
        ("EAST", OrgKind.GRASSROOTS),
        ("EAST-T1", OrgKind.GRASSROOTS),
        ("EAST-G1", OrgKind.BRANCH),
        ("EAST", OrgKind.TOWN),
        ("WEST", OrgKind.GRASSROOTS),
        ("CITY", OrgKind.COUNTY),
    ]
)

# Members and cards of the test's data, filled by the ``registrar_token`` fixture (their ids
# differ between databases); the strategies read them when they draw, not when they are built.
REAL: dict[str, list[Any]] = {"id": [1], "q": [""], "card": ["0"]}


def _real(key: str) -> st.SearchStrategy[Any]:
    return st.integers(0, 15).map(lambda i: REAL[key][i % len(REAL[key])])


def _resident(born: dt.date, serial: int) -> str:
    body = f"410105{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def _proof(card_no: str, kind: int) -> dict[str, str]:
    """A card proof: fresh, expired, typed with its code, typed without it."""
    if kind == 0:
        return {"token": card_token(card_no)}
    if kind == 1:
        return {"token": card_token(card_no, time.time() - 600)}
    if kind == 2:
        return {"card_no": card_no, "code": card_code(card_no)}
    return {"card_no": card_no}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    if path_parameters and "id" in path_parameters:  # members in and out of scope
        real_id = _real("id").map(lambda pk: {**path_parameters, "id": pk})
        return st.one_of(real_id, st.just(path_parameters))
    if not path_parameters or "code" not in path_parameters:
        return st.just(path_parameters)
    real = CAST_CODES.map(lambda code: {**path_parameters, "code": code})
    return st.one_of(real, st.just(path_parameters))


@schema.hook
def flatmap_query(context: Any, query: dict[str, Any] | None) -> Any:
    if getattr(context.operation, "path", "") != "/api/members":
        return st.just(query)
    # Names, ID and phone numbers, card numbers of members on both sides of the county line.
    real = st.tuples(_real("q"), st.sampled_from(["", "EAST", "EAST-G1", "WEST-G1"])).map(
        lambda t: {**(query or {}), "q": t[0], "org": t[1]}
    )
    return st.one_of(real, st.just(query))


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    if not isinstance(body, dict):
        return st.just(body)
    if "password" in body:  # the real login too, until the rate limit answers 429
        login = {"username": "east", "password": factories.PASSWORD}
        return st.sampled_from([login, body])
    if "token" in body or "card_no" in body:
        proofs = st.tuples(_real("card"), st.integers(0, 3)).map(lambda t: _proof(*t))
        return st.one_of(proofs, st.just(body))
    if "union_code" in body:  # a member with a valid ID, at unions in and out of scope
        member = st.tuples(
            st.sampled_from(["EAST-G1", "EAST-G1", "WEST-G1", "EAST"]),
            st.dates(dt.date(1950, 1, 1), dt.date(2005, 12, 31)),
            st.integers(0, 999),
            st.sampled_from(["", "汉", "火星族"]),
        ).map(
            lambda t: {
                "union_code": t[0],
                "id_type": "resident",
                "id_number": _resident(t[1], t[2]),
                "name": "测试会员",
                "joined_on": "2024-01-01",
                "consent_purpose": "工会会员实名登记",
                "ethnicity": t[3],
            }
        )
        return st.one_of(member, st.just(body))
    if "parent_code" not in body:
        return st.just(body)
    plausible = st.tuples(
        PLACES,
        st.from_regex(r"[A-Z][A-Z0-9-]{1,20}", fullmatch=True),
        st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=30),
    ).map(
        lambda t: {
            **body,
            "parent_code": t[0][0],
            "kind": str(t[0][1]),
            "code": t[1],
            "name": t[2],
            "region_code": "",
            "uscc": "",
        }
    )
    return st.one_of(plausible, st.just(body))


@pytest.fixture
def _keep_test_transaction() -> Iterator[None]:
    """Let WSGI requests share the test's transaction, as django.test.Client does.

    Django closes "obsolete" connections around each request; inside the test's atomic block
    that would drop the connection and the test data with it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(cast: Cast, _keep_test_transaction: None) -> str:
    return token_issue(user=cast.county_officer)


@pytest.fixture
def registrar_token(cast: Cast, _keep_test_transaction: None) -> str:
    """A member on each side of the county line, for the hooks; the token of the chair who may
    register members at EAST-G1."""
    east = register(cast)
    west = member_register(
        actor=fresh(factories.make_officer(cast.sibling_grassroots, "chair")),
        union=cast.sibling_grassroots,
        id_type="resident",
        id_number=_resident(dt.date(1980, 1, 1), 123),
        name="赵西",
        joined_on=dt.date(2020, 1, 1),
        consent_purpose="工会会员实名登记",
        phone="13655556666",
    )
    cards = [m.cards.get(status=CardStatus.ACTIVE).number for m in (east, west)]
    REAL["id"] = [east.pk, west.pk, west.pk + 1000]
    REAL["q"] = ["张", "赵西", ZHENGZHOU_1970, "13912340000", "13655556666", *cards]
    REAL["card"] = [*cards, "4100000000017"]
    return token_issue(user=cast.grassroots_officer)


# Examples of one operation share the test's data (orgs created by one example stay for the
# next); every answer that can follow from that is declared, so the order does not matter.
@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_openapi_schema(
    case: Any, officer_token: str, registrar_token: str
) -> None:
    # Registering needs members.manage at a grassroots union: the chair's; the rest the county's.
    registers = (case.method.upper(), case.path) == ("POST", "/api/members")
    token = registrar_token if registers else officer_token
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
