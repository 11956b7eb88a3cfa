"""The demo ballots: a published decision, an election gone to 另行选举 and an appraisal."""

from __future__ import annotations

import pytest
from django.test import Client

from gonghui.demo import generator
from gonghui.democracy import demo
from gonghui.democracy.ballot_results import appraisal_result, decision_result, election_result
from gonghui.democracy.models import Ballot
from tests.democracy.helpers import fake_appeal_receiver


@pytest.mark.django_db
def test_demo_ballots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "DEMO_MODULES", [])
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 200)
    generator.seed_demo(seed=7)
    with fake_appeal_receiver():
        demo.seed(generator._Builder(7))
    decision = Ballot.objects.get(kind="decision")
    assert decision.published_at and decision_result(decision).passed
    election = Ballot.objects.get(kind="election", round=1)
    assert election_result(election).seats_left == 1
    further = Ballot.objects.get(kind="election", round=2)
    assert further.parent_id == election.pk and further.options.count() == 3
    flags = [r.flagged for r in appraisal_result(Ballot.objects.get(kind="appraisal")).rows]
    assert flags == [False, True]
    client = Client()
    client.force_login(generator.User.objects.get(username="member01"))
    page = client.get(f"/m/democracy/ballots/{decision.pk}/").content.decode()
    assert "通过" in page
    office = Client()
    office.force_login(generator.User.objects.get(username="gr_chair"))
    for ballot in Ballot.objects.all():
        detail = office.get(f"/democracy/ballots/{ballot.pk}/")
        assert detail.status_code == 200, ballot
        if ballot.state == "closed":
            sheet = office.get(f"/democracy/ballots/{ballot.pk}/sheet/").content.decode()
            assert ballot.title in sheet
    appraisal_page = office.get(f"/democracy/ballots/{Ballot.objects.get(kind='appraisal').pk}/")
    assert "低于警示线" in appraisal_page.content.decode()
    election_page = office.get(f"/democracy/ballots/{election.pk}/").content.decode()
    assert "当选" in election_page and "查看另行选举" in election_page
