"""The ballot engine: pre-flight, eligibility, once-only voting, secrecy, the published hash,
pass rules and 另行选举 (ADR 0011)."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from gonghui.core.audit import AuditEvent
from gonghui.core.workflow import history_of
from gonghui.democracy import crypto as ballot_crypto
from gonghui.democracy import rules
from gonghui.democracy.models import (
    Ballot,
    BallotState,
    Delegate,
    SealedCast,
    VoterSlot,
)
from gonghui.democracy.selectors.ballot_results import (
    appraisal_result,
    decision_result,
    election_result,
)
from gonghui.democracy.services import ballots as svc
from tests.factories import close_and_tally, officer, open_ballot, open_session, voter

pytestmark = pytest.mark.django_db


def ready(cast, kind="decision", options=None, seats=1, pass_rule="", in_office=9, present=None):
    session, seats_ = open_session(cast, in_office, present)
    actor = officer(cast)
    ballot = svc.ballot_create(
        actor=actor,
        session=session,
        kind=kind,
        title="关于集体合同草案",
        options=options,
        seats=seats,
        pass_rule=pass_rule,
    )
    return actor, ballot, seats_


_SHARES: dict[int, list[str]] = {}


def opened(actor, ballot):
    ballot, shares = open_ballot(actor, ballot)
    _SHARES[ballot.pk] = shares
    return ballot


def closed(actor, ballot):
    """Close and tally with two of the three tellers' shares."""
    return close_and_tally(actor, ballot, _SHARES[ballot.pk])


def test_preflight_lists_what_blocks_opening(cast):
    actor, ballot, _s = ready(cast, kind="election", options=["甲"], seats=1, present=3)
    notes = svc.ballot_preflight(ballot)
    assert any("三分之二" in n for n in notes)
    assert any("差额" in n for n in notes)
    assert any("名单尚未确定" in n for n in notes)
    assert any("监票人" in n for n in notes)
    with pytest.raises(ValidationError):
        svc.ballot_open(actor=actor, ballot=ballot)


def test_only_present_delegates_vote_once_each(cast):
    actor, ballot, seats = ready(cast, in_office=9, present=7)
    ballot = opened(actor, ballot)
    assert ballot.slots.count() == 7
    inside, absent = seats[0], seats[8]
    account = voter(cast, inside)
    code = svc.ballot_cast(actor=account, ballot=ballot, choice="Y")
    assert len(code) == 19 and code.count("-") == 3
    with pytest.raises(ValidationError, match="已投过票"):
        svc.ballot_cast(actor=account, ballot=ballot, choice="N")
    # An account with no slot (the absent delegate's) is refused: nobody votes in another's name.
    other = voter(cast, absent)
    with pytest.raises(ValidationError, match="名单"):
        svc.ballot_cast(actor=other, ballot=ballot, choice="Y")
    assert SealedCast.objects.filter(ballot=ballot).count() == 1


def test_results_hidden_until_the_tellers_tally(cast):
    actor, ballot, _s = ready(cast)
    ballot = opened(actor, ballot)
    with pytest.raises(ValidationError):
        decision_result(ballot)
    ballot = svc.ballot_close(actor=actor, ballot=ballot)
    with pytest.raises(ValidationError, match="计票前"):
        decision_result(ballot)
    assert decision_result(closed(actor, ballot)).turnout.eligible == 9


def test_secrecy_no_table_links_a_voter_to_a_choice(cast):
    actor, ballot, seats = ready(cast, in_office=20)
    ballot = opened(actor, ballot)
    choices = ["Y", "N", "Y", "A"] * 5
    receipts = [
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, choice=choice)
        for seat, choice in zip(seats, choices, strict=True)
    ]
    # SealedCast: no foreign key but the ballot, no time, no sequential key, a sealed text.
    fields = {f.name: f for f in SealedCast._meta.concrete_fields}
    assert set(fields) == {"id", "ballot", "sealed"}
    assert isinstance(fields["id"], models.UUIDField)
    # No model with a path to a delegate or a voter slot has a path to the casts.
    for model in apps.get_models():
        related = {
            f.related_model for f in model._meta.get_fields() if getattr(f, "related_model", None)
        }
        if (Delegate in related or VoterSlot in related) and model is not Ballot:
            assert SealedCast not in related, model
    slot_values = list(VoterSlot.objects.filter(ballot=ballot).values())
    assert all(
        set(v) == {"id", "ballot_id", "name", "account_id", "delegate_id", "member_id", "voted"}
        for v in slot_values
    )
    # The audit says who took part, never what.
    events = AuditEvent.objects.filter(action="democracy.ballot.voted")
    assert events.count() == 20
    for event in events:
        assert set(event.after or {}) == {"voter"}
        assert event.before is None
    everything = " ".join(f"{e.before} {e.after}" for e in AuditEvent.objects.all())
    for receipt in receipts:
        assert receipt not in everything
    # Each receipt names its sealed cast; ordering the casts by key does not give the casting
    # order back (a false failure has probability 1/20!).
    stored = list(SealedCast.objects.filter(ballot=ballot).order_by("pk"))
    by_receipt = {ballot_crypto.receipt_of(c.sealed): c.pk for c in stored}
    assert set(by_receipt) == set(receipts)
    assert [c.pk for c in stored] != [by_receipt[r] for r in receipts]
    # Every cast has the same length, whatever was chosen.
    assert len({len(c.sealed) for c in stored}) == 1


