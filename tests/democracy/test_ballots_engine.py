"""The ballot engine beyond the congress (ADR 0011): the tellers' key ceremony (k of n shares,
never stored, wrong shares refused in Chinese), the Ballot's declared transitions, electorates of
any kind, and other modules creating ballots through ``core.registry`` without importing
democracy."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from Crypto.Protocol.SecretSharing import Shamir
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed

from gonghui.core import registry
from gonghui.democracy import crypto as ballot_crypto
from gonghui.democracy.models import Ballot, BallotState, Electorate, VoterSlot
from gonghui.democracy.selectors.ballot_results import ballot_result
from gonghui.democracy.services import ballots as svc
from tests.factories import (
    TELLERS,
    close_and_tally,
    dump_tables,
    make_account,
    officer,
    open_ballot,
    open_session,
    register,
    resident,
)

pytestmark = pytest.mark.django_db


def _member(cast: Any, n: int, name: str, *, account: bool = True, employer: Any = None) -> Any:
    member = register(
        cast,
        number=resident(f"410105198001{n:02d}0{n:02d}"),
        name=name,
        phone="",
        employer=employer,
    )
    if account:
        member.account = make_account("member", f"engine_member{n}")
        member.save(update_fields=["account"])
    return member


def _decision(cast: Any) -> tuple[Any, Ballot, list[Any]]:
    session, seats = open_session(cast, in_office=3)
    actor = officer(cast)
    ballot = svc.ballot_create(actor=actor, session=session, kind="decision", title="表决")
    return actor, ballot, seats


def test_shares_open_k_of_n_and_never_stored(cast: Any) -> None:
    actor, ballot, _seats = _decision(cast)
    ballot, shares = open_ballot(actor, ballot, needed=2)
    assert len(shares) == 3 and ballot.public_key and ballot.fingerprint
    # Any two shares give the seed of the ballot's key; it and the shares are nowhere stored.
    decoded = [ballot_crypto.decode_share(ballot.pk, s) for s in shares]
    seed = Shamir.combine([(d.number, d.value) for d in decoded[1:]], False)
    private = ballot_crypto._private_from_seed(seed).private_bytes_raw()
    text = "\n".join(str(row) for rows in dump_tables().values() for row in rows)
    secrets = [*shares, seed.hex(), base64.b64encode(seed).decode(), private.hex()]
    secrets += [base64.b64encode(private).decode(), *(d.value.hex() for d in decoded)]
    for secret in secrets:
        assert secret not in text
    assert ballot_crypto.Opener(decoded[:2], ballot.public_key).matches


def test_wrong_or_too_few_shares_are_refused_in_chinese(cast: Any) -> None:
    actor, ballot, _seats = _decision(cast)
    ballot, shares = open_ballot(actor, ballot, needed=2)
    other = svc.ballot_create(
        actor=actor, org=cast.grassroots, electorate=Electorate.NAMED, voters=["甲"],
        kind="decision", title="另一次投票",
    )  # fmt: skip
    other, other_shares = open_ballot(actor, other, needed=2)
    svc.ballot_close(actor=actor, ballot=ballot)
    with pytest.raises(ValidationError, match="须有2名监票人输入各自的份额，现只有1名"):
        svc.ballot_tally(actor=actor, ballot=ballot, shares=[shares[0]])
    with pytest.raises(ValidationError, match="第2栏的份额有误"):
        svc.ballot_tally(actor=actor, ballot=ballot, shares=[shares[0], other_shares[1]])
    typo = shares[1].replace(shares[1][0], "Z" if shares[1][0] != "Z" else "Y", 1)
    with pytest.raises(ValidationError, match="第2栏的份额有误"):
        svc.ballot_tally(actor=actor, ballot=ballot, shares=[shares[0], typo])
    # A well-formed share whose value is not the teller's: named by its teller's number.
    forged = ballot_crypto.Share(2, bytes(16)).text(ballot.pk)
    with pytest.raises(ValidationError, match="与2号监票人的登记不符"):
        svc.ballot_tally(actor=actor, ballot=ballot, shares=[shares[0], forged])
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.CLOSED
    # Spaces, lower case and missing dashes are forgiven.
    messy = shares[2].replace("-", " ").lower()
    tallied = svc.ballot_tally(actor=actor, ballot=ballot, shares=["", messy, shares[0]])
    assert tallied.state == BallotState.TALLIED


def test_tellers_rules(cast: Any) -> None:
    actor, ballot, _seats = _decision(cast)
    with pytest.raises(ValidationError, match="至少2名"):
        svc.ballot_tellers_set(actor=actor, ballot=ballot, names=["甲"], needed=2)
    with pytest.raises(ValidationError, match="2到3"):
        svc.ballot_tellers_set(actor=actor, ballot=ballot, names=TELLERS, needed=4)
    with pytest.raises(ValidationError, match="重复"):
        svc.ballot_tellers_set(actor=actor, ballot=ballot, names=["甲", "甲"], needed=2)
    # A teller who is an officer of the org is tied to the officer's account.
    chair = cast.grassroots_officer
    tellers = svc.ballot_tellers_set(
        actor=actor, ballot=ballot, names=[chair.full_name, "外请监票人"], needed=2
    )
    assert tellers[0].account_id == chair.pk and tellers[1].account_id is None
    ballot, _shares = open_ballot(actor, ballot)
    with pytest.raises(ValidationError, match="监票人不能再变动"):
        svc.ballot_tellers_set(actor=actor, ballot=ballot, names=TELLERS, needed=2)


def test_ballot_moves_only_through_declared_transitions(cast: Any) -> None:
    actor, ballot, _seats = _decision(cast)
    with pytest.raises(TransitionNotAllowed):
        ballot.publish()
    with pytest.raises(ValidationError, match="不能办理此项"):
        svc.ballot_close(actor=actor, ballot=ballot)
    ballot, shares = open_ballot(actor, ballot)
    with pytest.raises(ValidationError, match="不能办理此项"):
        svc.ballot_publish(actor=actor, ballot=ballot)
    with pytest.raises(ValidationError, match="不能办理此项"):
        svc.ballot_tally(actor=actor, ballot=ballot, shares=shares)


def test_a_cast_after_closing_is_refused_and_the_voter_not_marked(cast: Any) -> None:
    """The second transaction re-checks the state: a cast that meets a closed ballot withdraws
    the participation the first transaction wrote."""
    from tests.factories import voter

    actor, ballot, seats = _decision(cast)
    ballot, _shares = open_ballot(actor, ballot)
    account = voter(cast, seats[0])
    real_seal = ballot_crypto.seal

    def seal_then_close(*args: Any, **kwargs: Any) -> str:
        Ballot.objects.filter(pk=ballot.pk).update(state=BallotState.CLOSED)
        return real_seal(*args, **kwargs)

    import unittest.mock

    with (
        unittest.mock.patch.object(ballot_crypto, "seal", seal_then_close),
        pytest.raises(ValidationError, match="已结束"),
    ):
        svc.ballot_cast(actor=account, ballot=ballot, choice="Y")
    assert not VoterSlot.objects.get(ballot=ballot, delegate=seats[0]).voted
    assert not ballot.casts.exists()


def test_members_staff_and_named_electorates(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """会员大会, 职工大会 and a named list, created by another module through the registry; the
    owner's listener hears the published totals."""
    members = [_member(cast, i, f"会员{i}") for i in range(1, 5)]
    staff = [_member(cast, 10 + i, f"职工{i}", employer=cast.employer) for i in range(1, 3)]
    no_phone = _member(cast, 20, "无账号会员", account=False)
    heard: list[dict[str, Any]] = []
    registry.register_ballot_listener("tests.assessment", lambda **kw: heard.append(kw))
    engine = registry.ballot_engine()
    actor = officer(cast)

    whole = engine.create(
        actor=actor,
        org=cast.grassroots,
        kind="decision",
        title="会员大会表决",
        electorate=registry.Electorate("members"),
        tellers=TELLERS,
        owner="tests.assessment",
        owner_ref="A-1",
    )
    assert engine.url(whole) == f"/democracy/ballots/{whole}/"
    ballot = Ballot.objects.get(pk=whole)
    svc.ballot_freeze(actor=actor, ballot=ballot)
    names = set(ballot.slots.values_list("name", flat=True))
    assert {m.name for m in [*members, *staff, no_phone]} <= names
    opened = svc.ballot_open(actor=actor, ballot=ballot)
    ballot, shares = opened.ballot, [share for _t, share in opened.shares]
    assert ballot.in_office == len(names)
    for member, choice in zip(members, "YYNY", strict=True):
        svc.ballot_cast(actor=member.account, ballot=ballot, choice=choice)
    close_and_tally(actor, ballot, shares)
    assert engine.outcome(whole) is None  # not yet published
    with django_capture_on_commit_callbacks(execute=True):
        svc.ballot_publish(actor=actor, ballot=Ballot.objects.get(pk=whole))
    assert engine.state(whole) == "published"
    assert heard and heard[0]["owner_ref"] == "A-1"
    outcome = heard[0]["outcome"]
    assert {r.code: r.votes for r in outcome.rows} == {"Y": 3, "N": 1, "A": 0}
    assert outcome.voted == 4 and outcome.eligible == len(names)
    assert "全体会员" in ballot_result(Ballot.objects.get(pk=whole)).rule_text

    staff_id = engine.create(
        actor=actor,
        org=cast.grassroots,
        kind="decision",
        title="职工大会表决",
        electorate=registry.Electorate("staff", employer_id=cast.employer.pk),
    )
    staff_ballot = Ballot.objects.get(pk=staff_id)
    svc.ballot_freeze(actor=actor, ballot=staff_ballot)
    assert set(staff_ballot.slots.values_list("name", flat=True)) == {m.name for m in staff}

    named_id = engine.create(
        actor=actor,
        org=cast.grassroots,
        kind="appraisal",
        title="班组民主评议",
        options=["组长甲"],
        electorate=registry.Electorate("named", names=("会员1", "会员2", "外单位人员")),
        tellers=TELLERS,
    )
    named = Ballot.objects.get(pk=named_id)
    slots = {s.name: s for s in named.slots.all()}
    assert slots["会员1"].account_id == members[0].account_id
    assert slots["外单位人员"].account_id is None  # votes on paper
    svc.ballot_freeze(actor=actor, ballot=named)
    opened = svc.ballot_open(actor=actor, ballot=named)
    svc.ballot_cast(actor=members[1].account, ballot=named, choice={"1": "E"})
    with pytest.raises(ValidationError, match="名单"):
        svc.ballot_cast(actor=members[2].account, ballot=named, choice={"1": "U"})
    tallied = close_and_tally(actor, named, [s for _t, s in opened.shares])
    assert tallied.totals == {"1=E": 1} and tallied.in_office == 3


