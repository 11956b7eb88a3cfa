"""Scoped member lists at scale (issue 18 item 1): the first page of the member list for a
grassroots, a county and a province officer, and a county's next page by keyset, among 1.2 M
members of a province (1/10 in quick mode). Each is compared with the bare SQL that returns the
same rows in the same order, scoped by the same path range (ADR 0015). The searches are
measured in bench.search."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator

from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from bench.datagen import analyze, insert
from bench.timing import latency, scaled
from gonghui.accounts.models import User, phone_index
from gonghui.core.scoping import path_upper, prefix_q
from gonghui.members.models import Member
from gonghui.members.selectors import MemberFilters, member_page
from gonghui.members.services.members import id_index
from gonghui.orgs.models import Org, OrgKind, Post

MEMBERS = 1_200_000
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
PAGE = 50


def _members(total: int, unions: list[Org]) -> Iterator[Member]:
    rng = random.Random(2)
    now = timezone.now()
    for i in range(total):
        union = unions[i % len(unions)]
        # (birth date, sequence) is unique per i: 1,000 sequence numbers per birth date
        born = dt.date(1960, 1, 1) + dt.timedelta(days=(i // 1000) * 7 % 16000)
        body = f"410105{born:%Y%m%d}{i % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        phone = f"13{i:09d}"
        yield Member(
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


def build_members(total: int) -> float:
    """Members spread over the benchmark tree's grassroots unions (bench.orgs_scope), encrypted
    and blind-indexed by their model fields; the seconds it took."""
    unions = list(Org.objects.filter(kind=OrgKind.GRASSROOTS).order_by("path"))
    started = time.perf_counter()
    insert(Member, _members(total, unions))
    analyze()
    return time.perf_counter() - started


def _officer(username: str, org: Org) -> User:
    officer = User.objects.create(username=username)
    Post.objects.create(user=officer, org=org, role="chair", org_path=org.path)
    return User.objects.get(pk=officer.pk)


def run() -> None:
    total = scaled(MEMBERS)
    seconds = build_members(total)
    print(f"members: inserted {total} (encrypted, indexed) in {seconds:.1f} s", flush=True)
    table = Member._meta.db_table
    # The rows member_page shows, in its order; the scope is the range prefix_q asks for.
    select = (
        f"SELECT m.*, u.*, e.* FROM {table} m JOIN orgs_org u ON u.id = m.union_id "
        f"LEFT JOIN orgs_employer e ON e.id = m.employer_id "
        f"WHERE m.org_path >= %s AND m.org_path < %s"
    )
    order = f" ORDER BY m.org_path DESC, m.id DESC LIMIT {PAGE + 1}"

    def bare(sql: str, params: list) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    county = Org.objects.get(code="B7-3")
    unions = Org.objects.filter(prefix_q("path", county.path), kind=OrgKind.GRASSROOTS)
    levels = [
        ("grassroots", unions.order_by("path").first(), {"below": 5.0}),
        ("county", county, {"min_ratio": 1 / 3}),
        ("province", Org.objects.get(code="B"), {"min_ratio": 1 / 3}),
    ]
    for level, org, checks in levels:
        assert org is not None
        officer = _officer(f"bench-first-{level}", org)
        size = Member.objects.filter(prefix_q("org_path", org.path)).count()
        scope = [org.path, path_upper(org.path)]
        latency(
            f"member list first page ({level}, {size} members)",
            lambda i, officer=officer: member_page(
                viewer=officer, filters=MemberFilters(), after_id=None, size=PAGE
            ),
            lambda i, scope=scope: bare(select + order, scope),
            **checks,
        )
    # A county officer pages on: the cursor is the last row's id, as the list view passes it.
    officer = _officer("bench-next-county", county)
    _rows, after = member_page(viewer=officer, filters=MemberFilters(), after_id=None, size=PAGE)
    assert after is not None
    last = Member.objects.get(pk=after)
    latency(
        "member list next page (county)",
        lambda i: member_page(viewer=officer, filters=MemberFilters(), after_id=after, size=PAGE),
        lambda i: bare(
            select + " AND (m.org_path, m.id) < (%s, %s)" + order,
            [county.path, path_upper(county.path), last.org_path, last.pk],
        ),
        min_ratio=1 / 3,
    )
