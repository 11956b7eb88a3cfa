"""The counter under load: concurrent merchant clients each verify a distinct member's QR token
(``POST /api/shop/verify``) and redeem (``POST /api/redemptions`` with an Idempotency-Key)
against one offer whose quota is smaller than the number of members. Prints redemptions/s,
p50/p99 of a verify+redeem pair, and checks that neither the quota nor the budget was overspent.

Run alone: ``DATABASE_URL=postgres://… python -m bench.benefits [members] [threads]``. It uses
Django's test client in threads (in-process, no HTTP server): the figures are the application's
and the database's, not a web server's. Not wired into ``bench/__main__.py`` yet.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

QUOTA_SHARE = 0.8  # the offer's quota covers 80 % of the members: the rest must be refused


def build(members: int) -> tuple[int, list[str], object]:
    """A tree, ``members`` members with active cards, a signed merchant with one staff account,
    and an approved offer (quota below the member count, budget below quota × discount)."""
    from django.utils import timezone
    from stdnum import luhn
    from stdnum.cn import uscc

    from gonghui.accounts.models import AccountType, User
    from gonghui.benefits import services
    from gonghui.members.models import Card, Member
    from gonghui.orgs.models import OrgKind
    from gonghui.orgs.services import org_create

    admin = User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
    province = org_create(
        actor=admin, parent=None, code="BP", name="基准省总工会", kind=OrgKind.PROVINCE
    )
    union = org_create(
        actor=admin, parent=province, code="BP-G", name="基准工会", kind=OrgKind.GRASSROOTS
    )
    now, today = timezone.now(), timezone.localdate()
    rows = [
        Member(
            id_type="resident",
            id_number=f"bench{i}",
            id_index=f"bench{i}",
            name=f"会员{i}",
            gender="M",
            birth_date=dt.date(1980, 1, 1),
            union=union,
            org_path=union.path,
            joined_on=dt.date(2020, 1, 1),
            consent_at=now,
            consent_purpose="基准测试",
            migrant_worker=i % 3 == 0,
        )
        for i in range(members)
    ]
    Member.objects.bulk_create(rows, batch_size=2000)
    numbers = []
    cards = []
    for i, member in enumerate(Member.objects.filter(union=union).order_by("id")):
        body = f"41{i:010d}"
        number = body + luhn.calc_check_digit(body)
        numbers.append(number)
        cards.append(Card(number=number, member=member, issued_on=today))
    Card.objects.bulk_create(cards, batch_size=2000)
    staff = User.objects.create(username="bench-shop", account_type=AccountType.MERCHANT)
    merchant = services.merchant_create(
        actor=admin,
        org=union,
        name="基准商户",
        uscc="92410105MA0000001" + uscc.calc_check_digit("92410105MA0000001"),
        category="shopping",
        address="基准路1号",
        region_code="410105",
        contact_name="基准",
        contact_phone="13700000000",
        agreement_start=today - dt.timedelta(days=1),
        agreement_end=today + dt.timedelta(days=365),
    )
    services.merchant_transition(actor=admin, merchant=merchant, action="sign")
    services.staff_link(actor=admin, merchant=merchant, username=staff.username)
    quota = int(members * QUOTA_SHARE)
    offer = services.offer_create(
        actor=admin,
        merchant=merchant,
        title="基准立减",
        kind="amount",
        value=Decimal("10"),
        valid_from=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=30),
        quota=quota,
        budget=Decimal(10 * quota),
        union_share=50,
    )
    services.offer_transition(actor=admin, offer=offer, action="approve")
    return offer.pk, numbers, staff


def run(members: int = 2000, threads: int = 8) -> dict[str, float]:
    from django.db import connections
    from django.test import Client

    from gonghui.benefits.models import Offer, Redemption
    from gonghui.members.cards import card_token

    logging.getLogger("django.request").setLevel(logging.ERROR)  # refusals (409) are expected
    offer_id, numbers, staff = build(members)
    samples: list[float] = []
    outcomes: dict[int, int] = {}
    lock = threading.Lock()
    local = threading.local()

    def pair(i: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = Client()
            client.force_login(staff)
        token = card_token(numbers[i])
        t0 = time.perf_counter()
        verified = client.post(
            "/api/shop/verify", json.dumps({"token": token}), content_type="application/json"
        )
        assert verified.status_code == 200 and verified.json()["valid"], verified.content
        redeemed = client.post(
            "/api/redemptions",
            json.dumps({"token": token, "offer_id": offer_id, "bill_amount": "50"}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{i:08d}",
        )
        elapsed = (time.perf_counter() - t0) * 1000
        with lock:
            samples.append(elapsed)
            outcomes[redeemed.status_code] = outcomes.get(redeemed.status_code, 0) + 1

    def worker(chunk: range) -> None:
        try:
            for i in chunk:
                pair(i)
        finally:
            connections.close_all()

    chunks = [range(k, members, threads) for k in range(threads)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, chunks))
    total = time.perf_counter() - start
    offer = Offer.objects.get(pk=offer_id)
    redeemed = Redemption.objects.filter(offer_id=offer_id).count()
    assert offer.used <= offer.quota and offer.spent <= offer.budget, "overspent"
    assert redeemed == offer.used == outcomes.get(201, 0) == offer.quota, (redeemed, outcomes)
    samples.sort()
    figures = {
        "pairs": float(members),
        "redemptions": float(redeemed),
        "pairs_per_s": members / total,
        "redemptions_per_s": redeemed / total,
        "p50_ms": statistics.median(samples),
        "p99_ms": samples[max(0, int(len(samples) * 0.99) - 1)],
    }
    print(
        f"benefits counter ({threads} threads, {members} members, quota {offer.quota}): "
        f"{figures['pairs_per_s']:.1f} verify+redeem pairs/s, "
        f"{figures['redemptions_per_s']:.1f} redemptions/s, "
        f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms; "
        f"quota {offer.used}/{offer.quota}, budget {offer.spent}/{offer.budget}: not overspent"
    )
    return figures


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor} ({name})", file=sys.stderr)
        args = [int(a) for a in sys.argv[1:3]]
        run(*args)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