def test_the_staff_electorate_needs_an_employer_the_union_covers(cast: Any) -> None:
    with pytest.raises(ValidationError, match="覆盖的用人单位"):
        svc.ballot_create(
            actor=officer(cast),
            org=cast.grassroots,
            electorate=Electorate.STAFF,
            employer=cast.sibling_employer,
            kind="decision",
            title="表决",
        )
    with pytest.raises(ValidationError, match="投票人名单"):
        svc.ballot_create(
            actor=officer(cast),
            org=cast.grassroots,
            electorate=Electorate.NAMED,
            kind="decision",
            title="表决",
        )


def test_a_damaged_cast_counts_as_invalid_without_failing_the_count(cast: Any) -> None:
    from tests.factories import voter

    actor, ballot, seats = _decision(cast)
    ballot, shares = open_ballot(actor, ballot)
    svc.ballot_cast(actor=voter(cast, seats[0]), ballot=ballot, choice="Y")
    svc.ballot_cast(actor=voter(cast, seats[1]), ballot=ballot, choice="N")
    damaged = ballot.casts.first()
    assert damaged is not None
    raw = bytearray(base64.b64decode(damaged.sealed))
    raw[-1] ^= 1
    damaged.sealed = base64.b64encode(bytes(raw)).decode()
    damaged.save()
    tallied = close_and_tally(actor, ballot, shares)
    assert tallied.electronic_casts == 2 and tallied.electronic_invalid == 1
    assert sum(tallied.totals.values()) == 1
