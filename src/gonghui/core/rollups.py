"""Subtree figures whose reading cost grows with neither members nor orgs (ADR 0018).

Three tables hold a subtree's figures, and their sum is always exact:

* ``OrgCounter``: each org's own figures, written by the services in their transaction;
* ``SubtreeCounter``: each org's descendants' figures (not its own), as of the last fold;
* ``CounterDelta``: the changes appended by ``counters.bump`` since that fold.

A subtree ``P`` reads its own rows, its ``SubtreeCounter`` rows and the deltas strictly below
``P`` — O(keys + pending deltas) rows, in one statement (one snapshot, so a fold committing
meanwhile is seen entirely or not at all). No service writes an ancestor's row: only the fold
(``fold``, the scheduled job ``stats.rollups_refresh``, under one advisory lock) and a subtree
move (``subtree_moved``) do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gonghui.core import spreads
from gonghui.core.models import CounterDelta, OrgCounter, RollupState, SubtreeCounter
from gonghui.core.scoping import PATH_STEP, path_upper

PathKey = tuple[str, str]
LOCK_ID = 7_010_018  # pg_advisory_xact_lock key: folds, rebuilds and moves take turns
FOLD_BATCH = 20_000
_INSERT_ROWS = 300  # 900 parameters: under SQLite's limit of 999 on old builds


def strict_ancestors(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_STEP, len(path), PATH_STEP)]


def _below(path: str) -> Q:
    """Paths strictly below ``path`` (its descendants, not itself)."""
    upper = path_upper(path)
    return Q(org_path__gt=path) if upper is None else Q(org_path__gt=path, org_path__lt=upper)


def lock() -> None:
    """Serialise the writers of ``SubtreeCounter`` until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def add(table: str, rows: Iterable[tuple[str, str, int]]) -> None:
    """Add (org_path, key, delta) rows to ``table``'s stored values (a dimension's bucket keys
    into its one row per org, core.spreads), creating the rows that are missing."""
    compacted = spreads.compact(rows)
    if not compacted:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Four array parameters however many rows: nothing to parse or bind per row.
            cursor.execute(
                f"INSERT INTO {table} (org_path, key, value, spread) "  # noqa: S608
                "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::bigint[], %s::jsonb[]) "
                + upsert_sql(table),
                [list(column) for column in zip(*compacted, strict=True)],
            )
            return
        for start in range(0, len(compacted), _INSERT_ROWS):
            chunk = compacted[start : start + _INSERT_ROWS]
            cursor.execute(
                f"INSERT INTO {table} (org_path, key, value, spread) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(chunk))} " + upsert_sql(table),
                [item for row in chunk for item in row],
            )


def upsert_sql(table: str) -> str:
    """The ON CONFLICT clause adding a new (org_path, key) row into the stored one."""
    return (
        f"ON CONFLICT (org_path, key) DO UPDATE SET value = {table}.value + excluded.value, "
        f"spread = gonghui_spread_add({table}.spread, excluded.spread)"
    )


def _add_descendants(sums: dict[PathKey, int]) -> None:
    add(SubtreeCounter._meta.db_table, [(path, key, value) for (path, key), value in sums.items()])
    touched = sorted({path for path, _key in sums})
    for start in range(0, len(touched), _INSERT_ROWS):
        SubtreeCounter.objects.filter(
            org_path__in=touched[start : start + _INSERT_ROWS], value=0
        ).delete()


def _stamp() -> None:
    RollupState.objects.update_or_create(pk=1, defaults={"refreshed_at": timezone.now()})


# --- reading --------------------------------------------------------------------------------------


def subtree(path: str) -> dict[str, int]:
    """Every figure of the subtree of ``path``, exact (zeros left out)."""
    return subtree_as_of(path)[0]


def _subtree_sql(bounded: bool) -> str:
    """The subtree's rows and the time of the last fold, in one statement of fixed text: one
    snapshot (the "as of" is the one the figures were summed at) and no ORM compilation."""
    own, below, log, state = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (OrgCounter, SubtreeCounter, CounterDelta, RollupState)
    )
    upper = " AND org_path < %s" if bounded else ""
    return (
        # The stamp's branch first: its column types settle the NULLs of the others'.
        f"SELECT NULL AS key, 0 AS value, NULL AS spread, refreshed_at FROM {state} "  # noqa: S608
        f"WHERE id = 1 UNION ALL SELECT key, value, spread, NULL FROM {own} WHERE org_path = %s "
        f"UNION ALL SELECT key, value, spread, NULL FROM {below} WHERE org_path = %s "
        f"UNION ALL SELECT key, delta, NULL, NULL FROM {log} WHERE org_path > %s{upper}"
    )


