"""The counter under load: concurrent merchant clients each verify a distinct member's QR token
(``POST /api/shop/verify``) and redeem (``POST /api/redemptions`` with an Idempotency-Key)
against one offer whose quota is smaller than the number of members. Prints redemptions/s,
p50/p99 of a verify+redeem pair, and checks that neither the quota nor the budget was overspent.

Run alone: ``DATABASE_URL=postgres://… python -m bench.benefits [members] [threads]``, or with
the others by ``make bench``. The server is gunicorn (one worker per core) on loopback over the
benchmark database; the clients are threads with keep-alive connections and a bearer token.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
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


def _server(port: int) -> subprocess.Popen[bytes]:
    """gunicorn on loopback over the benchmark's own database (the test database's name)."""
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    workers = str(os.cpu_count() or 2)
    command = [sys.executable, "-m", "gunicorn", "gonghui.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", workers, "--log-level", "warning"]
    server = subprocess.Popen(command, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def run(members: int = 2000, threads: int = 8) -> dict[str, float]:
    """Concurrent HTTP clients (keep-alive, one per thread) against gunicorn on loopback."""
    from gonghui.accounts.services import token_issue
    from gonghui.benefits.models import Offer, Redemption
    from gonghui.members.cards import card_token

    offer_id, numbers, staff = build(members)
    bearer = token_issue(user=staff)
    port = 18765
    server = _server(port)
    samples: list[float] = []
    outcomes: dict[int, int] = {}
    lock = threading.Lock()
    local = threading.local()

    def post(path: str, body: dict, **headers: str) -> tuple[int, dict]:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            path,
            json.dumps(body),
            {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}", **headers},
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def pair(i: int) -> None:
        token = card_token(numbers[i])
        t0 = time.perf_counter()
        status, verified = post("/api/shop/verify", {"token": token})
        assert status == 200 and verified["valid"], verified
        status, _ = post(
            "/api/redemptions",
            {"token": token, "offer_id": offer_id, "bill_amount": "50"},
            **{"Idempotency-Key": f"bench-{i:08d}"},
        )
        elapsed = (time.perf_counter() - t0) * 1000
        with lock:
            samples.append(elapsed)
            outcomes[status] = outcomes.get(status, 0) + 1

    def worker(chunk: range) -> None:
        for i in chunk:
            pair(i)

    try:
        chunks = [range(k, members, threads) for k in range(threads)]
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(worker, chunks))
        total = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=10)
    offer = Offer.objects.get(pk=offer_id)
    redeemed = Redemption.objects.filter(offer_id=offer_id).count()
    assert offer.used <= offer.quota and offer.spent <= offer.budget, "overspent"
    assert redeemed == offer.used == outcomes.get(201, 0) == offer.quota, (redeemed, outcomes)
    samples.sort()
    figures = {
        "pairs_per_s": members / total,
        "redemptions_per_s": redeemed / total,
        "requests_per_s": 2 * members / total,
        "p50_ms": statistics.median(samples),
        "p99_ms": samples[max(0, int(len(samples) * 0.99) - 1)],
    }
    print(
        f"benefits: gunicorn ({os.cpu_count()} workers) + {threads} keep-alive clients, "
        f"{members} members, quota {offer.quota}: {figures['requests_per_s']:.0f} requests/s, "
        f"{figures['pairs_per_s']:.1f} verify+redeem pairs/s, "
        f"{figures['redemptions_per_s']:.1f} redemptions/s, pair p50 {figures['p50_ms']:.1f} ms "
        f"p99 {figures['p99_ms']:.1f} ms; quota {offer.used}/{offer.quota}, budget "
        f"{offer.spent}/{offer.budget}: not overspent"
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