def test_published_hash_recomputes_over_the_sealed_casts_and_receipts_found(cast):
    actor, ballot, seats = ready(cast)
    ballot = opened(actor, ballot)
    codes = [
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, choice=choice)
        for seat, choice in zip(seats[:5], "YYNAY", strict=True)
    ]
    ballot = closed(actor, ballot)
    assert not any(svc.receipt_check(ballot, c) for c in codes)  # not before publication
    ballot = svc.ballot_publish(actor=actor, ballot=ballot)
    sealed = SealedCast.objects.filter(ballot=ballot).values_list("sealed", flat=True)
    trackers = sorted(hashlib.sha256(s.encode()).hexdigest() for s in sealed)
    assert ballot.trackers == trackers
    recomputed = hashlib.sha256("\n".join(ballot.trackers).encode()).hexdigest()
    assert recomputed == ballot.published_hash
    assert all(svc.receipt_check(ballot, c) for c in codes)
    assert not svc.receipt_check(ballot, "0000-0000-0000-0000")
    result = decision_result(ballot)
    assert result.turnout.voted == 5 and result.turnout.phone == 5
    assert {r.option.code: r.votes for r in result.rows} == {"Y": 3, "N": 1, "A": 1}
    # The transitions left their history.
    steps = list(history_of(ballot).values_list("from_state", "to_state"))
    assert steps == [
        ("draft", "open"),
        ("open", "closed"),
        ("closed", "tallied"),
        ("tallied", "published"),
    ]


@pytest.mark.parametrize(
    ("in_office", "yes", "rule", "passed"),
    [
        (60, 30, "more_than_half", False),
        (60, 30, "at_least_half", True),
        (60, 31, "more_than_half", True),
        (60, 31, "at_least_half", True),
        (90, 45, "more_than_half", False),
        (90, 46, "more_than_half", True),
        (90, 45, "at_least_half", True),
        (90, 44, "at_least_half", False),
    ],
)
def test_pass_rule_boundaries(in_office, yes, rule, passed):
    assert (yes >= rules.needed_votes(rule, in_office)) is passed


def test_decision_with_paper_tally_applies_the_rule(cast):
    # 9 in office: 过半数 needs 5, 半数以上 5 (9/2 = 4.5).
    assert rules.needed_votes("more_than_half", 9) == rules.needed_votes("at_least_half", 9) == 5
    actor, ballot, seats = ready(cast, pass_rule="more_than_half")
    ballot = opened(actor, ballot)
    for seat in seats[:3]:
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, choice="Y")
    paper = VoterSlot.objects.filter(ballot=ballot, delegate__in=seats[3:6])
    svc.ballot_paper_mark(actor=actor, ballot=ballot, slot_ids=[s.pk for s in paper])
    with pytest.raises(ValidationError):
        svc.ballot_cast(actor=voter(cast, seats[3]), ballot=ballot, choice="N")
    svc.ballot_close(actor=actor, ballot=ballot)
    with pytest.raises(ValidationError, match="纸质"):
        closed(actor, ballot)
    with pytest.raises(ValidationError):
        svc.ballot_paper_tally(
            actor=actor,
            ballot=ballot,
            returned=3,
            invalid=0,
            scrutineers="张三",
            counters="李四",
            signed_off=True,
            counts={("Y", ""): 1, ("N", ""): 1},
        )
    svc.ballot_paper_tally(
        actor=actor,
        ballot=ballot,
        returned=3,
        invalid=1,
        scrutineers="张三",
        counters="李四",
        signed_off=True,
        counts={("Y", ""): 1, ("N", ""): 1},
    )
    ballot = closed(actor, ballot)
    result = decision_result(ballot)
    assert result.needed == 5 and {r.option.code: r.votes for r in result.rows}["Y"] == 4
    assert not result.passed
    assert result.turnout.voted == 6 and result.turnout.paper == 3
    assert result.turnout.invalid == 1
    svc.ballot_publish(actor=actor, ballot=ballot)


