"""Scoped member reads at scale: the first page of the member list for a grassroots, a county
and a province officer; a county officer searches by name, ID number (blind index) and phone,
and pages a list by keyset, among N members of a province. Each is compared with the bare SQL
that returns the same rows on this database, scoped by the same path range (ADR 0014)."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable

from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from bench.timing import measure
from gonghui.accounts.models import User, phone_index
from gonghui.core.scoping import path_upper, prefix_q
from gonghui.members.models import Member
from gonghui.members.selectors import MemberFilters, member_page
from gonghui.members.services import id_index
from gonghui.orgs.models import Org, OrgKind, Post

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def build_members(total: int) -> tuple[list[Org], float, str, str]:
    """Bulk-insert members over the benchmark tree's grassroots unions (bench.orgs_scope)."""
    rng = random.Random(2)
    unions = list(Org.objects.filter(kind=OrgKind.GRASSROOTS).order_by("path"))
    now, started = timezone.now(), time.perf_counter()
    sample_id = sample_phone = ""
    batch: list[Member] = []
    for i in range(total):
        union = unions[i % len(unions)]
        # (birth date, sequence) is unique per i: 1,000 sequence numbers per birth date
        born = dt.date(1960, 1, 1) + dt.timedelta(days=(i // 1000) * 7 % 16000)
        body = f"410105{born:%Y%m%d}{i % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        phone = f"13{i:09d}"
        if i == total // 2:
            sample_id, sample_phone = number, phone
        batch.append(
            Member(
                id_type="resident",
                id_number=number,
                id_index=id_index(number),
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender="M",
                birth_date=born,
                phone=phone,
                phone_index=phone_index(phone),
                union=union,
                org_path=union.path,
                joined_on=dt.date(2020, 1, 1),
                consent_at=now,
                consent_purpose="基准测试",
            )
        )
        if len(batch) == 5000:
            Member.objects.bulk_create(batch)
            batch = []
    Member.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return unions, time.perf_counter() - started, sample_id, sample_phone


def run() -> None:
    total = int(os.environ.get("GONGHUI_BENCH_MEMBERS", "200000"))
    _unions, seconds, sample_id, sample_phone = build_members(total)
    print(
        f"members: inserted {total} (encrypted, indexed) in {seconds:.1f} s "
        f"({total / seconds:,.0f} rows/s)"
    )
    county = Org.objects.get(code="B7-3")
    officer = _officer("bench-members", county)
    table = Member._meta.db_table
    # The bare SQL asks for the subtree the way prefix_q does: a range on (org_path, id).
    scope = "m.org_path >= %s AND m.org_path < %s"
    scope_params = [county.path, path_upper(county.path)]

    def bare(sql: str, params: list) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    select = (
        f"SELECT m.*, u.* FROM {table} m JOIN orgs_org u ON u.id = m.union_id "
        f"LEFT JOIN orgs_employer e ON e.id = m.employer_id WHERE {scope}"
    )
    first_pages(county, bare, select)
    pairs = [
        (
            measure(
                "member_page (county, first 50)",
                lambda i: member_page(viewer=officer, filters=MemberFilters(), after_id=None),
            ),
            measure(
                "  bare SQL: same rows",
                lambda i: bare(f"{select} ORDER BY m.id DESC LIMIT 51", scope_params),
            ),
        ),
        (
            measure(
                "member search by name prefix",
                lambda i: member_page(
                    viewer=officer, filters=MemberFilters(query="王"), after_id=None
                ),
            ),
            measure(
                "  bare SQL: same rows",
                lambda i: bare(
                    f"{select} AND m.name LIKE %s ORDER BY m.id DESC LIMIT 51",
                    [*scope_params, "王%"],
                ),
            ),
        ),
        (
            measure(
                "member search by full ID (blind index)",
                lambda i: member_page(
                    viewer=officer, filters=MemberFilters(query=sample_id), after_id=None
                ),
            ),
            measure(
                "  bare SQL: same rows",
                lambda i: bare(
                    f"{select} AND m.id_index = %s ORDER BY m.id DESC LIMIT 51",
                    [*scope_params, id_index(sample_id)],
                ),
            ),
        ),
        (
            measure(
                "member search by phone (blind index)",
                lambda i: member_page(
                    viewer=officer, filters=MemberFilters(query=sample_phone), after_id=None
                ),
            ),
            measure(
                "  bare SQL: same rows",
                lambda i: bare(
                    f"{select} AND m.phone_index = %s ORDER BY m.id DESC LIMIT 51",
                    [*scope_params, phone_index(sample_phone)],
                ),
            ),
        ),
    ]
    for timing, limit in pairs:
        print(timing.line(limit))
        print(limit.line())


def _officer(username: str, org: Org) -> User:
    officer = User.objects.create(username=username)
    Post.objects.create(user=officer, org=org, role="chair", org_path=org.path)
    return User.objects.get(pk=officer.pk)


def first_pages(county: Org, bare: Callable[[str, list], None], select: str) -> None:
    """The first page of the member list at each level (issue 18 item 1: a grassroots union's
    chair must not wait for the province), against the bare SQL returning the same rows."""
    unions = Org.objects.filter(prefix_q("path", county.path), kind=OrgKind.GRASSROOTS)
    levels = [
        ("grassroots", unions.order_by("path").first()),
        ("county", county),
        ("province", Org.objects.get(code="B")),
    ]
    for level, org in levels:
        assert org is not None
        officer = _officer(f"bench-first-{level}", org)
        size = Member.objects.filter(prefix_q("org_path", org.path)).count()
        timing = measure(
            f"member_page ({level}, {size} members, first 50)",
            lambda i, officer=officer: member_page(
                viewer=officer, filters=MemberFilters(), after_id=None
            ),
        )
        limit = measure(
            "  bare SQL: same rows, same index",
            lambda i, org=org: bare(
                f"{select} ORDER BY m.id DESC LIMIT 51", [org.path, path_upper(org.path)]
            ),
        )
        print(timing.line(limit) + f"  p95 x{timing.p95_ms / limit.p95_ms:5.2f}")
        print(limit.line())
