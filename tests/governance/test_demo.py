"""The demo: grassroots unions in every committee state, an overdue term and a 换届 in progress."""

from __future__ import annotations

import pytest
from django.test import Client

from gonghui.demo import generator
from gonghui.governance.demo import committees as demo
from gonghui.governance.models import Candidate, Committee, Election, ElectionState
from gonghui.governance.selectors import child_unions_status
from gonghui.orgs.models import Org


@pytest.mark.django_db
def test_demo_seed_shows_every_committee_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "DEMO_MODULES", [])
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 200)
    generator.seed_demo(seed=7)
    builder = generator._Builder(7)
    demo.seed(builder)
    root = Org.objects.get(parent__isnull=True)
    states = {u.state for u in child_unions_status(viewer=builder.actor, org=root, limit=500)}
    assert {"in_office", "due", "overdue", "electing", "none"} <= states
    assert set(Committee.objects.values_list("kind", flat=True)) == {"main", "audit", "women"}
    election = Election.objects.get()
    assert election.state == ElectionState.NOMINATING
    assert Candidate.objects.filter(election=election).count() > election.seats
    client = Client()
    client.force_login(builder.actor)
    assert client.get(f"/governance/elections/{election.pk}/").status_code == 200
