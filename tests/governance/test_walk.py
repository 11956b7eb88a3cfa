"""DESIGN.md rule 1 for this module alone: the global walk (tests/test_scoping_walk.py) over the
governance routes, so the module's isolation is checked even while other modules are in flux."""

from __future__ import annotations

import pytest
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.governance.models import Committee, Election
from tests import test_scoping_walk as global_walk
from tests.conftest import Cast
from tests.governance import walk as governance_walk
from tests.governance import walk_dues as dues_walk


@pytest.fixture
def only_governance_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    routes = [
        (route, name)
        for route, name in global_walk.all_routes()
        if name.startswith("governance") or name.startswith("api:governance")
    ]
    assert len(routes) >= 12
    monkeypatch.setattr(global_walk, "all_routes", lambda: routes)


def _states() -> list[str]:
    return list(Election.objects.values_list("state", flat=True)) + list(
        Committee.objects.values_list("status", flat=True)
    )


def test_sibling_county_officer_sees_nothing(cast: Cast, only_governance_routes: None) -> None:
    client = Client()
    values = {
        "*": {},
        **governance_walk.sibling_values(cast),
        **dues_walk.sibling_values(cast),  # the 会费/经费/经审 routes of the same app
    }
    states = _states()
    audit_before = AuditEvent.objects.filter(org_path__startswith=cast.county.path).count()
    problems = global_walk.walk(
        client,
        cast.sibling_officer,
        values,
        [*governance_walk.SECRETS, "东方机械有限公司工会委员会"],
        object_routes_must_404=True,
    )
    assert not problems, "\n".join(problems)
    assert states == _states()
    assert AuditEvent.objects.filter(org_path__startswith=cast.county.path).count() == audit_before


@pytest.mark.parametrize("who", ["member", "merchant"])
def test_members_and_merchants_see_nothing(
    cast: Cast, only_governance_routes: None, who: str
) -> None:
    client = Client()
    values = {
        "*": {},
        **governance_walk.sibling_values(cast),
        **dues_walk.sibling_values(cast),  # the 会费/经费/经审 routes of the same app
    }
    problems = global_walk.walk(
        client, getattr(cast, who), values, governance_walk.SECRETS, object_routes_must_404=False
    )
    assert not problems, "\n".join(problems)
