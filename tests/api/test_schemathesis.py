"""The API keeps the promises of its own OpenAPI schema (property-based, with schemathesis).

Every operation of /api/openapi.json is called in-process through the WSGI application, as the
county officer with a bearer token, with generated valid and invalid input. A response must never
be a 5xx, its status code must be one the schema declares, and its content type and body must
match what the schema declares for that status. Derandomized and bounded: repeatable and quick.
"""

from __future__ import annotations

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

from gonghui.accounts.services import token_issue
from gonghui.orgs.models import OrgKind
from gonghui.wsgi import application
from tests import factories
from tests.conftest import Cast

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


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    if not path_parameters or "code" not in path_parameters:
        return st.just(path_parameters)
    real = CAST_CODES.map(lambda code: {**path_parameters, "code": code})
    return st.one_of(real, st.just(path_parameters))


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    if not isinstance(body, dict):
        return st.just(body)
    if "password" in body:  # the real login too, until the rate limit answers 429
        login = {"username": "east", "password": factories.PASSWORD}
        return st.sampled_from([login, body])
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
def test_every_operation_conforms_to_the_openapi_schema(case: Any, officer_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {officer_token}"}, checks=CHECKS)
