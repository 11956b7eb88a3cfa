"""DESIGN.md rule 4: two officers acting on one appeal at once cannot both win (row lock)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.accounts.models import User
from gonghui.core.workflow import history_of
from gonghui.orgs.models import OrgKind
from gonghui.voice.models import StepAction
from gonghui.voice.services import appeals as services
from tests import factories
from tests.conftest import fresh
from tests.factories import ensure_seeded


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)
@pytest.mark.django_db(transaction=True)
def test_two_officers_accepting_at_once_exactly_one_wins() -> None:
    ensure_seeded()
    province = factories.make_org(None, OrgKind.PROVINCE, code="VP")
    union = factories.make_org(province, OrgKind.GRASSROOTS, code="VP-G")
    officers = [factories.make_officer(union, "chair", f"vp_{i}") for i in range(2)]
    appeal = services.appeal_enter(
        actor=fresh(officers[0]),
        org=union,
        category=services.category_get("wage"),
        channel="hotline",
        title="并发受理",
        content="两名干部同时点击受理。",
        contact_name="来电人",
    )

    def accept(officer: User) -> Callable[[], object]:
        return lambda: services.appeal_accept(actor=fresh(officer), appeal=appeal)

    outcomes = factories.at_once([accept(o) for o in officers], ValidationError)
    assert outcomes == ["refused", "won"]
    assert history_of(appeal).filter(transition=StepAction.ACCEPTED).count() == 1
