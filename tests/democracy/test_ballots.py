"""The ballot engine: pre-flight, eligibility, once-only voting, secrecy, the published hash,
pass rules and 另行选举."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from gonghui.core.audit import AuditEvent
from gonghui.democracy import ballots as svc
from gonghui.democracy.ballot_results import (
    appraisal_result,
    decision_result,
    election_result,
)
from gonghui.democracy.models import (
    Ballot,
    BallotState,
    CastVote,
    Delegate,
    Receipt,
    VoterSlot,
)
from tests.democracy.ballot_helpers import open_session, voter
from tests.democracy.helpers import officer

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


def opened(actor, ballot):
    svc.ballot_freeze(actor=actor, ballot=ballot)
    return svc.ballot_open(actor=actor, ballot=ballot)


def test_preflight_lists_what_blocks_opening(cast):
    actor, ballot, _s = ready(cast, kind="election", options=["甲"], seats=1, present=3)
    notes = svc.ballot_preflight(ballot)
    assert any("三分之二" in n for n in notes)
    assert any("差额" in n for n in notes)
    assert any("名单尚未确定" in n for n in notes)
    with pytest.raises(ValidationError):
        svc.ballot_open(actor=actor, ballot=ballot)


def test_only_present_delegates_vote_once_each(cast):
    actor, ballot, seats = ready(cast, in_office=9, present=7)
    ballot = opened(actor, ballot)
    assert ballot.slots.count() == 7
    inside, absent = seats[0], seats[8]
    account = voter(cast, inside)
    code = svc.ballot_cast(actor=account, ballot=ballot, delegate=inside, choice="Y")
    assert len(code) == 10
    with pytest.raises(ValidationError, match="已投过票"):
        svc.ballot_cast(actor=account, ballot=ballot, delegate=inside, choice="N")
    other = voter(cast, absent)
    with pytest.raises(ValidationError, match="名单"):
        svc.ballot_cast(actor=other, ballot=ballot, delegate=absent, choice="Y")
    # Someone else cannot vote in a delegate's name.
    with pytest.raises(ValidationError):
        svc.ballot_cast(actor=other, ballot=ballot, delegate=seats[1], choice="Y")
    assert CastVote.objects.filter(ballot=ballot).count() == 1


def test_results_hidden_until_closed(cast):
    actor, ballot, _s = ready(cast)
    ballot = opened(actor, ballot)
    with pytest.raises(ValidationError):
        decision_result(ballot)


def test_secrecy_no_table_links_a_delegate_to_a_choice(cast):
    actor, ballot, seats = ready(cast)
    ballot = opened(actor, ballot)
    choices = ["Y", "N", "Y", "A"]
    for seat, choice in zip(seats, choices, strict=False):
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, delegate=seat, choice=choice)
    # CastVote: no foreign key but the ballot, no time, no sequential key.
    fields = {f.name: f for f in CastVote._meta.concrete_fields}
    assert set(fields) == {"id", "ballot", "choice"}
    assert isinstance(fields["id"], models.UUIDField)
    assert not any(isinstance(f, models.DateTimeField | models.DateField) for f in fields.values())
    assert {f.name for f in Receipt._meta.concrete_fields} == {"id", "ballot", "code"}
    # No model with a path to Delegate has a path to CastVote, or holds a choice.
    for model in apps.get_models():
        related = {
            f.related_model for f in model._meta.get_fields() if getattr(f, "related_model", None)
        }
        if Delegate in related and model is not Delegate:
            assert CastVote not in related, model
            assert Receipt not in related, model
    slot_values = list(VoterSlot.objects.filter(ballot=ballot).values())
    assert all(
        set(v) == {"id", "ballot_id", "delegate_id", "voted", "channel", "receipt_digest"}
        for v in slot_values
    )
    # The audit says who voted, never what.
    events = AuditEvent.objects.filter(action="democracy.ballot.voted")
    assert events.count() == 4
    for event in events:
        assert set(event.after or {}) == {"delegate"}
        assert event.before is None
    everything = " ".join(str(e.after) for e in AuditEvent.objects.all())
    for receipt in Receipt.objects.values_list("code", flat=True):
        assert receipt not in everything
    # The order of keys does not follow the order of casting.
    assert sorted(CastVote.objects.values_list("choice", flat=True)) == sorted(choices)


def test_published_hash_recomputes_and_receipts_listed(cast):
    actor, ballot, seats = ready(cast)
    ballot = opened(actor, ballot)
    codes = []
    for seat, choice in zip(seats[:5], "YYNAY", strict=True):
        codes.append(
            svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, delegate=seat, choice=choice)
        )
    svc.ballot_close(actor=actor, ballot=ballot)
    ballot = svc.ballot_publish(actor=actor, ballot=Ballot.objects.get(pk=ballot.pk))
    recomputed = hashlib.sha256("\n".join(ballot.published_choices).encode()).hexdigest()
    assert recomputed == ballot.published_hash
    assert sorted(ballot.published_choices) == sorted("YYNAY")
    assert ballot.published_receipts == sorted(codes)
    assert all(svc.receipt_check(ballot, c) for c in codes)
    slot = VoterSlot.objects.get(ballot=ballot, delegate=seats[0])
    assert slot.receipt_digest == svc.receipt_digest(codes[0])
    result = decision_result(ballot)
    assert result.turnout.voted == 5


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
    assert (yes >= svc.needed_votes(rule, in_office)) is passed


def test_decision_with_paper_tally_applies_the_rule(cast):
    # 9 in office: 过半数 needs 5, 半数以上 5 (9/2 = 4.5).
    actor, ballot, seats = ready(cast, pass_rule="more_than_half")
    ballot = opened(actor, ballot)
    for seat in seats[:3]:
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, delegate=seat, choice="Y")
    svc.ballot_paper_mark(actor=actor, ballot=ballot, delegate_ids=[s.pk for s in seats[3:6]])
    with pytest.raises(ValidationError):
        svc.ballot_cast(actor=voter(cast, seats[3]), ballot=ballot, delegate=seats[3], choice="N")
    svc.ballot_close(actor=actor, ballot=ballot)
    with pytest.raises(ValidationError):
        svc.ballot_publish(actor=actor, ballot=ballot)
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
    ballot = Ballot.objects.get(pk=ballot.pk)
    result = decision_result(ballot)
    assert result.needed == 5 and {r.option.code: r.votes for r in result.rows}["Y"] == 4
    assert not result.passed
    assert result.turnout.voted == 6 and result.turnout.paper == 3
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
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, delegate=seat, choice=pick)
    ballot = svc.ballot_close(actor=actor, ballot=ballot)
    result = election_result(ballot)
    elected = [r.option.label for r in result.rows if r.elected]
    assert elected == ["甲"]
    assert result.seats_left == 1 and any("另行选举" in n for n in result.notes)
    further = svc.ballot_further_round(actor=actor, ballot=ballot)
    assert further.round == 2 and further.seats == 1 and further.parent_id == ballot.pk
    assert sorted(further.options.values_list("label", flat=True)) == ["丙", "乙"]
    assert further.state == BallotState.DRAFT


def test_election_too_few_with_majority(cast):
    actor, ballot, seats = ready(
        cast, kind="election", options=["甲", "乙", "丙"], seats=2, in_office=9
    )
    ballot = opened(actor, ballot)
    picks = [["1"], ["1"], ["1"], ["1"], ["1", "2"], ["2", "3"], ["3"], ["2"], []]
    for seat, pick in zip(seats, picks, strict=True):
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, delegate=seat, choice=pick)
    with pytest.raises(ValidationError):
        svc.ballot_cast(
            actor=voter(cast, seats[0]), ballot=ballot, delegate=seats[0], choice=["1", "2", "3"]
        )
    ballot = svc.ballot_close(actor=actor, ballot=ballot)
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
        svc.ballot_cast(
            actor=voter(cast, seat), ballot=ballot, delegate=seat, choice={"1": "E", "2": grade}
        )
    with pytest.raises(ValidationError):
        svc.ballot_cast(
            actor=voter(cast, seats[0]), ballot=ballot, delegate=seats[0], choice={"1": "E"}
        )
    ballot = svc.ballot_close(actor=actor, ballot=ballot)
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
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    actor, ballot, seats = ready(cast, in_office=4)
    ballot = opened(actor, ballot)
    account = voter(cast, seats[0])
    code = svc.ballot_cast(actor=account, ballot=ballot, delegate=seats[0], choice="N")
    # The table itself: three columns, none a time, none a voter.
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "democracy_castvote")
        }
    assert columns == {"id", "ballot_id", "choice"}
    # No table with a delegate column holds a choice or receipt column.
    for model in apps.get_models():
        names = {f.column for f in model._meta.concrete_fields}
        if "delegate_id" in names:
            assert not names & {"choice", "code"}, model
    office = Client()
    office.force_login(cast.grassroots_officer)
    api = office.get(f"/api/democracy/ballots/{ballot.pk}").json()
    assert api["voted"] == 1 and api["tally"] == {} and api["published_choices"] == []
    page = office.get(reverse("democracy:ballot_detail", args=[ballot.pk])).content.decode()
    audit_page = office.get(reverse("core:audit_list"))
    assert audit_page.status_code == 200
    audit = audit_page.content.decode()
    for text in (page, audit, str(api)):
        assert code not in text
    # The page lists who voted, never a choice: no option label appears next to the voter list.
    assert "已投 1 / 4" in page and "投票结束前不显示结果" in page
    svc.ballot_close(actor=actor, ballot=ballot)
    svc.ballot_publish(actor=actor, ballot=Ballot.objects.get(pk=ballot.pk))
    api = office.get(f"/api/democracy/ballots/{ballot.pk}").json()
    assert api["tally"]["N"] == 1 and api["published_receipts"] == [code]
    assert (
        hashlib.sha256("\n".join(api["published_choices"]).encode()).hexdigest()
        == (api["published_hash"])
    )
    sibling = Client()
    sibling.force_login(cast.sibling_officer)
    assert sibling.get(f"/api/democracy/ballots/{ballot.pk}").status_code == 404


def test_physical_order_of_casts_does_not_follow_casting(cast):
    """Rows read back in storage order (no ORDER BY) no longer follow insertion order."""
    from django.db import connection

    _actor, ballot, _s = ready(cast, kind="appraisal", options=["甲"], in_office=3)
    inserted = [f"1=E{i}" for i in range(40)]
    CastVote.objects.bulk_create(CastVote(ballot=ballot, choice=c) for c in inserted)

    def stored() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT choice FROM democracy_castvote WHERE ballot_id = %s", [ballot.pk]
            )
            return [row[0] for row in cursor.fetchall()]

    by_key = list(CastVote.objects.filter(ballot=ballot).order_by("pk").values_list("choice"))
    assert stored() == inserted  # before: the table shows the casting order
    svc._reshuffle(ballot)
    assert sorted(stored()) == sorted(inserted)
    assert stored() != inserted  # 1 / 40! chance of a false failure
    assert list(CastVote.objects.filter(ballot=ballot).order_by("pk").values_list("choice")) != (
        by_key
    )


@pytest.mark.parametrize(("rule", "yes", "passed"), [
    ("more_than_half", 45, False), ("more_than_half", 46, True),
    ("at_least_half", 45, True), ("at_least_half", 44, False),
])  # fmt: skip
def test_ninety_in_office_end_to_end(cast, rule, yes, passed):
    """90 delegates in office, all voting on paper: 过半数 needs 46, 半数以上 45."""
    actor, ballot, seats = ready(cast, pass_rule=rule, in_office=90)
    ballot = opened(actor, ballot)
    svc.ballot_paper_mark(actor=actor, ballot=ballot, delegate_ids=[s.pk for s in seats])
    svc.ballot_close(actor=actor, ballot=ballot)
    svc.ballot_paper_tally(actor=actor, ballot=ballot, returned=90, invalid=0,
                           scrutineers="甲", counters="乙", signed_off=True,
                           counts={("Y", ""): yes, ("N", ""): 90 - yes})  # fmt: skip
    result = decision_result(Ballot.objects.get(pk=ballot.pk))
    assert result.in_office == 90
    assert result.needed == (46 if rule == "more_than_half" else 45)
    assert result.passed is passed
    assert f"须{result.needed}票" in result.rule_text


def test_preflight_notices_attendance_changed_after_freezing(cast):
    from django.utils import timezone

    from gonghui.democracy.models import Attendance

    actor, ballot, seats = ready(cast, in_office=9)
    svc.ballot_freeze(actor=actor, ballot=ballot)
    ballot.refresh_from_db()
    assert svc.ballot_preflight(ballot) == []
    Attendance.objects.filter(delegate=seats[0]).update(left_at=timezone.now())
    assert any("重新确定" in n for n in svc.ballot_preflight(ballot))
    assert svc.ballot_freeze(actor=actor, ballot=ballot) == 8
    assert svc.ballot_preflight(ballot) == []
