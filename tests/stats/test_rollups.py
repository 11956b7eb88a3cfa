"""Hierarchical rollups (issue 18.2, ADR 0018): services write their org's rows only, the
scheduled fold moves the deltas into the descendants' sums, a province reads O(keys) rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gonghui.core import counters, rollups, spreads
from gonghui.core.models import CounterDelta, SubtreeCounter
from gonghui.core.schedule import periodic_job
from gonghui.stats.selectors import member_trend, snapshot_subtree_counters, subtree_counters
from gonghui.stats.services.reports import snapshot_take
from gonghui.stats.tasks import stats_rollups_refresh
from tests.conftest import Cast
from tests.factories import superuser


def _members(cast: Cast, n: int, union: Any = None) -> None:
    """``n`` members' keys at a union (gone when negative), as one aggregated bump (what an
    import does)."""
    path = (union or cast.grassroots).path
    keys = [(path, "members.current"), (path, "members.born.1985"), (path, "members.gender.F")]
    counters.bump(counters.tally(keys * abs(n), sign=1 if n > 0 else -1))


def _above(cast: Cast, key: str = "members.current") -> int:
    """The province's descendants' sum of ``key`` as stored (a bucket: in its dimension's row)."""
    stored, bucket = key, None
    if spreads.dimension_of(key):
        stored, bucket = spreads.dimension_of(key)
    row = SubtreeCounter.objects.filter(org_path=cast.province.path, key=stored).first()
    if row is None:
        return 0
    return row.value if bucket is None else row.spread.get(bucket, 0)


def test_a_service_writes_its_own_rows_and_the_fold_moves_the_deltas_up(cast: Cast) -> None:
    rollups.fold()  # the cast's own writes
    before, above = subtree_counters(cast.province), _above(cast)
    members = before.get("members.current", 0)
    _members(cast, 3)
    assert _above(cast) == above  # no ancestor row written by the service
    assert CounterDelta.objects.filter(org_path=cast.grassroots.path).count() == 3
    assert subtree_counters(cast.province)["members.current"] == members + 3  # live, unfolded
    assert stats_rollups_refresh.call() == 3
    assert not CounterDelta.objects.exists()
    assert _above(cast) == above + 3 and _above(cast, "members.born.1985") == 3
    assert subtree_counters(cast.province)["members.current"] == members + 3
    assert not SubtreeCounter.objects.filter(
        org_path=cast.grassroots.path, key="members.born"
    ).exists()  # a union's descendants' sums leave its own rows out
    _members(cast, -3)
    rollups.fold()
    assert _above(cast, "members.born.1985") == 0  # no zero bucket kept
    assert subtree_counters(cast.province) == before


def test_the_fold_is_a_scheduled_job_every_few_minutes() -> None:
    job = periodic_job("stats.rollups_refresh")
    assert job.cron == "*/5 * * * *" and job.task is stats_rollups_refresh
    assert job.next_run(dt.datetime(2026, 1, 1, 8, 1, tzinfo=dt.UTC)) == dt.datetime(
        2026, 1, 1, 8, 5, tzinfo=dt.UTC
    )


def test_the_dashboard_and_the_api_show_when_the_figures_were_summed(cast: Cast) -> None:
    rollups.fold()
    client = Client()
    client.force_login(superuser())
    body = client.get(f"/stats/{cast.province.code}/").content.decode()
    stamp = re.search(r'id="stats-as-of">截至 (\d\d:\d\d)', body)
    assert stamp is not None
    api = client.get(f"/api/stats/{cast.province.code}").json()
    assert api["as_of"][11:16] == stamp.group(1)


def test_a_snapshot_keeps_the_descendants_sums_of_its_own_rows(cast: Cast) -> None:
    _members(cast, 4)
    _members(cast, 2, cast.sibling_grassroots)
    snapshot_take(label="2026-11")
    _members(cast, 5)  # after the snapshot: not in it
    province = snapshot_subtree_counters(org=cast.province, label="2026-11")
    assert province["members.born.1985"] == 6
    assert snapshot_subtree_counters(org=cast.county, label="2026-11")["members.born.1985"] == 4
    members = province["members.current"]
    assert member_trend(org=cast.province, months=["2026-10", "2026-11"]) == [None, members]
    assert subtree_counters(cast.province)["members.current"] == members + 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of PostgreSQL")
def test_a_province_read_does_not_depend_on_the_number_of_members(cast: Cast) -> None:
    """One statement, the same plan and the same rows whether the province has 6 or 60,000
    members (and a fold in between)."""

    def read() -> tuple[int, list[str], int]:
        with CaptureQueriesContext(connection) as queries:
            figures = subtree_counters(cast.province)
        (query,) = queries.captured_queries
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
        nodes: list[str] = []

        def walk(node: dict[str, Any]) -> None:
            nodes.append(f"{node['Node Type']}:{node.get('Relation Name', '')}")
            for child in node.get("Plans", []):
                walk(child)

        walk(plan[0]["Plan"])
        return len(queries.captured_queries), nodes, len(figures)

    _members(cast, 3)
    _members(cast, 3, cast.sibling_grassroots)
    rollups.fold()
    small = read()
    _members(cast, 30_000)
    _members(cast, 30_000, cast.sibling_grassroots)
    rollups.fold()
    large = read()
    assert small == large
    assert subtree_counters(cast.province)["members.born.1985"] == 60_006
    assert not any("members" in node for node in large[1])


def test_a_distribution_is_one_row_per_org_whatever_its_number_of_years(cast: Cast) -> None:
    """Issue 18.2: birth years and join months are kept as one row per org and dimension, so
    the counter tables grow with the orgs, not with the members' spread of years."""
    from gonghui.core.models import OrgCounter

    path = cast.grassroots.path
    rows_before = OrgCounter.objects.filter(org_path=path).count()
    pairs = []
    for i in range(40):
        pairs += [
            (path, f"members.born.{1960 + i}"),
            (path, f"members.joined.20{10 + i % 15}-0{1 + i % 9}"),
        ]
    counters.bump(counters.tally(pairs))
    rollups.fold()
    stored = OrgCounter.objects.filter(org_path=path)
    assert stored.count() <= rows_before + 2  # at most the two dimensions' rows are new
    born = stored.get(key="members.born")
    assert born.spread["1960"] >= 1 and born.value == sum(born.spread.values())
    assert (
        SubtreeCounter.objects.filter(
            org_path=cast.province.path, key__startswith="members.born"
        ).count()
        == 1
    )
    figures = subtree_counters(cast.province)
    assert all(figures[f"members.born.{1960 + i}"] >= 1 for i in range(40))
    counters.bump(counters.tally(pairs, sign=-1))
    rollups.fold()
    assert subtree_counters(cast.province) == counters_before_of(figures, pairs)


def counters_before_of(figures: dict[str, int], pairs: list[tuple[str, str]]) -> dict[str, int]:
    """``figures`` without the pairs' counts (zeros left out)."""
    left = dict(figures)
    for _path, key in pairs:
        left[key] -= 1
    return {key: value for key, value in left.items() if value}


def _ancestor_rows(cast: Cast) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    """Every stored counter row of the grassroots union's ancestors (the province's own row
    among them), with its row version on PostgreSQL (``xmin``: a no-op UPDATE changes it too)."""
    from gonghui.core.models import OrgCounter

    ancestors = rollups.strict_ancestors(cast.grassroots.path)
    assert cast.province.path in ancestors
    rows: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    for model in (OrgCounter, SubtreeCounter):
        table = model._meta.db_table
        version = "xmin::text" if connection.vendor == "postgresql" else "NULL"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT org_path, key, value, spread, {version} FROM {table} "
                f"WHERE org_path IN ({', '.join(['%s'] * len(ancestors))})",
                ancestors,
            )
            for path, key, value, spread, xmin in cursor.fetchall():
                rows[(table, path, key)] = (value, spread, xmin)
    return rows


