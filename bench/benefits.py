"""The counter under load: concurrent merchant clients each verify a distinct member's QR token
(``POST /api/shop/verify``) and redeem (``POST /api/redemptions`` with an Idempotency-Key)
against one offer whose quota is smaller than the number of members. Records verify+redeem
pairs/s and the pair's p99 and p50, and checks that neither the quota nor the budget was
overspent. The limit, measured in the same run: the SQL statements one pair runs (captured from
an in-process pair) replayed bare with psycopg by as many threads, each pair with its member's
card, ids and key. Three repetitions of both.

Run alone: ``DATABASE_URL=postgres://… python -m bench.benefits [members] [threads]``, or with
the others by ``make bench``. The server is gunicorn (2 workers) on loopback over the benchmark
database; the clients are threads with keep-alive connections and a bearer token.
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bench.timing import record, scaled, standalone

QUOTA_SHARE = 0.8  # the offer's quota covers 80 % of the members: the rest must be refused
WORKERS = 2


def build(members: int) -> tuple[int, list[str], object]:
    """A tree, ``members`` members with active cards, a signed merchant with one staff account,
    and an approved offer (quota below the member count, budget below quota × discount)."""
    from django.utils import timezone
    from stdnum import luhn
    from stdnum.cn import uscc

    from gonghui.accounts.models import AccountType, User
    from gonghui.benefits.services import merchants as services
    from gonghui.members.models import Card, Member
    from gonghui.orgs.models import OrgKind
    from gonghui.orgs.services.orgs import org_create

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
    """gunicorn (2 workers, as the issue states the target) on loopback over the benchmark's own
    database (the test database's name)."""
    command = [sys.executable, "-m", "gunicorn", "gonghui.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--log-level", "warning"]
    server = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": _database_url()})
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


# --- the limit: the same statements replayed bare ------------------------------------------------


@dataclass
class Statement:
    sql: str
    params: tuple[Any, ...]
    atomic: bool  # inside the redemption's transaction


def capture(post: Callable[[int, str], None], spare: int) -> list[Statement]:
    """The SQL statements (with parameters) one verify+redeem pair of member ``spare`` runs,
    recorded through an in-process request of each endpoint on this connection."""
    from django.db import connection

    statements: list[Statement] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(Statement(sql, tuple(params or ()), connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        post(spare, "capture-00000000")
    return statements


def replay_plan(statements: list[Statement], spare: int, numbers: list[str]) -> Callable[..., Any]:
    """``plan(i, key)``: the captured statements with member ``spare``'s card number, card id,
    member id and idempotency key replaced by member ``i``'s (the rest is as captured)."""
    from gonghui.members.models import Card

    ids = {n: (c, m) for n, c, m in Card.objects.values_list("number", "id", "member_id")}
    card_id, member_id = ids[numbers[spare]]

    def plan(i: int, key: str) -> list[Statement]:
        number = numbers[i]
        swap: dict[Any, Any] = {numbers[spare]: number, "capture-00000000": key}
        swap_int = {card_id: ids[number][0], member_id: ids[number][1]}

        def sub(value: Any) -> Any:
            if type(value) is int:
                return swap_int.get(value, value)
            if isinstance(value, str):
                return swap.get(value, value)
            return value

        return [Statement(s.sql, tuple(sub(p) for p in s.params), s.atomic) for s in statements]

    return plan


def replay(
    plan: Callable[[int, str], list[Statement]], members: int, threads: int, rep: int
) -> tuple[float, list[float]]:
    """The pairs replayed bare: a psycopg connection per thread, client-side binding like
    Django's, each pair's transaction as the product runs it; (pairs/s, pair latencies ms)."""
    import psycopg

    url = _database_url()
    samples: list[float] = []
    lock = threading.Lock()

    def worker(chunk: range) -> None:
        with psycopg.connect(url, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn:
            cursor = conn.cursor()
            for i in chunk:
                statements = plan(i, f"bench-{rep}-{i:08d}")
                t0 = time.perf_counter()
                in_tx = False
                for s in statements:
                    if s.atomic and not in_tx:
                        cursor.execute("BEGIN")
                        in_tx = True
                    elif in_tx and not s.atomic:
                        cursor.execute("COMMIT")
                        in_tx = False
                    cursor.execute(s.sql, s.params)
                    if cursor.description:
                        cursor.fetchall()
                if in_tx:
                    cursor.execute("COMMIT")
                with lock:
                    samples.append((time.perf_counter() - t0) * 1000)

    chunks = [range(k, members, threads) for k in range(threads)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, chunks))
    return members / (time.perf_counter() - start), samples


def _p99(samples: list[float]) -> float:
    samples = sorted(samples)
    return samples[max(0, int(len(samples) * 0.99) - 1)]


def _reset(offer_id: int) -> None:
    """Back to an untouched offer before the next repetition (or the product after the limit)."""
    from gonghui.benefits.models import Offer, Redemption

    Redemption.objects.filter(offer_id=offer_id).delete()
    Offer.objects.filter(pk=offer_id).update(used=0, spent=0)


def run(members: int = 0, threads: int = 8, repetitions: int = 3) -> dict[str, float]:
    """Concurrent HTTP clients (keep-alive, one per thread) against gunicorn on loopback; the
    limit is the same statements replayed bare with psycopg by as many threads, same run."""
    from django.test import Client

    from gonghui.accounts.services.accounts import token_issue
    from gonghui.benefits.models import Offer, Redemption
    from gonghui.members.services.cards import card_token

    members = members or scaled(2000)
    offer_id, numbers, staff = build(members + 1)  # the last member is the capture's
    spare = members
    bearer = token_issue(user=staff)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}")

    def in_process(i: int, key: str) -> None:
        token = card_token(numbers[i])
        verified = client.post(
            "/api/shop/verify", {"token": token}, content_type="application/json"
        )
        assert verified.status_code == 200 and verified.json()["valid"], verified.content
        body = {"token": token, "offer_id": offer_id, "bill_amount": "50"}
        redeemed = client.post(
            "/api/redemptions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert redeemed.status_code == 201, redeemed.content

    in_process(spare - 1, "warm-000000000")  # warm caches: the capture is of a steady request
    _reset(offer_id)
    statements = capture(in_process, spare)
    _reset(offer_id)
    plan = replay_plan(statements, spare, numbers)
    port = 18765
    server = _server(port)
    product: dict[str, list[float]] = {"pairs": [], "p99": [], "p50": []}
    limit: dict[str, list[float]] = {"pairs": [], "p99": [], "p50": []}
    try:
        for rep in range(repetitions):
            per_s, samples = replay(plan, members, threads, rep)
            limit["pairs"].append(per_s)
            limit["p99"].append(_p99(samples))
            limit["p50"].append(statistics.median(samples))
            _reset(offer_id)
            per_s, samples, outcomes = _load(
                port, bearer, offer_id, numbers[:members], threads, rep
            )
            offer = Offer.objects.get(pk=offer_id)
            redeemed = Redemption.objects.filter(offer_id=offer_id).count()
            assert offer.used <= offer.quota and offer.spent <= offer.budget, "overspent"
            assert redeemed == offer.used == outcomes.get(201, 0) == offer.quota, (
                redeemed,
                outcomes,
            )
            product["pairs"].append(per_s)
            product["p99"].append(_p99(samples))
            product["p50"].append(statistics.median(samples))
            _reset(offer_id)
    finally:
        server.terminate()
        server.wait(timeout=10)
    what = f"counter verify+redeem ({WORKERS} workers, {threads} clients, {members} members)"
    record(f"{what}", "pairs/s", product["pairs"], limit["pairs"])
    record(f"{what} p99", "ms", product["p99"], limit["p99"], higher_is_better=False)
    record(f"{what} p50", "ms", product["p50"], limit["p50"], higher_is_better=False)
    print(
        f"benefits: {len(statements)} statements per pair replayed bare; quota "
        f"{Offer.objects.get(pk=offer_id).quota} of {members} members held in every repetition, "
        "budget not overspent"
    )
    return {
        "pairs_per_s": statistics.median(product["pairs"]),
        "p99_ms": statistics.median(product["p99"]),
        "limit_pairs_per_s": statistics.median(limit["pairs"]),
    }


def _load(
    port: int, bearer: str, offer_id: int, numbers: list[str], threads: int, rep: int
) -> tuple[float, list[float], dict[int, int]]:
    """One run of the product: ``threads`` keep-alive HTTP clients, a verify+redeem pair per
    member; (pairs/s, pair latencies ms, answers of the redemptions by status)."""
    from gonghui.members.services.cards import card_token

    samples: list[float] = []
    outcomes: dict[int, int] = {}
    lock = threading.Lock()
    local = threading.local()

    def post(path: str, body: dict[str, Any], **headers: str) -> tuple[int, dict[str, Any]]:
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

    def worker(chunk: range) -> None:
        for i in chunk:
            token = card_token(numbers[i])
            t0 = time.perf_counter()
            status, verified = post("/api/shop/verify", {"token": token})
            assert status == 200 and verified["valid"], verified
            status, _ = post(
                "/api/redemptions",
                {"token": token, "offer_id": offer_id, "bill_amount": "50"},
                **{"Idempotency-Key": f"bench-{rep}-{i:08d}"},
            )
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                samples.append(elapsed)
                outcomes[status] = outcomes.get(status, 0) + 1
        conn = getattr(local, "conn", None)
        if conn is not None:
            conn.close()

    chunks = [range(k, len(numbers), threads) for k in range(threads)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, chunks))
    return len(numbers) / (time.perf_counter() - start), samples, outcomes


def main() -> None:
    standalone(run, 2)


if __name__ == "__main__":
    main()
