"""DESIGN.md rule 1 for this module alone: the global walk (tests/test_scoping_walk.py) over the
democracy routes, so the module's isolation is checked even while other modules are in flux."""

from __future__ import annotations

import pytest
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.democracy.models import Motion, Session
from tests import test_scoping_walk as global_walk
from tests.conftest import Cast
from tests.democracy import walk as democracy_walk


@pytest.fixture
def only_democracy_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    routes = [
        (route, name)
        for route, name in global_walk.all_routes()
        if name.startswith("democracy") or name.startswith("api:democracy")
    ]
    assert len(routes) > 20
    monkeypatch.setattr(global_walk, "all_routes", lambda: routes)


def test_sibling_county_officer_sees_nothing(cast: Cast, only_democracy_routes: None) -> None:
    client = Client()
    values = {"*": {}, **democracy_walk.sibling_values(cast)}
    states = list(Motion.objects.values_list("state", flat=True)) + list(
        Session.objects.values_list("state", flat=True)
    )
    audit_before = AuditEvent.objects.filter(org_path__startswith=cast.county.path).count()
    problems = global_walk.walk(
        client,
        cast.sibling_officer,
        values,
        [*democracy_walk.SECRETS, "东方机械有限公司工会委员会"],
        object_routes_must_404=True,
    )
    assert not problems, "\n".join(problems)
    assert states == list(Motion.objects.values_list("state", flat=True)) + list(
        Session.objects.values_list("state", flat=True)
    )
    assert AuditEvent.objects.filter(org_path__startswith=cast.county.path).count() == audit_before


@pytest.mark.parametrize("who", ["member", "merchant"])
def test_members_and_merchants_see_nothing(
    cast: Cast, only_democracy_routes: None, who: str
) -> None:
    client = Client()
    values = {"*": {}, **democracy_walk.sibling_values(cast)}
    problems = global_walk.walk(
        client, getattr(cast, who), values, democracy_walk.SECRETS, object_routes_must_404=False
    )
    assert not problems, "\n".join(problems)
