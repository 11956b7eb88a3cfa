"""Every scoped read of a big table is served by a path index at every level (DESIGN.md rule 1,
"Performance"; issue 18 item 1).

The real selectors run for a grassroots, a county and a province officer; every SELECT they send
to a big table is EXPLAINed with sequential scans priced out (the test data is small, so the
planner would otherwise read the whole table because it is cheap). A plan fails when it reads a
big table sequentially at grassroots or county scope, or when it walks an index that does not
hold the path and filters the path row by row (what ``LIKE 'p%'`` gets under a non-C collation
from a default-opclass index). A lookup by a selective key (the primary key, a blind index, a
member's rows) may check the path as a filter: it reads a handful of rows whatever the scope.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.assistance import selectors as assistance
from gonghui.benefits import selectors as benefits
from gonghui.core.models import AuditEvent, CounterDelta, OrgCounter, SubtreeCounter
from gonghui.core.scoping import PATH_ALPHABET, path_upper
from gonghui.members import selectors as members
from gonghui.members.models import Card, Member, MembershipChange
from gonghui.stats import selectors as stats
from gonghui.stats.models import SnapshotCounter
from gonghui.voice import selectors as voice
from gonghui.voice.models import Appeal
from tests.conftest import Cast, fresh

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="plans are checked on PostgreSQL"
)

BIG = (
    Member,
    MembershipChange,
    Card,
    AuditEvent,
    Appeal,
    OrgCounter,
    SubtreeCounter,
    CounterDelta,
    SnapshotCounter,
)
BIG_TABLES = {m._meta.db_table for m in BIG} | {"benefits_redemption", "assistance_hardshipcase"}
PATH = re.compile(r"\b(org_path|member_path|origin_path|from_path|to_path)\b")
# Equality on these reads a few rows, whatever the scope: the path may be a filter there.
SELECTIVE_KEY = re.compile(r"\b(id|member_id|id_index|phone_index|number)\b\)?(?:::text)?\s*=\s")
LEVELS = ("grassroots", "county", "province")


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found.extend(_nodes(child))
    return found


def _index_lead(index: str) -> tuple[str, str]:
    """The table of ``index`` and its first column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indrelid::regclass::text, a.attname FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "WHERE c.relname = %s",
            [index],
        )
        table, column = cursor.fetchone()
    return table, column


