"""换届选举 end to end on the ballot engine: the upper union's approval, the 选举办法 (size and
term checked before any candidate), nomination (a 保留会籍 member cannot stand), 预选 with the
差额 rate, the secret vote, the count under the 2/3 quorum, 另行选举 on a tie, the report and the
批复 that puts the new committee in office, ends the old one the same day and changes the
主席 in the union's posts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.workflow import history_of
from gonghui.democracy.models import Ballot
from gonghui.democracy.services import ballots
from gonghui.governance.models import CommitteeStatus, Election, ElectionState
from gonghui.governance.services import elections as svc
from gonghui.members.services.members import member_change_status
from gonghui.orgs.models import Post
from tests.factories import (
    TELLERS,
    close_and_tally,
    committee_in_office,
    fresh,
    make_officer,
    officer,
    superuser,
    town_chair,
    voters,
)

pytestmark = pytest.mark.django_db
OLD_TERM = dt.date(2023, 6, 1)
NEW_TERM = dt.date(2026, 6, 1)


def _nominating(cast: Any, people: list[Any], seats: int = 3) -> Election:
    actor = officer(cast)
    election = svc.election_request(actor=actor, org=cast.grassroots)
    election = svc.election_approve(
        actor=town_chair(cast), election=election, approval_ref="东街工〔2026〕1号"
    )
    return svc.election_adopt_method(
        actor=actor, election=election, electorate="members", seats=seats, term_years=3
    )


def _vote(cast: Any, election: Election, choices: list[list[str]], people: list[Any]) -> None:
    """Run the engine's ballot: tellers, list, open, the voters' casts, tally, publish."""
    actor = officer(cast)
    assert election.ballot_id is not None
    ballot = Ballot.objects.get(pk=election.ballot_id)
    ballots.ballot_tellers_set(actor=actor, ballot=ballot, names=TELLERS, needed=2)
    ballots.ballot_freeze(actor=actor, ballot=ballot)
    opened = ballots.ballot_open(actor=actor, ballot=ballot)
    for person, choice in zip(people, choices, strict=False):
        ballots.ballot_cast(actor=person.account, ballot=opened.ballot, choice=choice)
    close_and_tally(actor, opened.ballot, [share for _t, share in opened.shares])
    ballots.ballot_publish(actor=actor, ballot=Ballot.objects.get(pk=ballot.pk))


def _candidates(cast: Any, election: Election, people: list[Any]) -> list[Any]:
    roles = ["chair", "member", "member", "member"]
    return [
        svc.candidate_nominate(
            actor=officer(cast), election=election, member=p, role=r, nominated_by="会员小组提名"
        )
        for p, r in zip(people, roles, strict=False)
    ]


def test_the_upper_union_approves_and_the_union_cannot_approve_itself(cast: Any) -> None:
    voters(cast, 6)
    election = svc.election_request(actor=officer(cast), org=cast.grassroots)
    with pytest.raises(PermissionDenied):
        svc.election_approve(actor=officer(cast), election=election, approval_ref="自批")
    with pytest.raises(PermissionDenied):
        svc.election_approve(
            actor=fresh(cast.sibling_officer), election=election, approval_ref="越权"
        )
    approved = svc.election_approve(actor=town_chair(cast), election=election, approval_ref="1号")
    assert approved.state == ElectionState.APPROVED
    assert [h.transition for h in history_of(approved)] == ["approve"]


def test_the_method_checks_the_committee_size_before_any_candidate(cast: Any) -> None:
    voters(cast, 6)  # under 25: 3 to 5 seats
    election = svc.election_request(actor=officer(cast), org=cast.grassroots)
    election = svc.election_approve(actor=town_chair(cast), election=election, approval_ref="1号")
    with pytest.raises(ValidationError, match="第八条"):
        svc.election_adopt_method(
            actor=officer(cast), election=election, electorate="members", seats=7, term_years=3
        )
    with pytest.raises(ValidationError, match="第十六条"):
        svc.election_adopt_method(
            actor=officer(cast), election=election, electorate="members", seats=3, term_years=4
        )
    adopted = svc.election_adopt_method(
        actor=officer(cast), election=election, electorate="members", seats=3, term_years=3
    )
    assert (adopted.entitled, adopted.quorum_num, adopted.quorum_den) == (6, 2, 3)
    assert adopted.min_surplus_pct == 5


def test_a_retained_member_cannot_be_a_candidate(cast: Any) -> None:
    people = voters(cast, 6)
    election = _nominating(cast, people)
    member_change_status(actor=superuser(), member=people[5], action="retain", reason="退休")
    with pytest.raises(ValidationError, match="第四条"):
        svc.candidate_nominate(
            actor=officer(cast),
            election=election,
            member=people[5],
            role="member",
            nominated_by="自荐",
        )


def test_preselection_needs_the_surplus_rate(cast: Any) -> None:
    people = voters(cast, 6)
    election = _nominating(cast, people)
    candidates = _candidates(cast, election, people[:4])
    with pytest.raises(ValidationError, match="差额"):
        svc.election_preselect(
            actor=officer(cast), election=election, passed=[c.pk for c in candidates[:3]]
        )
    done = svc.election_preselect(
        actor=officer(cast), election=election, passed=[c.pk for c in candidates]
    )
    assert done.state == ElectionState.PRESELECTED


def test_an_election_with_fewer_than_two_thirds_present_cannot_count(cast: Any) -> None:
    people = voters(cast, 6)
    election = _nominating(cast, people)
    candidates = _candidates(cast, election, people[:4])
    svc.election_preselect(
        actor=officer(cast), election=election, passed=[c.pk for c in candidates]
    )
    election = svc.election_open_vote(actor=officer(cast), election=election, tellers=[])
    _vote(cast, election, [["1", "2", "3"]] * 3, people)
    with pytest.raises(ValidationError, match="不能计票"):
        svc.election_count(actor=officer(cast), election=election, present=3)  # 3 of 6 < 4
    election.refresh_from_db()
    assert election.state == ElectionState.VOTING
    assert not election.candidates.filter(elected=True).exists()


def test_a_full_election_puts_the_new_committee_in_office(cast: Any) -> None:
    people = voters(cast, 6)
    old = committee_in_office(cast, people[3:6], took_office_on=OLD_TERM)
    old_chair = make_officer(cast.grassroots, "chair", "old_chair")
    election = _nominating(cast, people)
    assert election.previous == old
    candidates = _candidates(cast, election, people[:4])
    svc.election_preselect(
        actor=officer(cast), election=election, passed=[c.pk for c in candidates]
    )
    election = svc.election_open_vote(actor=officer(cast), election=election, tellers=[])
    # 6 entitled: more than half is 4 votes. Candidates 1, 2, 3 get 5, 4, 4; candidate 4 gets 1.
    _vote(
        cast,
        election,
        [["1", "2", "3"], ["1", "2", "3"], ["1", "2", "3"], ["1", "2", "3"], ["1", "4"]],
        people,
    )
    counted = svc.election_count(actor=officer(cast), election=election, present=5)
    assert counted.state == ElectionState.COUNTED
    assert set(counted.candidates.filter(elected=True).values_list("member", flat=True)) == {
        p.pk for p in people[:3]
    }
    reported = svc.election_report(actor=officer(cast), election=counted)
    with pytest.raises(PermissionDenied):
        svc.election_confirm(
            actor=officer(cast), election=reported, result_ref="自批", took_office_on=NEW_TERM
        )
    new = svc.election_confirm(
        actor=town_chair(cast),
        election=reported,
        result_ref="东街工〔2026〕9号",
        took_office_on=NEW_TERM,
    )
    old.refresh_from_db()
    assert old.status == CommitteeStatus.ENDED and old.ended_on == NEW_TERM == new.took_office_on
    assert not old.seats.filter(ended_on__isnull=True).exists()
    assert new.election_due_on == dt.date(2029, 6, 1)
    assert new.seats.get(role="chair").member == people[0]
    cast.grassroots.refresh_from_db()
    assert cast.grassroots.chair_name == people[0].name
    ended = Post.objects.get(user=old_chair, org=cast.grassroots, role="chair")
    assert not ended.active and ended.ended_on == NEW_TERM
    assert Election.objects.get(pk=election.pk).state == ElectionState.CONFIRMED


def test_a_tie_for_the_last_seat_goes_to_another_round(cast: Any) -> None:
    people = voters(cast, 6)
    election = _nominating(cast, people, seats=3)
    candidates = _candidates(cast, election, people[:4])
    svc.election_preselect(
        actor=officer(cast), election=election, passed=[c.pk for c in candidates]
    )
    election = svc.election_open_vote(actor=officer(cast), election=election, tellers=[])
    # 1 and 2 get 5 each; 3 and 4 tie at 4 (more than half of 6) for the last seat.
    choices = [["1", "2", "3"], ["1", "2", "3"], ["1", "2", "4"], ["1", "2", "4"]]
    choices += [["1", "3", "4"], ["2", "3", "4"]]
    first_ballot = election.ballot_id
    _vote(cast, election, choices, people)
    runoff = svc.election_count(actor=officer(cast), election=election, present=6)
    assert runoff.state == ElectionState.VOTING and runoff.round == 2
    assert runoff.ballot_id != first_ballot
    tied = set(runoff.candidates.filter(in_runoff=True).values_list("member", flat=True))
    assert tied == {people[2].pk, people[3].pk}
    assert runoff.ballot_id is not None
    assert Ballot.objects.get(pk=runoff.ballot_id).seats == 1
    _vote(cast, runoff, [["2"]] * 5, people)  # the second option of the runoff: people[3]
    counted = svc.election_count(actor=officer(cast), election=runoff, present=6)
    assert counted.state == ElectionState.COUNTED
    elected = set(counted.candidates.filter(elected=True).values_list("member", flat=True))
    assert elected == {people[0].pk, people[1].pk, people[3].pk}
