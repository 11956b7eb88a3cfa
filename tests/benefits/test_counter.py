"""The counter: card proof checked through the member card registry, quotas, budgets and limits
that hold under concurrency, idempotent redemption by client key, refusals that say why."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gonghui.benefits.models import Offer, Redemption
from gonghui.benefits.services import shop as counter
from gonghui.members.models import Member
from gonghui.members.services.cards import card_code, card_token
from tests.conftest import Cast, fresh
from tests.factories import approved_offer, card_of, members, signed_merchant

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrency need PostgreSQL"
)


def _together(n: int, one: Callable[[int], Any]) -> list[Any]:
    """``one(i)`` for i < n, on n threads released at once (each with its own connection)."""
    start = threading.Barrier(n)

    def run(i: int) -> Any:
        try:
            start.wait()
            return one(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def redeem(cast: Cast, offer: Offer, member: Member, key: str, bill: str = "50", **proof: str):  # type: ignore[no-untyped-def]
    if not proof:
        proof = {"token": card_token(card_of(member))}
    return counter.redemption_create(
        actor=fresh(cast.merchant),
        offer_id=offer.pk,
        bill_amount=Decimal(bill),
        client_key=key,
        **proof,
    )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_members_in_parallel_against_quota_ten_yield_exactly_ten(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, quota=10)
    people = members(cast, 50)
    tokens = [card_token(card_of(m)) for m in people]
    staff = fresh(cast.merchant)
    start = threading.Barrier(len(people))

    def one(i: int) -> str:
        try:
            start.wait()
            counter.redemption_create(
                actor=staff,
                offer_id=offer.pk,
                bill_amount=Decimal("50"),
                client_key=f"parallel-{i:04d}",
                token=tokens[i],
            )
            return "ok"
        except counter.Refusal as exc:
            return exc.messages[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        results = list(pool.map(one, range(len(people))))
    assert results.count("ok") == 10, results
    assert all("名额" in r for r in results if r != "ok")
    offer.refresh_from_db()
    assert offer.used == 10 and offer.spent == Decimal("100")
    assert Redemption.objects.filter(offer=offer).count() == 10


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_concurrently_redeems_once(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, quota=10, per_member_daily=5)
    (member,) = members(cast, 1)
    token = card_token(card_of(member))
    staff = fresh(cast.merchant)
    start = threading.Barrier(8)

    def one(_i: int) -> int:
        try:
            start.wait()
            return counter.redemption_create(
                actor=staff,
                offer_id=offer.pk,
                bill_amount=Decimal("50"),
                client_key="same-key-0001",
                token=token,
            ).pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        pks = set(pool.map(one, range(8)))
    assert len(pks) == 1
    offer.refresh_from_db()
    assert offer.used == 1 and Redemption.objects.count() == 1


def test_a_retried_request_returns_the_first_redemption(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, per_member_daily=5)
    (member,) = members(cast, 1)
    first = redeem(cast, offer, member, "retry-key-0001")
    again = redeem(cast, offer, member, "retry-key-0001")
    assert first.pk == again.pk
    offer.refresh_from_db()
    assert offer.used == 1 and offer.spent == Decimal("10")
    assert (first.discount, first.paid_amount) == (Decimal("10"), Decimal("40"))


def test_forged_expired_and_bare_typed_proofs_are_refused(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    number = card_of(member)
    good = card_token(number)
    forged = good.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAAAA"
    expired = card_token(number, now=time.time() - 600)
    wrong_code = f"{(int(card_code(number)) + 1) % 1_000_000:06d}"
    cases = {
        "forged": ({"token": forged}, "二维码无效"),
        "expired": ({"token": expired}, "过期"),
        "number only": ({"card_no": number}, "动态码"),
        "wrong code": ({"card_no": number, "code": wrong_code}, "动态码不正确"),
    }
    for name, (proof, reason) in cases.items():
        result = counter.verify(merchant=merchant, actor=cast.merchant, **proof)
        assert not result.verification.valid and reason in result.verification.reason, name
        with pytest.raises(counter.Refusal, match=reason):
            redeem(cast, offer, member, f"refused-{name.replace(' ', '-')}", **proof)
    assert not Redemption.objects.exists()
    typed = counter.verify(
        merchant=merchant, actor=cast.merchant, card_no=number, code=card_code(number)
    )
    assert typed.verification.valid and [o.pk for o in typed.offers] == [offer.pk]
    assert typed.verification.masked_name == "会**"


def test_membership_ended_is_refused(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    Member.objects.filter(pk=member.pk).update(status="withdrawn")
    with pytest.raises(counter.Refusal, match="已不是会员"):
        redeem(cast, offer, member, "ended-0001")


def test_budget_and_per_member_limits_hold(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, budget=Decimal("25"), quota=10)
    a, b, c = members(cast, 3)
    redeem(cast, offer, a, "limit-a-0001")
    with pytest.raises(counter.Refusal, match="每人每日"):
        redeem(cast, offer, a, "limit-a-0002")
    redeem(cast, offer, b, "limit-b-0001")
    with pytest.raises(counter.Refusal, match="预算"):
        redeem(cast, offer, c, "limit-c-0001")
    offer.refresh_from_db()
    assert offer.spent == Decimal("20") and offer.used == 2


def test_segment_offers_only_for_the_segment_and_subsidy_split(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(
        cast,
        merchant,
        kind="percent",
        value=Decimal("20"),
        segment="migrant",
        union_share=50,
    )
    (plain,) = members(cast, 1)
    with pytest.raises(counter.Refusal, match="特定会员群体"):
        redeem(cast, offer, plain, "segment-0001")
    Member.objects.filter(pk=plain.pk).update(migrant_worker=True)
    done = redeem(cast, offer, plain, "segment-0002", bill="88.88")
    assert done.discount == Decimal("17.78")
    assert (done.union_part, done.merchant_part) == (Decimal("8.89"), Decimal("8.89"))
    assert done.segments == ",migrant,"


def test_suspended_merchant_and_bad_key_are_refused(cast: Cast) -> None:
    from gonghui.benefits.services import merchants as services

    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    with pytest.raises(ValidationError):
        redeem(cast, offer, member, "short")
    services.merchant_transition(
        actor=fresh(cast.grassroots_officer), merchant=merchant, action="suspend"
    )
    with pytest.raises(counter.Refusal, match="暂停"):
        redeem(cast, offer, member, "suspended-0001")


def test_campaign_sign_up_and_campaign_wide_limit(cast: Cast) -> None:
    from gonghui.benefits.services import merchants as services
    from tests.factories import FAR, PAST

    merchant = signed_merchant(cast)
    campaign = services.campaign_create(
        actor=fresh(cast.grassroots_officer),
        org=cast.grassroots,
        name="东区消费月",
        starts_on=PAST,
        ends_on=FAR,
        signup_required=True,
        per_member_limit=1,
    )
    first = approved_offer(cast, merchant, campaign=campaign, title="甲")
    second = approved_offer(cast, merchant, campaign=campaign, title="乙")
    (member,) = members(cast, 1)
    with pytest.raises(counter.Refusal, match="报名"):
        redeem(cast, first, member, "campaign-0001")
    member.account = cast.member
    member.save(update_fields=["account"])
    services.campaign_signup(actor=fresh(cast.member), campaign=campaign)
    redeem(cast, first, member, "campaign-0002")
    with pytest.raises(counter.Refusal, match="本活动每人限用") as refused:
        redeem(cast, second, member, "campaign-0003")
    assert refused.value.error_list[0].code == "limit"
    services.merchant_transition(
        actor=fresh(cast.grassroots_officer), merchant=merchant, action="suspend"
    )
    merchant.refresh_from_db()
    result = counter.verify(
        merchant=merchant, actor=cast.merchant, token=card_token(card_of(member))
    )
    assert result.verification.valid and not result.offers and "暂停" in result.closed


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_member_in_parallel_with_daily_limit_one_redeems_once(cast: Cast) -> None:
    """The member's limits are checked by the offer's UPDATE after the redemption row is written:
    the member's row lock (taken with the card) lets that statement see every earlier use."""
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, quota=50, per_member_daily=1)
    (member,) = members(cast, 1)
    token = card_token(card_of(member))
    staff = fresh(cast.merchant)

    def one(i: int) -> str:
        try:
            redeemed = counter.redemption_create(
                actor=staff,
                offer_id=offer.pk,
                bill_amount=Decimal("50"),
                client_key=f"same-member-{i:04d}",
                token=token,
            )
        except counter.Refusal as exc:
            return exc.messages[0]
        return "ok" if redeemed.client_key == f"same-member-{i:04d}" else "replayed"

    results = _together(8, one)
    assert results.count("ok") == 1, results
    assert all("每人每日" in r for r in results if r != "ok"), results
    offer.refresh_from_db()
    assert offer.used == 1 and Redemption.objects.filter(offer=offer).count() == 1


