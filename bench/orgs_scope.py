"""Scoped reads of the union tree at province scale: an officer of one county searches, lists
children and counts a subtree among 201,799 orgs (1/10 in quick mode). Each path is compared
with the bare SQL that returns the same rows (its physical limit on this database), p95 of each
in three repetitions (bench.timing.latency)."""

from __future__ import annotations

import random
import time

from django.db import connection

from bench.datagen import analyze, insert
from bench.timing import latency, scaled
from gonghui.accounts.models import User
from gonghui.core.scoping import path_upper
from gonghui.orgs import selectors
from gonghui.orgs.models import Org, OrgKind, Post
from gonghui.orgs.services.orgs import _segment

CITIES = 18
COUNTIES_PER_CITY = 10
TOWNS_PER_COUNTY = 10
# 1 province + 18 cities + 180 counties + 1,800 towns + 199,800 grassroots unions = 201,799 orgs
GRASSROOTS = 199_800
NAMES = ["机械", "物流", "食品", "建设", "软件", "商贸", "物业", "纺织", "医药", "餐饮"]


def _level(rows: list[Org]) -> list[Org]:
    return Org.objects.bulk_create(rows, batch_size=5000)


def build_tree(grassroots_total: int) -> tuple[int, float]:
    """Bulk-insert a province, level by level: 18 cities × 10 counties × 10 towns, with the
    grassroots unions spread below the towns. Generator only: real data goes through services."""
    rng = random.Random(1)
    per_town = max(1, grassroots_total // (CITIES * COUNTIES_PER_CITY * TOWNS_PER_COUNTY))
    started = time.perf_counter()
    root = Org.objects.create(
        code="B", name="基准省总工会", kind=OrgKind.PROVINCE, path=_segment(1), depth=0
    )
    cities = _level(
        [
            Org(
                code=f"B{c}",
                name=f"第{c}市总工会",
                kind=OrgKind.CITY,
                parent=root,
                path=root.path + _segment(c),
                depth=1,
            )
            for c in range(1, CITIES + 1)
        ]
    )
    counties = _level(
        [
            Org(
                code=f"{city.code}-{k}",
                name=f"{city.name[:-4]}第{k}区总工会",
                kind=OrgKind.COUNTY,
                parent=city,
                path=city.path + _segment(k),
                depth=2,
            )
            for city in cities
            for k in range(1, COUNTIES_PER_CITY + 1)
        ]
    )
    towns = _level(
        [
            Org(
                code=f"{county.code}-{t}",
                name=f"{county.code}-{t}街道工会",
                kind=OrgKind.TOWN,
                parent=county,
                path=county.path + _segment(t),
                depth=3,
            )
            for county in counties
            for t in range(1, TOWNS_PER_COUNTY + 1)
        ]
    )
    grassroots = insert(
        Org,
        (
            Org(
                code=f"{town.code}-{g}",
                kind=OrgKind.GRASSROOTS,
                parent=town,
                depth=4,
                name=f"{rng.choice(NAMES)}{town.code}{g}有限公司工会委员会",
                path=town.path + _segment(g),
            )
            for town in towns
            for g in range(1, per_town + 1)
        ),
    )
    analyze()
    count = 1 + len(cities) + len(counties) + len(towns) + grassroots
    return count, time.perf_counter() - started


def run() -> None:
    count, seconds = build_tree(scaled(GRASSROOTS))
    print(f"orgs: built {count} orgs in {seconds:.1f} s ({count / seconds:,.0f} rows/s)")
    county = Org.objects.get(code="B7-3")
    officer = User.objects.create(username="bench-county")
    Post.objects.create(user=officer, org=county, role="admin", org_path=county.path)
    officer = User.objects.get(pk=officer.pk)
    table = Org._meta.db_table

    def bare(sql: str, params: list) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    queries = ["机械", "物流", "7310", "软件"]
    # The subtree as prefix_q asks for it: a range bounded in the path alphabet.
    in_scope = "o.path >= %s AND o.path < %s"
    scope_params = [county.path, path_upper(county.path)]
    latency(
        "org_search (county scope, name contains)",
        lambda i: selectors.org_search(viewer=officer, query=queries[i % 4]),
        lambda i: bare(
            f"SELECT o.*, p.* FROM {table} o LEFT JOIN {table} p ON p.id = o.parent_id WHERE "
            f"{in_scope} AND (o.name LIKE %s OR o.code = %s OR o.code LIKE %s) "
            f"ORDER BY o.depth, o.path LIMIT 50",
            [*scope_params, f"%{queries[i % 4]}%", queries[i % 4], f"{queries[i % 4]}%"],
        ),
    )
    town = Org.objects.get(code="B7-3-4")
    latency(
        "org_children (a town, with child counts)",
        lambda i: selectors.org_children(viewer=officer, org=town),
        lambda i: bare(
            f"SELECT o.*, EXISTS(SELECT 1 FROM {table} c WHERE c.parent_id = o.id) FROM {table} o "
            f"WHERE o.parent_id = %s ORDER BY o.path",
            [town.pk],
        ),
    )
    latency(
        "org subtree count (county scope)",
        lambda i: selectors.org_queryset(viewer=officer).count(),
        lambda i: bare(f"SELECT COUNT(*) FROM {table} o WHERE {in_scope}", scope_params),
    )
    latency(
        "directory_search (whole province, name)",
        lambda i: selectors.directory_search(query=queries[i % 4]),
        lambda i: bare(
            f"SELECT o.*, p.* FROM {table} o LEFT JOIN {table} p ON p.id = o.parent_id WHERE "
            f"o.status = 'active' AND (o.name LIKE %s OR o.code = %s) ORDER BY o.depth, o.path "
            f"LIMIT 20",
            [f"%{queries[i % 4]}%", queries[i % 4]],
        ),
    )