def subtree_as_of(path: str) -> tuple[dict[str, int], dt.datetime | None]:
    """Every figure of the subtree of ``path`` (zeros left out), and when the figures above
    each org were last folded (the page's "截至"), read together."""
    upper = path_upper(path)
    params = [path, path, path] if upper is None else [path, path, path, upper]
    with connection.cursor() as cursor:
        cursor.execute(_subtree_sql(upper is not None), params)
        rows = cursor.fetchall()
    totals: Tally[str] = Tally()
    refreshed: Any = None
    for key, value, spread, stamp in rows:
        if key is None:
            refreshed = stamp
            continue
        if spread is None:
            totals[key] += value
            continue
        for bucket_key, n in spreads.expand(key, value, spread):
            totals[bucket_key] += n
    return {key: value for key, value in totals.items() if value}, _aware(refreshed)


def _aware(value: Any) -> dt.datetime | None:
    """A timestamp read by raw SQL as the ORM would return it (SQLite hands back a naive
    UTC datetime or text)."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(value)
    if parsed is not None and settings.USE_TZ and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def children(path: str, child_paths: list[str], key: str) -> tuple[dict[str, int], int]:
    """One figure of each child's subtree, and the org's own (本级): O(children) rows. A
    scalar figure: a dimension's bucket (``members.born.1985``) is not ranked."""
    if spreads.dimension_of(key) is not None:
        raise ValueError(f"{key} is a bucket of a dimension, not a figure to rank by")
    rows = (
        OrgCounter.objects.filter(org_path__in=[path, *child_paths], key=key)
        .values_list("org_path", "value")
        .union(
            SubtreeCounter.objects.filter(org_path__in=child_paths, key=key).values_list(
                "org_path", "value"
            ),
            # A delta at a child itself is in the child's own row already: those below count.
            CounterDelta.objects.filter(_below(path), key=key)
            .exclude(org_path__in=child_paths)
            .values_list("org_path", "delta"),
            all=True,
        )
    )
    own, totals, child_length = 0, Tally[str](), len(path) + PATH_STEP
    for row_path, value in rows:
        if row_path == path:
            own += value
        else:
            totals[row_path[:child_length]] += value
    return dict(totals), own


# --- writing: the fold, a rebuild, a move ---------------------------------------------------------


def log(rows: Iterable[tuple[str, str, int]]) -> None:
    """Append deltas (SQLite; PostgreSQL appends them in ``bump``'s statement)."""
    CounterDelta.objects.bulk_create(
        (CounterDelta(org_path=p, key=k, delta=d) for p, k, d in rows), batch_size=_INSERT_ROWS
    )


def fold() -> int:
    """Move every committed delta into its ancestors' ``SubtreeCounter`` rows, in bounded
    batches, in one transaction (readers see it all or none). Returns the deltas folded."""
    table = CounterDelta._meta.db_table
    folded, sums = 0, Tally[PathKey]()
    with transaction.atomic():
        lock()
        while True:
            with connection.cursor() as cursor:
                # A delta whose writer has not committed is not seen: the next fold takes it.
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN "  # noqa: S608
                    f"(SELECT id FROM {table} ORDER BY id LIMIT %s) "
                    "RETURNING org_path, key, delta",
                    [FOLD_BATCH],
                )
                batch = cursor.fetchall()
            for path, key, delta in batch:
                for ancestor in strict_ancestors(path):
                    sums[(ancestor, key)] += delta
            folded += len(batch)
            if len(batch) < FOLD_BATCH:
                break
        _add_descendants(sums)
        _stamp()
    return folded


def descendant_sums(rows: Iterable[tuple[str, str, int]]) -> dict[PathKey, int]:
    """Each (ancestor, key)'s sum over its descendants' rows (zeros left out)."""
    sums: Tally[PathKey] = Tally()
    for path, key, value in rows:
        for ancestor in strict_ancestors(path):
            sums[(ancestor, key)] += value
    return {pair: value for pair, value in sums.items() if value}


