"""Voting rights follow membership (工会基层组织选举工作条例 第四条, DOMAIN.md §2.2): a member
with 保留会籍 has no vote and cannot stand. The delegate rolls refuse them, the ballot engine
gives them no voter slot, and one who became retained after the list was fixed cannot cast."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gonghui.core import registry
from gonghui.democracy.models import Ballot, VoterSlot
from gonghui.democracy.services import ballots as svc
from gonghui.democracy.services import congress
from gonghui.members.models import MemberStatus
from gonghui.members.rules import suffrage
from gonghui.members.services.members import member_change_status
from tests.factories import (
    make_account,
    make_congress,
    officer,
    open_session,
    register,
    resident,
    superuser,
    voter,
)

pytestmark = pytest.mark.django_db
RULE = "工会基层组织选举工作条例第四条"


def _retired(cast: Any, n: int, name: str) -> Any:
    member = register(cast, number=resident(f"410105196001{n:02d}0{n:02d}"), name=name, phone="")
    member.account = make_account("member", f"retired{n}")
    member.save(update_fields=["account"])
    return member_change_status(actor=superuser(), member=member, action="retain", reason="退休")


def test_the_suffrage_rule_names_its_article() -> None:
    assert suffrage(MemberStatus.ACTIVE).may_vote and suffrage(MemberStatus.ACTIVE).may_stand
    retained = suffrage(MemberStatus.RETAINED)
    assert not retained.may_vote and not retained.may_stand and RULE in retained.reason
    assert not suffrage(MemberStatus.WITHDRAWN).may_vote


def test_a_retained_member_is_refused_as_delegate_naming_the_rule(cast: Any) -> None:
    _c, term = make_congress(cast)
    retired = _retired(cast, 1, "退休职工")
    assert retired.status == MemberStatus.RETAINED
    with pytest.raises(ValidationError) as refused:
        congress.delegate_elect(
            actor=officer(cast),
            term=term,
            name="退休职工",
            gender="M",
            group="frontline",
            constituency="一车间",
            elected_on=dt.date(2025, 1, 10),
            member=retired,
        )
    assert RULE in str(refused.value.message_dict["member"])
    assert not term.delegates.filter(member=retired).exists()
    active = register(cast, number=resident("41010519800101001"), name="在职职工", phone="")
    seat = congress.delegate_elect(
        actor=officer(cast),
        term=term,
        name="在职职工",
        gender="M",
        group="frontline",
        constituency="一车间",
        elected_on=dt.date(2025, 1, 10),
        member=active,
    )
    assert seat.member == active


def test_a_retained_member_gets_no_voter_slot_in_a_members_vote(cast: Any) -> None:
    active = register(cast, number=resident("41010519800101002"), name="在职会员", phone="")
    retired = _retired(cast, 2, "退休会员")
    ballot_id = registry.ballot_engine().create(
        actor=officer(cast),
        org=cast.grassroots,
        kind="decision",
        title="会员大会表决",
        electorate=registry.Electorate("members"),
    )
    ballot = Ballot.objects.get(pk=ballot_id)
    svc.ballot_freeze(actor=officer(cast), ballot=ballot)
    members = set(ballot.slots.values_list("member_id", flat=True))
    assert active.pk in members and retired.pk not in members


def test_a_retained_member_named_on_a_list_is_refused_naming_the_rule(cast: Any) -> None:
    _retired(cast, 3, "退休会员")
    with pytest.raises(ValidationError) as refused:
        registry.ballot_engine().create(
            actor=officer(cast),
            org=cast.grassroots,
            kind="decision",
            title="指定名单表决",
            electorate=registry.Electorate("named", names=("退休会员", "外单位人员")),
        )
    assert RULE in str(refused.value)
    assert not VoterSlot.objects.filter(name="退休会员").exists()


def test_a_delegate_retained_after_election_gets_no_slot_and_cannot_cast(cast: Any) -> None:
    session, seats = open_session(cast, in_office=3)
    accounts = [voter(cast, d) for d in seats]
    actor = officer(cast)
    # One delegate retires before the list is fixed, another after it.
    seats[0].refresh_from_db()
    assert seats[0].member is not None
    member_change_status(actor=superuser(), member=seats[0].member, action="retain", reason="退休")
    ballot = svc.ballot_create(actor=actor, session=session, kind="decision", title="表决")
    svc.ballot_tellers_set(actor=actor, ballot=ballot, names=["甲", "乙", "丙"], needed=2)
    svc.ballot_freeze(actor=actor, ballot=ballot)
    assert set(ballot.slots.values_list("delegate_id", flat=True)) == {seats[1].pk, seats[2].pk}
    # The retired delegate in the hall is not a change of attendance to be warned about.
    assert not [n for n in svc.ballot_preflight(ballot) if "出席情况" in str(n)]
    opened = svc.ballot_open(actor=actor, ballot=ballot)
    seats[1].refresh_from_db()
    assert seats[1].member is not None
    member_change_status(actor=superuser(), member=seats[1].member, action="retain", reason="失业")
    with pytest.raises(ValidationError, match=RULE):
        svc.ballot_cast(actor=accounts[1], ballot=opened.ballot, choice="Y")
    with pytest.raises(ValidationError, match="名单"):
        svc.ballot_cast(actor=accounts[0], ballot=opened.ballot, choice="Y")
    assert svc.ballot_cast(actor=accounts[2], ballot=opened.ballot, choice="Y")