def plan_faults(sql: str, level: str, sort: bool = True) -> list[str]:
    """What is wrong with the plan of ``sql`` for a viewer at ``level`` (empty: nothing).
    ``sort=False`` prices sorts out too: the plan a page gets when its subtree is too big to
    sort, as at county and province scale among a million rows."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"SET LOCAL enable_sort = {'on' if sort else 'off'}")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        finally:  # the settings would last to the end of the transaction the test runs in
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")
    if isinstance(plan, str):
        plan = json.loads(plan)
    faults = []
    for node in _nodes(plan[0]["Plan"]):
        kind, index = node["Node Type"], node.get("Index Name")
        table = node.get("Relation Name")
        cond = str(node.get("Index Cond", ""))
        if index:
            table, lead = _index_lead(index)
            # A condition that does not bound the first column reads the whole index.
            if table in BIG_TABLES and not re.search(rf"\b{lead}\b", cond):
                faults.append(f"{kind} walks all of {index} on {table}: {cond or 'no bound'}")
                continue
        if table not in BIG_TABLES:
            continue
        if kind == "Seq Scan":
            if level != "province":
                faults.append(f"{kind} on {table}")
            continue
        cond += " " + str(node.get("Recheck Cond", ""))
        filtered = PATH.search(node.get("Filter", "")) and not PATH.search(cond)
        if filtered and not SELECTIVE_KEY.search(cond):
            faults.append(
                f"{kind} on {table} via {index or 'a bitmap'} "
                f"filters the path: {node.get('Filter')}"
            )
    return faults


def _reads(cast: Cast) -> dict[str, Callable[[Any, Any], Any]]:
    """The scoped lists, searches and counts of the big tables, as the views call them."""
    member = Member.objects.get(name="会员0")
    card = Card.objects.get(member=member, status="active").number

    def page(query: str) -> Callable[[Any, Any], Any]:
        return lambda viewer, org: members.member_page(
            viewer=viewer, filters=members.MemberFilters(query=query), after_id=None
        )

    return {
        "member list": page(""),
        "member list, next page": lambda viewer, org: members.member_page(
            viewer=viewer, filters=members.MemberFilters(), after_id=member.pk
        ),
        "member list, one union": lambda viewer, org: members.member_page(
            viewer=viewer, filters=members.MemberFilters(org=cast.grassroots), after_id=None
        ),
        "member search by name": page("会员"),
        "member search by ID": page(member.id_number),
        "member search by phone": page("13912340000"),
        "member search by card": page(card),
        "member count": lambda viewer, org: members.member_list(
            viewer=viewer, filters=members.MemberFilters()
        ).count(),
        "member history": lambda viewer, org: list(
            members.member_history(viewer=viewer, member=member)
        ),
        "redemption list": lambda viewer, org: list(benefits.redemption_list(viewer=viewer)[:50]),
        "redemption search by period": lambda viewer, org: list(
            benefits.redemption_list(viewer=viewer, since=dt.date(2025, 1, 1))[:50]
        ),
        "redemption count": lambda viewer, org: benefits.redemption_list(viewer=viewer).count(),
        "appeal list": lambda viewer, org: list(
            voice.appeal_list(viewer=viewer, filters=voice.AppealFilters())[:20]
        ),
        "appeal count": lambda viewer, org: voice.appeal_list(
            viewer=viewer, filters=voice.AppealFilters()
        ).count(),
        "appeal search": lambda viewer, org: list(
            voice.appeal_list(viewer=viewer, filters=voice.AppealFilters(query="工资"))[:20]
        ),
        "case list": lambda viewer, org: list(assistance.case_list(viewer=viewer)[:20]),
        "case search": lambda viewer, org: list(assistance.case_list(viewer=viewer, q="困难")[:20]),
        "case count": lambda viewer, org: assistance.case_list(viewer=viewer).count(),
        "rollup sums": lambda viewer, org: stats.subtree_counters(org),
        "rollup ranking": lambda viewer, org: stats.children_ranking(
            org=org, key="members.current"
        ),
        "snapshot sums": lambda viewer, org: stats.snapshot_subtree_counters(org=org, label="2025"),
    }


@pytest.fixture
def data(cast: Cast) -> Cast:
    from tests.factories import apply, submit
    from tests.factories import members as make_members

    make_members(cast, 3)
    submit(cast)
    apply(cast)
    return cast


def _officer(cast: Cast, level: str) -> Any:
    return fresh(getattr(cast, f"{level}_officer"))


def _big_selects(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip(" (").upper().startswith("SELECT")  # a UNION's parts are bracketed
        and any(f'"{table}"' in q["sql"] for table in BIG_TABLES)
    ]


@pytest.mark.parametrize("level", LEVELS)
def test_scoped_reads_of_big_tables_use_a_path_index(data: Cast, level: str) -> None:
    viewer = _officer(data, level)
    faults = []
    for name, read in _reads(data).items():
        with CaptureQueriesContext(connection) as captured:
            read(viewer, getattr(data, level))
        selects = _big_selects(captured)
        assert selects, f"{name} sent no query to a big table"
        faults += [f"{name}: {fault}" for sql in selects for fault in plan_faults(sql, level)]
    assert not faults, "\n".join(faults)


# The pages whose order must come from a path index: at scale the planner will not sort a county
# or a province for a page of 50, it walks an index in the page's order (issue 18 item 1).
ORDERED_PAGES = ("member list", "member list, next page", "member list, one union")


@pytest.mark.parametrize("level", LEVELS)
def test_scoped_pages_are_read_in_order_from_a_path_index(data: Cast, level: str) -> None:
    """With sorting priced out, a page ordered by anything but its path index walks another
    index (the primary key, backwards) and filters the path: the plan PostgreSQL chose at
    200,000 members for ``ORDER BY id DESC``, 26-58 ms a county page."""
    viewer = _officer(data, level)
    reads = _reads(data)
    faults = []
    for name in ORDERED_PAGES:
        with CaptureQueriesContext(connection) as captured:
            reads[name](viewer, getattr(data, level))
        selects = _big_selects(captured)
        assert selects, f"{name} sent no query to a big table"
        faults += [f"{name}: {f}" for sql in selects for f in plan_faults(sql, level, sort=False)]
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("query", ["", "?action=members&from=2025-01-01"])
def test_audit_list_uses_the_path_index(data: Cast, level: str, query: str, client: Any) -> None:
    client.force_login(getattr(data, f"{level}_officer"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("core:audit_list") + query)
    assert response.status_code == 200
    selects = [sql for sql in _big_selects(captured) if '"core_auditevent"' in sql]
    assert selects
    faults = [fault for sql in selects for fault in plan_faults(sql, level)]
    assert not faults, "\n".join(faults)


def test_the_check_catches_a_walk_that_filters_the_path(data: Cast) -> None:
    """The checker itself: LIKE on the member path cannot use (org_path, id) under this
    database's collation unless it is C, so ordering by id walks the primary key."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        collation = cursor.fetchone()[0]
    if collation in ("C", "POSIX"):
        pytest.skip("under the C collation LIKE uses any btree index")
    sql = (
        f"SELECT id FROM {Member._meta.db_table} WHERE org_path::text LIKE "
        f"'{data.county.path}%' ORDER BY id DESC LIMIT 51"
    )
    assert plan_faults(sql, "county")


