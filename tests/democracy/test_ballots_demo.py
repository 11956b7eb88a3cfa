"""The demo ballots, seeded through the engine: a published decision, an election gone to
另行选举, an appraisal, and an open 会员大会 ballot whose tellers' shares the demo keeps in var/."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from gonghui.demo import generator
from gonghui.democracy.demo import ballots as ballot_demo
from gonghui.democracy.demo import congress as demo
from gonghui.democracy.models import Ballot, BallotState, Electorate
from gonghui.democracy.selectors.ballot_results import (
    appraisal_result,
    decision_result,
    election_result,
)
from gonghui.democracy.services import ballots as svc
from tests.factories import fake_appeal_receiver


@pytest.mark.django_db
def test_demo_ballots(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path)
    monkeypatch.setattr(generator, "DEMO_MODULES", [])
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 200)
    generator.seed_demo(seed=7)
    with fake_appeal_receiver():
        demo.seed(generator._Builder(7))
    decision = Ballot.objects.get(kind="decision", electorate=Electorate.DELEGATES)
    assert decision.state == BallotState.PUBLISHED and decision_result(decision).passed
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
        if ballot.counted:
            sheet = office.get(f"/democracy/ballots/{ballot.pk}/sheet/").content.decode()
            assert ballot.title in sheet
    appraisal_page = office.get(f"/democracy/ballots/{Ballot.objects.get(kind='appraisal').pk}/")
    assert "低于警示线" in appraisal_page.content.decode()
    election_page = office.get(f"/democracy/ballots/{election.pk}/").content.decode()
    assert "当选" in election_page and "查看另行选举" in election_page

    # Demo ballot 1 no longer shows how anyone voted: its lone phone voter (member01) is listed
    # as having taken part, with no channel, and nothing published is a choice per voter.
    decision_page = office.get(f"/democracy/ballots/{decision.pk}/").content.decode()
    voter_list = decision_page[decision_page.index("投票人名单") :]
    assert "纸质" not in voter_list and "手机" not in voter_list
    published = client.get(f"/m/democracy/ballots/{decision.pk}/published/").content.decode()
    assert decision.published_hash in published
    assert not re.search(r">\s*[YNA]\s*<br>", published)

    # The open 会员大会 ballot: member01 votes on the phone; the demo's shares tally it.
    members = Ballot.objects.get(electorate=Electorate.MEMBERS)
    assert members.state == BallotState.OPEN and members.tellers.count() == 3
    assert "投票" in client.get(f"/m/democracy/ballots/{members.pk}/").content.decode()
    client.post(f"/m/democracy/ballots/{members.pk}/", {"choice": "Y"})
    lines = (tmp_path / ballot_demo.SHARES_FILE).read_text(encoding="utf-8").splitlines()
    assert (tmp_path / ballot_demo.SHARES_FILE).stat().st_mode & 0o777 == 0o600
    assert members.fingerprint in lines[0]
    shares = [line.split("：", 1)[1] for line in lines[1:4]]
    chair = generator.User.objects.get(username="gr_chair")
    svc.ballot_close(actor=chair, ballot=members)
    tallied = svc.ballot_tally(actor=chair, ballot=members, shares=shares[1:])
    assert tallied.totals == {"Y": 1}