def test_election_tie_at_last_seat_goes_to_further_round(cast):
    actor, ballot, seats = ready(
        cast, kind="election", options=["甲", "乙", "丙"], seats=2, in_office=9
    )
    ballot = opened(actor, ballot)
    # 甲 7, 乙 5, 丙 5: both 乙 and 丙 have 过半数 (5) but tie for the second seat.
    picks = [["1", "2"], ["1", "2"], ["1", "2"], ["1", "2"], ["1", "3"], ["1", "3"],
             ["1", "3"], ["2", "3"], ["3"]]  # fmt: skip
    for seat, pick in zip(seats, picks, strict=True):
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, choice=pick)
    ballot = closed(actor, ballot)
    result = election_result(ballot)
    assert result.needed == 5
    assert {r.option.label: (r.votes, r.qualified, r.tied) for r in result.rows} == {
        "甲": (7, True, False),
        "乙": (5, True, True),
        "丙": (5, True, True),
    }
    elected = [r.option.label for r in result.rows if r.elected]
    assert elected == ["甲"]
    assert result.seats_left == 1 and any("另行选举" in n for n in result.notes)
    further = svc.ballot_further_round(actor=actor, ballot=ballot)
    assert further.round == 2 and further.seats == 1 and further.parent_id == ballot.pk
    assert sorted(further.options.values_list("label", flat=True)) == ["丙", "乙"]
    assert further.state == BallotState.DRAFT
    assert list(further.tellers.values_list("name", flat=True)) == list(
        ballot.tellers.values_list("name", flat=True)
    )


def test_election_too_few_with_majority(cast):
    actor, ballot, seats = ready(
        cast, kind="election", options=["甲", "乙", "丙"], seats=2, in_office=9
    )
    ballot = opened(actor, ballot)
    picks = [["1"], ["1"], ["1"], ["1"], ["1", "2"], ["2", "3"], ["3"], ["2"], []]
    for seat, pick in zip(seats, picks, strict=True):
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, choice=pick)
    with pytest.raises(ValidationError):
        svc.ballot_cast(actor=voter(cast, seats[0]), ballot=ballot, choice=["1", "2", "3"])
    ballot = closed(actor, ballot)
    result = election_result(ballot)
    assert [r.option.label for r in result.rows if r.elected] == ["甲"]
    assert result.seats_left == 1


def test_appraisal_percentages_and_flag(cast):
    actor, ballot, seats = ready(
        cast, kind="appraisal", options=["王主席", "李副主席"], in_office=9
    )
    ballot = opened(actor, ballot)
    grades = ["E", "E", "C", "C", "C", "C", "B", "E", "E"]
    for seat, grade in zip(seats, grades, strict=True):
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, choice={"1": "E", "2": grade})
    with pytest.raises(ValidationError):
        svc.ballot_cast(actor=voter(cast, seats[0]), ballot=ballot, choice={"1": "E"})
    ballot = closed(actor, ballot)
    result = appraisal_result(ballot)
    first, second = result.rows
    assert first.satisfaction_pct == "100.0%" and not first.flagged
    assert second.satisfaction_pct == "88.9%" and not second.flagged  # 8/9
    ballot.threshold_pct = 90
    assert appraisal_result(ballot).rows[1].flagged


def test_sibling_officer_cannot_act(cast):
    from django.core.exceptions import PermissionDenied

    from tests.conftest import fresh

    _a, ballot, _s = ready(cast)
    with pytest.raises(PermissionDenied):
        svc.ballot_freeze(actor=fresh(cast.sibling_officer), ballot=ballot)


