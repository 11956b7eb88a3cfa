"""The roster (issue 20, Must show): the same person cannot receive the same national award
twice (service and database); the 劳模 segment lets a 劳模-only 普惠 offer accept a holder and
refuse others; the counters follow the roster."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from gonghui.benefits.services import shop as counter
from gonghui.core.counters import computed, stored
from gonghui.core.scoping import ExplainedRefusal
from gonghui.honors.models import AwardType, Honour
from gonghui.honors.services import calls, nominations, roster
from gonghui.members.services.cards import card_token
from tests.conftest import Cast
from tests.factories import approved_offer, card_of, fresh, members, signed_merchant
from tests.honors.helpers import city_chair, province_chair

TODAY = dt.date.today()


def _record(cast: Cast, code: str, member, on: dt.date = TODAY) -> Honour:
    return roster.honour_record(
        actor=fresh(cast.grassroots_officer),
        award_type=AwardType.objects.get(code=code),
        org=cast.grassroots,
        member=member,
        conferred_on=on,
        conferring_body="中华全国总工会",
    )


def test_the_same_person_cannot_receive_the_same_national_award_twice(cast: Cast) -> None:
    (person,) = members(cast, 1)
    _record(cast, "national-model-worker", person, dt.date(2015, 4, 28))
    with pytest.raises(ExplainedRefusal, match="不能重复获得同一项全国性荣誉"):
        _record(cast, "national-model-worker", person)
    # A national call refuses the nomination before any list is made.
    chair = province_chair(cast)
    national = AwardType.objects.get(code="national-model-worker")
    call = calls.call_issue(
        actor=chair,
        award_type=national,
        org=cast.province,
        year=TODAY.year,
        seats=5,
        nominations_due=TODAY + dt.timedelta(days=10),
    )
    with pytest.raises(ExplainedRefusal, match="不能重复获得同一项全国性荣誉"):
        nominations.nomination_create(
            actor=city_chair(cast), call=call, org=cast.city, member=person, deeds="再立新功"
        )
    # The database refuses it too, whatever door a row comes through.
    first = Honour.objects.get()
    first.pk, first.certificate_no, first.nomination = None, "OTHER-0001", None
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


def test_a_provincial_award_may_be_held_again_and_a_national_one_once_per_type(
    cast: Cast,
) -> None:
    (person,) = members(cast, 1)
    _record(cast, "province-may-day-medal", person, dt.date(2019, 4, 28))
    _record(cast, "province-may-day-medal", person)
    _record(cast, "national-model-worker", person)
    _record(cast, "national-may-day-medal", person)
    assert Honour.objects.filter(member=person).count() == 4


def _redeem(cast: Cast, offer, member, key: str):
    return counter.redemption_create(
        actor=fresh(cast.merchant),
        offer_id=offer.pk,
        bill_amount=Decimal("50"),
        client_key=key,
        token=card_token(card_of(member)),
    )


def test_a_model_worker_only_offer_accepts_a_holder_and_refuses_others(cast: Cast) -> None:
    offer = approved_offer(cast, signed_merchant(cast), segment="model_worker")
    holder, other = members(cast, 2)
    _record(cast, "province-model-worker", holder)
    # A non-劳模 honour does not put its holder in the segment.
    _record(cast, "province-may-day-medal", other)
    with pytest.raises(counter.Refusal, match="特定会员群体"):
        _redeem(cast, offer, other, "model-worker-0001")
    done = _redeem(cast, offer, holder, "model-worker-0002")
    assert done.segments == ",model_worker,"


def test_a_revoked_title_leaves_the_segment(cast: Cast) -> None:
    from gonghui.honors.segments import is_model_worker

    (holder,) = members(cast, 1)
    honour = _record(cast, "city-model-worker", holder)
    assert is_model_worker(holder)
    Honour.objects.filter(pk=honour.pk).update(status="revoked")
    assert not is_model_worker(holder)


def test_the_roster_counters_equal_a_rebuild(cast: Cast) -> None:
    a, b = members(cast, 2)
    _record(cast, "province-model-worker", a)
    _record(cast, "city-craftsman", b)
    want = {pk: v for pk, v in computed().items() if pk[1].startswith("honors.")}
    have = {pk: v for pk, v in stored().items() if pk[1].startswith("honors.")}
    assert want == have
    assert want[(cast.grassroots.path, "honors.active")] == 2
    assert want[(cast.grassroots.path, "honors.level.province")] == 1
