"""The selection engine (issue 20, Must show): the composition check blocks a list that breaks
the 一线 share unless an audited written reason is given; an objection blocks approval until
answered; the quota bounds each level's list and cascades down."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.audit import AuditEvent
from gonghui.core.scoping import ExplainedRefusal
from gonghui.honors.models import (
    CallStatus,
    Honour,
    HonourStatus,
    Nomination,
    NominationStatus,
    Submission,
)
from gonghui.honors.services import calls, nominations
from tests.conftest import Cast
from tests.factories import members
from tests.honors.helpers import city_chair, province_call, province_chair


def _nominate(cast: Cast, call, people, front_line: list[bool], org=None):
    actor = city_chair(cast) if org is None else None
    made = []
    for person, fl in zip(people, front_line, strict=True):
        made.append(
            nominations.nomination_create(
                actor=actor or org[1],
                call=call,
                org=cast.city if org is None else org[0],
                member=person,
                deeds="技术革新三项，节约成本百万元",
                flags={"enterprise": True, "front_line": fl},
            )
        )
    return made


def test_a_list_breaking_the_front_line_share_cannot_be_submitted(cast: Cast) -> None:
    call = province_call(cast, front_line_min=55)
    people = members(cast, 3)
    listed = _nominate(cast, call, people, [True, False, False])  # 33.3% < 55%
    with pytest.raises(ExplainedRefusal, match=re.escape("一线职工占企业人选比例为33.3%")):
        nominations.list_submit(
            actor=city_chair(cast), call=call, org=cast.city, chosen=[n.pk for n in listed]
        )
    assert not Submission.objects.exists()
    assert set(Nomination.objects.values_list("status", flat=True)) == {NominationStatus.DRAFT}


def test_the_same_list_goes_up_with_a_written_reason_and_the_override_is_audited(
    cast: Cast,
) -> None:
    call = province_call(cast, front_line_min=55)
    listed = _nominate(cast, call, members(cast, 3), [True, False, False])
    submission = nominations.list_submit(
        actor=city_chair(cast),
        call=call,
        org=cast.city,
        chosen=[n.pk for n in listed],
        override_reason="本市一线人选经两轮征集仍不足，经市总党组会研究上报",
    )
    assert submission.to_org == cast.province
    assert submission.composition["holds"] is False
    event = AuditEvent.objects.get(action="honors.submission.override")
    assert event.after is not None and "两轮征集" in event.after["reason"]
    assert set(Nomination.objects.values_list("at_org", "status")) == {
        (cast.province.pk, NominationStatus.PROPOSED)
    }


def test_a_list_that_holds_needs_no_reason_and_records_none(cast: Cast) -> None:
    call = province_call(cast, front_line_min=55)
    listed = _nominate(cast, call, members(cast, 2), [True, True])
    submission = nominations.list_submit(
        actor=city_chair(cast), call=call, org=cast.city, chosen=[n.pk for n in listed]
    )
    assert submission.composition["holds"] is True and submission.override_reason == ""
    assert not AuditEvent.objects.filter(action="honors.submission.override").exists()


def test_quota_bounds_the_list_and_cascades_no_more_than_held(cast: Cast) -> None:
    call = province_call(cast, seats=10)
    calls.quota_give(actor=province_chair(cast), call=call, org=cast.city, seats=1)
    with pytest.raises(ValidationError, match="超出本级名额1名"):
        calls.quota_give(actor=city_chair(cast), call=call, org=cast.county, seats=2)
    listed = _nominate(cast, call, members(cast, 2), [True, True])
    with pytest.raises(ExplainedRefusal, match="超出推荐名额1名"):
        nominations.list_submit(
            actor=city_chair(cast), call=call, org=cast.city, chosen=[n.pk for n in listed]
        )
    done = nominations.list_submit(
        actor=city_chair(cast), call=call, org=cast.city, chosen=[listed[0].pk]
    )
    assert done.composition["holds"] is True
    listed[1].refresh_from_db()
    assert listed[1].status == NominationStatus.NOT_RECOMMENDED


def _published(cast: Cast):
    call = province_call(cast)
    listed = _nominate(cast, call, members(cast, 2), [True, True])
    nominations.list_submit(
        actor=city_chair(cast), call=call, org=cast.city, chosen=[n.pk for n in listed]
    )
    chair = province_chair(cast)
    calls.call_close_nominations(actor=chair, call=call)
    call = calls.call_publish(actor=chair, call=call)
    return call, listed


def test_an_objection_blocks_approval_until_answered(cast: Cast) -> None:
    call, listed = _published(cast)
    assert call.status == CallStatus.PUBLICITY and call.publicity_end is not None
    objection, code = nominations.objection_receive(
        actor=None,
        nomination=Nomination.objects.get(pk=listed[0].pk),
        content="事迹有夸大",
        anonymous=True,
    )
    assert code and objection.author is None and objection.follow_up_hash
    after = call.publicity_end + dt.timedelta(days=1)
    chair = province_chair(cast)
    with pytest.raises(ExplainedRefusal, match="1条公示异议未答复"):
        calls.call_approve(actor=chair, call=call, today=after)
    assert not Honour.objects.exists()
    nominations.objection_answer(
        actor=chair, objection=objection, answer="经核查事迹属实", upheld=False
    )
    approved = calls.call_approve(actor=chair, call=call, today=after)
    assert approved.status == CallStatus.APPROVED
    honours = list(Honour.objects.order_by("certificate_no"))
    assert [h.status for h in honours] == [HonourStatus.ACTIVE] * 2
    assert len({h.certificate_no for h in honours}) == 2
    assert all(h.term_ends_on == after.replace(year=after.year + 5) for h in honours)


def test_approval_waits_for_the_end_of_publicity(cast: Cast) -> None:
    call, _listed = _published(cast)
    with pytest.raises(ExplainedRefusal, match="公示期未满"):
        calls.call_approve(actor=province_chair(cast), call=call, today=call.publicity_end)


def test_an_upheld_objection_removes_the_candidate(cast: Cast) -> None:
    call, listed = _published(cast)
    objection, _code = nominations.objection_receive(
        actor=cast.member,
        nomination=Nomination.objects.get(pk=listed[1].pk),
        content="有违纪记录",
        anonymous=False,
    )
    chair = province_chair(cast)
    nominations.objection_answer(actor=chair, objection=objection, answer="属实", upheld=True)
    calls.call_approve(actor=chair, call=call, today=call.publicity_end + dt.timedelta(days=1))
    assert list(Honour.objects.values_list("nomination", flat=True)) == [listed[0].pk]
    assert Nomination.objects.get(pk=listed[1].pk).status == NominationStatus.REJECTED


def test_a_negative_consultation_stops_the_candidate(cast: Cast) -> None:
    call = province_call(cast)
    (nomination,) = _nominate(cast, call, members(cast, 1), [True])
    nominations.nomination_consult(
        actor=city_chair(cast),
        nomination=nomination,
        body="police",
        agreed=False,
        answered_on=dt.date.today(),
    )
    with pytest.raises(ExplainedRefusal, match="征求意见未通过"):
        nominations.list_submit(
            actor=city_chair(cast), call=call, org=cast.city, chosen=[nomination.pk]
        )


def test_a_non_member_worker_is_nominated_by_a_valid_id_only(cast: Cast) -> None:
    call = province_call(cast)
    with pytest.raises(ValidationError):
        nominations.nomination_create(
            actor=city_chair(cast),
            call=call,
            org=cast.city,
            name="李强",
            id_number="410105198001011234",  # wrong check digit
            deeds="抢险救灾",
        )
    from tests.factories import resident

    made = nominations.nomination_create(
        actor=city_chair(cast),
        call=call,
        org=cast.city,
        name="李强",
        id_number=resident("41010519800101123"),
        deeds="抢险救灾",
    )
    assert made.member is None and made.gender == "M" and made.birth_date == dt.date(1980, 1, 1)
    assert made.masked_id_number.startswith("4101") and "*" in made.masked_id_number


def test_a_county_officer_cannot_nominate_outside_its_subtree(cast: Cast) -> None:
    from django.core.exceptions import PermissionDenied

    from tests.factories import chair, fresh

    call = province_call(cast)
    (person,) = members(cast, 1)  # a member of the east county's grassroots union
    with pytest.raises(PermissionDenied):
        nominations.nomination_create(
            actor=fresh(chair(cast.sibling_county, "west-chair")),
            call=call,
            org=cast.county,
            member=person,
            deeds="x",
        )