def test_a_withdrawn_offer_is_refused_even_while_its_rules_are_cached(cast: Cast) -> None:
    """The cached rules never decide alone: the UPDATE re-checks the offer's status and dates."""
    from gonghui.benefits import caching

    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, per_member_daily=5)
    (member,) = members(cast, 1)
    redeem(cast, offer, member, "cached-0001")
    assert offer.pk in caching.offer_rules(merchant.pk)
    Offer.objects.filter(pk=offer.pk).update(status="withdrawn")  # a door that bypasses services
    assert offer.pk in caching.offer_rules(merchant.pk)  # still cached
    with pytest.raises(counter.Refusal, match="未上架"):
        redeem(cast, offer, member, "cached-0002")
    offer.refresh_from_db()
    assert offer.used == 1 and Redemption.objects.filter(offer=offer).count() == 1


def test_a_withdrawal_through_the_service_reaches_the_counter_at_once(cast: Cast) -> None:
    from gonghui.benefits import caching
    from gonghui.benefits.services import merchants as services

    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    result = counter.verify(
        merchant=merchant, actor=cast.merchant, token=card_token(card_of(member))
    )
    assert [o.pk for o in result.offers] == [offer.pk]
    services.offer_transition(actor=fresh(cast.grassroots_officer), offer=offer, action="withdraw")
    assert offer.pk not in caching.offer_rules(merchant.pk)
    result = counter.verify(
        merchant=merchant, actor=cast.merchant, token=card_token(card_of(member))
    )
    assert result.offers == []