def test_secrecy_at_the_database_api_and_pages(cast):
    import re

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    actor, ballot, seats = ready(cast, in_office=4)
    ballot = opened(actor, ballot)
    account = voter(cast, seats[0])
    code = svc.ballot_cast(actor=account, ballot=ballot, choice="N")
    paper = VoterSlot.objects.get(ballot=ballot, delegate=seats[1])
    svc.ballot_paper_mark(actor=actor, ballot=ballot, slot_ids=[paper.pk])
    # The table itself: three columns, none a time, none a voter, none a choice.
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "democracy_sealedcast")
        }
    assert columns == {"id", "ballot_id", "sealed"}
    # No table with a voter column holds a choice, a receipt, a channel or a cast column.
    for model in apps.get_models():
        names = {f.column for f in model._meta.concrete_fields}
        if names & {"delegate_id", "member_id"} and model._meta.app_label == "democracy":
            assert not names & {"choice", "code", "channel", "sealed"}, model
    office = Client()
    office.force_login(cast.grassroots_officer)
    api = office.get(f"/api/democracy/ballots/{ballot.pk}").json()
    assert api["voted"] == 2 and api["tally"] == {} and api["published_trackers"] == []
    page = office.get(reverse("democracy:ballot_detail", args=[ballot.pk])).content.decode()
    audit_page = office.get(reverse("core:audit_list"))
    assert audit_page.status_code == 200
    audit = audit_page.content.decode()
    for text in (page, audit, str(api)):
        assert code not in text
    # The page lists who took part, never a choice nor how they voted: the voter list card
    # names no option and no channel (phone or paper).
    assert "已投 2 / 4" in page and "监票人计票前不显示结果" in page
    voter_list = page[page.index("投票人名单") :]
    assert seats[0].name in voter_list and seats[1].name in voter_list
    for word in ("赞成", "反对", "弃权", "纸质", "手机", "phone", "paper"):
        assert word not in voter_list, word
    assert len(re.findall(r"<tr><td>[^<]*</td><td>已投票</td></tr>", voter_list)) == 2
    svc.ballot_close(actor=actor, ballot=ballot)
    svc.ballot_paper_tally(actor=actor, ballot=ballot, returned=1, invalid=0, scrutineers="甲",
                           counters="乙", signed_off=True, counts={("Y", ""): 1})  # fmt: skip
    ballot = closed(actor, ballot)
    api = office.get(f"/api/democracy/ballots/{ballot.pk}").json()
    assert api["tally"] == {"Y": 1, "N": 1, "A": 0} and api["published_trackers"] == []
    svc.ballot_publish(actor=actor, ballot=ballot)
    api = office.get(f"/api/democracy/ballots/{ballot.pk}").json()
    assert len(api["published_trackers"]) == 1
    assert api["published_trackers"][0].startswith(code.replace("-", "").lower())
    assert (
        hashlib.sha256("\n".join(api["published_trackers"]).encode()).hexdigest()
        == api["published_hash"]
    )
    sibling = Client()
    sibling.force_login(cast.sibling_officer)
    assert sibling.get(f"/api/democracy/ballots/{ballot.pk}").status_code == 404


@pytest.mark.parametrize(("rule", "yes", "passed"), [
    ("more_than_half", 45, False), ("more_than_half", 46, True),
    ("at_least_half", 45, True), ("at_least_half", 44, False),
])  # fmt: skip
def test_ninety_in_office_end_to_end(cast, rule, yes, passed):
    """90 delegates in office, all voting on paper: 过半数 needs 46, 半数以上 45."""
    actor, ballot, _seats = ready(cast, pass_rule=rule, in_office=90)
    ballot = opened(actor, ballot)
    svc.ballot_paper_mark(
        actor=actor, ballot=ballot, slot_ids=list(ballot.slots.values_list("pk", flat=True))
    )
    svc.ballot_close(actor=actor, ballot=ballot)
    svc.ballot_paper_tally(actor=actor, ballot=ballot, returned=90, invalid=0,
                           scrutineers="甲", counters="乙", signed_off=True,
                           counts={("Y", ""): yes, ("N", ""): 90 - yes})  # fmt: skip
    result = decision_result(closed(actor, ballot))
    assert result.in_office == 90
    assert result.turnout.paper == result.turnout.voted == 90 and result.turnout.phone == 0
    assert result.needed == (46 if rule == "more_than_half" else 45)
    assert result.passed is passed
    assert f"须{result.needed}票" in result.rule_text


def test_preflight_notices_attendance_changed_after_freezing(cast):
    from django.utils import timezone

    from gonghui.democracy.models import Attendance

    actor, ballot, seats = ready(cast, in_office=9)
    svc.ballot_tellers_set(actor=actor, ballot=ballot, names=["甲", "乙"], needed=2)
    svc.ballot_freeze(actor=actor, ballot=ballot)
    ballot.refresh_from_db()
    assert svc.ballot_preflight(ballot) == []
    Attendance.objects.filter(delegate=seats[0]).update(left_at=timezone.now())
    assert any("重新确定" in n for n in svc.ballot_preflight(ballot))
    assert svc.ballot_freeze(actor=actor, ballot=ballot) == 8
    assert svc.ballot_preflight(ballot) == []