def test_the_check_catches_a_primary_key_walk_for_a_page_in_id_order(data: Cast) -> None:
    """The checker itself: a scoped page in id order, with sorting priced out, walks the
    primary key backwards and filters the path (the range bounds only (org_path, id))."""
    path = data.county.path
    sql = (
        f"SELECT id FROM {Member._meta.db_table} WHERE org_path >= '{path}' "
        f"AND org_path < '{path_upper(path)}' ORDER BY id DESC LIMIT 51"
    )
    assert not plan_faults(sql, "county")  # small data: (org_path, id) and a sort
    faults = plan_faults(sql, "county", sort=False)
    assert any("members_member_pkey" in f for f in faults), faults


def test_the_database_collation_orders_paths_like_bytes(db: None) -> None:
    """The range of core.scoping.prefix_q is the subtree only if the columns' collation orders
    strings of the path alphabet like bytes (ADR 0015): C, C.UTF-8, en_US, zh_CN and ICU's root,
    en and zh do; a locale with contractions of Latin letters (Danish 'AA') does not."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH a AS (SELECT substr(%s, i, 1) AS ch FROM generate_series(1, %s) i), "
            "s AS (SELECT x.ch || y.ch || z.ch AS v FROM a x, a y, a z "
            "UNION ALL SELECT x.ch || y.ch FROM a x, a y UNION ALL SELECT ch FROM a) "
            "SELECT array_agg(v ORDER BY v) FROM s",
            [PATH_ALPHABET, len(PATH_ALPHABET)],
        )
        ordered = cursor.fetchone()[0]
    assert ordered == sorted(ordered)


def _big_index_columns(droppable: bool) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(table, index) -> [(column, operator class), ...] of the big tables' column indexes
    (key columns only); ``droppable``: only those neither partial nor unique, which can go
    without changing what the database enforces."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, c.relname, a.attname, o.opcname "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indclass::oid[]) "
            "  WITH ORDINALITY AS k(attnum, opclass, n) "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
            "JOIN pg_opclass o ON o.oid = k.opclass "
            "WHERE t.relname = ANY(%s) AND i.indpred IS NULL AND k.n <= i.indnkeyatts "
            "AND (NOT %s OR NOT i.indisunique) ORDER BY t.relname, c.relname, k.n",
            [sorted(BIG_TABLES), droppable],
        )
        rows = cursor.fetchall()
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for table, index, column, opclass in rows:
        found.setdefault((table, index), []).append((column, opclass))
    return found


def test_no_pattern_ops_index_on_a_big_table_path(db: None) -> None:
    """Scopes are ranges (ADR 0015): a varchar_pattern_ops index on a path column (the ``_like``
    twin of ``db_index=True``) serves no query and costs every write (issue 18 item 3)."""
    found = _big_index_columns(droppable=False)
    assert found, "no index of the big tables was found"
    pattern = [
        f"{table}.{index} ({column} {opclass})"
        for (table, index), columns in found.items()
        for column, opclass in columns
        if PATH.fullmatch(column) and opclass.endswith("_pattern_ops")
    ]
    assert not pattern, "\n".join(pattern)


def test_no_big_table_index_is_the_head_of_another(db: None) -> None:
    """A path or blind-index index whose columns (and operator classes) lead another index of
    the same table is served by that one; a unique index counts as the longer one, never as
    the redundant one. (Foreign-key indexes led by a composite are left to a later diet.)"""
    every = _big_index_columns(droppable=False)
    redundant = [
        f"{table}.{index} {columns} leads {other}"
        for (table, index), columns in _big_index_columns(droppable=True).items()
        if PATH.fullmatch(columns[0][0]) or columns[0][0] == "id_index"
        for (other_table, other), longer in every.items()
        if other_table == table and len(longer) > len(columns) and longer[: len(columns)] == columns
    ]
    assert not redundant, "\n".join(redundant)


def test_a_member_is_found_by_id_index_alone_through_an_index(data: Cast) -> None:
    """The uniqueness (id_index, id_type) leads with the blind index, so the lookups by ID
    (search, imports, the one-person check) need no index of their own on it."""
    member = Member.objects.get(name="会员0")
    sql, params = Member.objects.filter(id_index=member.id_index).only("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    leads = [
        _index_lead(node["Index Name"])
        for node in _nodes(plan[0]["Plan"])
        if node.get("Index Name") and "id_index" in str(node.get("Index Cond", ""))
    ]
    assert (Member._meta.db_table, "id_index") in leads, plan