def test_member_writes_never_touch_the_province_rows_until_the_fold(cast: Cast) -> None:
    """Issue 18.2, no hot row: registering, retiring and reinstating members at a union writes
    that union's own rows and appends deltas; the province's (and every ancestor's) own and
    descendants' rows are left as they are, not even rewritten, until the scheduled fold."""
    from gonghui.members.services.members import member_change_status
    from tests.factories import join

    join(cast, "41010519800101001")  # the union's rows and the ancestors' sums exist
    rollups.fold()
    before = _ancestor_rows(cast)
    assert any(key[1] == cast.province.path for key in before)
    live = subtree_counters(cast.province)["members.current"]
    made = [join(cast, f"410105198102{10 + i:02d}{i:03d}") for i in range(3)]
    member_change_status(actor=superuser(), member=made[0], action="retain", reason="退休")
    member_change_status(actor=superuser(), member=made[1], action="withdraw", reason="本人申请")
    assert _ancestor_rows(cast) == before
    assert subtree_counters(cast.province)["members.current"] == live + 2  # live deltas
    assert CounterDelta.objects.filter(org_path=cast.grassroots.path).exists()
    assert not CounterDelta.objects.exclude(org_path=cast.grassroots.path).exists()
    rollups.fold()
    after = _ancestor_rows(cast)
    assert after != before  # the fold, and only the fold, moved them
    assert subtree_counters(cast.province)["members.current"] == live + 2