def copy_descendant_sums(
    *, source: str, target: str, where: str = "1 = 1", params: Sequence[Any] = (), extra: Any = None
) -> None:
    """``INSERT INTO target`` the descendant sums of ``source``'s (org_path, key, value, spread)
    rows that match ``where`` (a rebuild, a snapshot); ``extra`` is a leading column's value
    (the snapshot id) when ``target`` has one."""
    lead_column, lead = ("snapshot_id, ", "%s, ") if extra is not None else ("", "")
    lead_params = [extra] if extra is not None else []
    columns = f"{lead_column}org_path, key, value, spread"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ancestors = (
                f"CROSS JOIN LATERAL generate_series({PATH_STEP}, length(s.org_path) - 1, "
                f"{PATH_STEP}) AS n"
            )
            cursor.execute(
                f"INSERT INTO {target} ({columns}) "  # noqa: S608
                f"SELECT {lead}t.*, NULL FROM (SELECT substr(s.org_path, 1, n), s.key, "
                f"SUM(s.value) FROM {source} s {ancestors} "
                f"WHERE s.spread IS NULL AND {where} GROUP BY 1, 2 HAVING SUM(s.value) <> 0) t",
                [*lead_params, *params],
            )
            # A dimension's rows: each bucket summed per ancestor, the buckets folded back
            # into one object per (ancestor, dimension).
            cursor.execute(
                f"INSERT INTO {target} ({columns}) "  # noqa: S608
                f"SELECT {lead}t.anc, t.key, SUM(t.n), jsonb_object_agg(t.bucket, t.n) FROM ("
                "SELECT substr(s.org_path, 1, n) AS anc, s.key, b.key AS bucket, "
                f"SUM(b.value::bigint) AS n FROM {source} s {ancestors} "
                "CROSS JOIN LATERAL jsonb_each_text(s.spread) AS b "
                f"WHERE s.spread IS NOT NULL AND {where} GROUP BY 1, 2, 3 "
                "HAVING SUM(b.value::bigint) <> 0) t GROUP BY t.anc, t.key",
                [*lead_params, *params],
            )
            return
        cursor.execute(
            f"SELECT org_path, key, value, spread FROM {source} s WHERE {where}",  # noqa: S608
            params,
        )
        sums = descendant_sums(spreads.expand_rows(cursor.fetchall()))
        rows = [
            (*lead_params, *row) for row in spreads.compact((p, k, v) for (p, k), v in sums.items())
        ]
        for start in range(0, len(rows), _INSERT_ROWS):
            chunk = rows[start : start + _INSERT_ROWS]
            width = len(chunk[0])
            cursor.execute(
                f"INSERT INTO {target} ({columns}) VALUES "  # noqa: S608
                + ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk)),
                [item for row in chunk for item in row],
            )


def rebuild() -> None:
    """Every ``SubtreeCounter`` from the ``OrgCounter`` rows, no delta pending (a rebuild of
    the counters, in its transaction)."""
    lock()
    CounterDelta.objects.all().delete()
    SubtreeCounter.objects.all().delete()
    copy_descendant_sums(
        source=OrgCounter._meta.db_table,
        target=SubtreeCounter._meta.db_table,
        where="s.value <> 0",
    )
    _stamp()


def subtree_moved(old_path: str, new_path: str) -> None:
    """Before a subtree's paths are rewritten from ``old_path`` to ``new_path`` (in the move's
    transaction): its folded figures leave the old ancestors and join the new ones. Its own
    rows, ``SubtreeCounter`` rows and pending deltas move with the rewrite."""
    lock()
    folded: Tally[str] = Tally()
    for model in (OrgCounter, SubtreeCounter):
        stored = model.objects.filter(org_path=old_path).values_list("key", "value", "spread")
        for key, value, spread in stored:
            for bucket_key, n in spreads.expand(key, value, spread):
                folded[bucket_key] += n
    # The org's own pending deltas are in its own rows but not yet in its ancestors'.
    for key, delta in CounterDelta.objects.filter(org_path=old_path).values_list("key", "delta"):
        folded[key] -= delta
    sums: Tally[PathKey] = Tally()
    for key, value in folded.items():
        for ancestor in strict_ancestors(old_path):
            sums[(ancestor, key)] -= value
        for ancestor in strict_ancestors(new_path):
            sums[(ancestor, key)] += value
    _add_descendants(sums)