def test_a_redemption_runs_few_statements_and_moves_the_counters_after_commit(
    cast: Cast, django_assert_max_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Issue 18 item 4: merchant and offer rules come from the cache, the card is read once, the
    limits are folded into the offer's UPDATE; the rollup counters move on commit."""
    from gonghui.core.models import OrgCounter

    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    people = members(cast, 2)
    redeem(cast, offer, people[0], "warm-cache-0001")  # caches the merchant and the rules
    staff = fresh(cast.merchant)
    token = card_token(card_of(people[1]))
    # card with the member's lock, the segments recorded on the redemption (困难职工, 劳模,
    # 困难劳模: one statement each), redemption, audit, the offer's UPDATE (+ savepoint)
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(9):
        counter.redemption_create(
            actor=staff,
            offer_id=offer.pk,
            bill_amount=Decimal("50"),
            client_key="few-statements-0001",
            token=token,
        )
    before = dict(OrgCounter.objects.filter(org_path=merchant.org_path).values_list("key", "value"))
    for callback in callbacks:
        callback()
    after = dict(OrgCounter.objects.filter(org_path=merchant.org_path).values_list("key", "value"))
    assert after["redemptions.count"] == before.get("redemptions.count", 0) + 1


def test_a_refused_redemption_is_answered_not_warned(cast: Cast, caplog: Any) -> None:
    """A 409 at the counter is an expected answer: no WARNING from django.request."""
    import logging

    from django.test import Client

    from tests.factories import bearer

    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, quota=1)
    people = members(cast, 2)
    client = Client(HTTP_AUTHORIZATION=bearer(cast.merchant)["Authorization"])
    body = {"offer_id": offer.pk, "bill_amount": "50"}
    with caplog.at_level(logging.INFO):
        for i, member in enumerate(people):
            answer = client.post(
                "/api/redemptions",
                {**body, "token": card_token(card_of(member))},
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"answered-{i:04d}",
            )
    assert answer.status_code == 409 and answer.json()["code"] == "quota", answer.content
    warned = [r for r in caplog.records if r.name == "django.request" and r.levelno >= 30]
    assert warned == []
