"""The governance pages: the union's page with its committee, next election and formation figure,
a federation's view of the unions below, the election's steps through the pages, and the
member's phone page with the committee, the next election date and the candidates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gonghui.governance.models import Election, ElectionState
from gonghui.governance.services import elections as svc
from tests.factories import committee_in_office, make_account, officer, town_chair, voters

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_union_page_shows_its_committee_and_next_election(cast: Any) -> None:
    people = voters(cast, 3)
    committee_in_office(cast, people, took_office_on=dt.date(2024, 5, 20))
    body = _client(cast.grassroots_officer).get("/governance/").content.decode()
    assert people[0].name in body and "2027-05-20" in body
    assert "第十一条" in body  # the formation rule for 3 members


def test_the_upper_union_sees_the_overdue_unions_below(cast: Any) -> None:
    committee_in_office(cast, voters(cast, 3), took_office_on=dt.date(2020, 1, 1))
    body = _client(cast.town_officer).get("/governance/").content.decode()
    assert cast.grassroots.name in body and "逾期未换届" in body


def test_an_election_walks_its_steps_through_the_pages(cast: Any) -> None:
    voters(cast, 6)
    grass = _client(cast.grassroots_officer)
    response = grass.post("/governance/elections/request/")
    election = Election.objects.get(org=cast.grassroots)
    assert response.status_code == 302 and response["Location"].endswith(f"/{election.pk}/")
    # The union cannot approve its own 换届; its upper union can.
    grass.post(f"/governance/elections/{election.pk}/approve/", {"approval_ref": "自批"})
    assert Election.objects.get(pk=election.pk).state == ElectionState.REQUESTED
    _client(cast.town_officer).post(
        f"/governance/elections/{election.pk}/approve/", {"approval_ref": "东街工〔2026〕1号"}
    )
    grass.post(
        f"/governance/elections/{election.pk}/method/",
        {"electorate": "members", "seats": "3", "term_years": "5", "delegate_names": ""},
    )
    election.refresh_from_db()
    assert election.state == ElectionState.NOMINATING and election.term_years == 5
    page = grass.get(f"/governance/elections/{election.pk}/").content.decode()
    assert "提名候选人" in page and "应到6人" in page


def test_the_phone_page_shows_the_committee_and_the_candidates(cast: Any) -> None:
    people = voters(cast, 5)
    committee_in_office(cast, people[:3], took_office_on=dt.date(2024, 5, 20))
    election = svc.election_request(actor=officer(cast), org=cast.grassroots)
    election = svc.election_approve(actor=town_chair(cast), election=election, approval_ref="1")
    election = svc.election_adopt_method(
        actor=officer(cast), election=election, electorate="members", seats=3, term_years=3
    )
    made = [
        svc.candidate_nominate(
            actor=officer(cast), election=election, member=p, role="member", nominated_by="小组"
        )
        for p in people[1:5]
    ]
    svc.election_preselect(actor=officer(cast), election=election, passed=[c.pk for c in made])
    body = _client(people[0].account).get("/m/governance/").content.decode()
    assert "下次换届：2027-05-20" in body
    assert all(p.name in body for p in people[1:5])
    # A member account with no member record sees the page without a committee.
    stranger = _client(make_account("member", "gov_stranger")).get("/m/governance/")
    assert stranger.status_code == 200 and people[0].name not in stranger.content.decode()
