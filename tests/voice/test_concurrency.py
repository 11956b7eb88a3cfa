"""DESIGN.md rule 4: two officers acting on one appeal at once cannot both win (row lock)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.orgs.models import OrgKind
from gonghui.voice import services
from gonghui.voice.models import AppealStep, StepAction
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
    barrier, outcomes = threading.Barrier(2), []

    def accept(officer: object) -> None:
        try:
            barrier.wait(timeout=10)
            services.appeal_accept(actor=fresh(officer), appeal=appeal)  # type: ignore[arg-type]
            outcomes.append("won")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "won"]
    assert AppealStep.objects.filter(appeal=appeal, action=StepAction.ACCEPTED).count() == 1
