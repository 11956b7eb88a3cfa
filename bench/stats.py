"""Subtree statistics at province scale (issue 11), on the tree and members the other
benchmarks built: the counters are rebuilt from the tables, then an officer of the province, a
city and a county reads its figures and its ranking by child org. Each read is compared with
the bare SQL aggregate over the same counter rows (its physical limit), and with counting the
member rows themselves (what the rollups avoid)."""

from __future__ import annotations

import time

from django.db import connection
from django.utils import timezone

from bench.timing import measure
from gonghui.core.counters import bump, rebuild_counters
from gonghui.core.models import OrgCounter
from gonghui.core.scoping import prefix_q
from gonghui.members.models import Member
from gonghui.orgs.models import Org
from gonghui.stats.definitions import compute
from gonghui.stats.selectors import children_ranking, subtree_counters


def run() -> None:
    started = time.perf_counter()
    count = rebuild_counters()
    print(f"stats: rebuild_counters {count:,} counters in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        # A freshly written table: vacuum sets the visibility map, so that subtree sums are
        # index-only scans (autovacuum does this in production).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    today = timezone.localdate()
    table = OrgCounter._meta.db_table
    like = (
        "org_path >= %s AND org_path < %s" if connection.vendor == "sqlite" else "org_path LIKE %s"
    )
    for label, code in (("province", "B"), ("city", "B7"), ("county", "B7-3")):
        org = Org.objects.get(code=code)
        params = (
            [org.path, org.path + "\uffff"] if connection.vendor == "sqlite" else [org.path + "%"]
        )
        ours = measure(
            f"stats of a {label} (figures)",
            lambda i, o=org: compute(subtree_counters(o), today),
            runs=30 if label == "province" else 100,
        )

        def bare(i: int, p: list = params) -> None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT key, SUM(value) FROM {table} WHERE {like} GROUP BY key", p)
                cursor.fetchall()

        limit = measure(
            "  bare SQL: SUM over its counters", bare, runs=30 if label == "province" else 100
        )
        ranking = measure(
            f"ranking of a {label}'s children",
            lambda i, o=org: children_ranking(org=o, key="members.current"),
            runs=30 if label == "province" else 100,
        )
        raw = measure(
            "  counting its member rows instead",
            lambda i, o=org: Member.objects.filter(prefix_q("org_path", o.path)).count(),
            runs=5 if label == "province" else 20,
        )
        print(ours.line(limit))
        print(limit.line())
        print(ranking.line(limit))
        print(raw.line(limit))
    paths = list(Org.objects.filter(kind="grassroots").values_list("path", flat=True)[:1000])
    bumps = measure(
        "counter bump (one member's keys at its union)",
        lambda i: bump(
            {
                (paths[i % len(paths)], "members.current"): 1,
                (paths[i % len(paths)], "members.gender.F"): 1,
            }
        ),
        runs=1000,
    )
    print(bumps.line())
