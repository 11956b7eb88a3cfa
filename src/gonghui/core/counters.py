"""Per-org counters that services keep current in their own transaction (the rollups' source).

A module describes a record by the keys it counts under (``members.current``,
``members.gender.F`` …) at the org path where it counts; when the record changes, the service
calls ``change(before, after)`` with the (path, key) pairs before and after, and only the net
differences are written — one upsert per (path, key), never a lock on an ancestor's row.

``rebuild_counters()`` recomputes every counter from the sources the modules register
(``register_counter_source``): the incremental figures must always equal it.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from gonghui.core.models import OrgCounter

PathKey = tuple[str, str]
Source = Callable[..., Iterable[tuple[str, str, int]]]
_sources: list[tuple[str, Source]] = []
_recountable: dict[str, tuple[Source, tuple[str, ...]]] = {}
_UPSERT_ROWS = 300  # 900 parameters: under SQLite's limit of 999 on old builds


def register_counter_source(name: str, source: Source, prefixes: tuple[str, ...] = ()) -> None:
    """``source()`` yields (org_path, key, value) for every counter the module keeps. With the
    key ``prefixes`` it owns, ``source(paths)`` must yield those of some orgs only: the module
    may then keep its figures with ``recount_source(name, paths)`` after each write."""
    global _sources
    _sources = [(n, s) for n, s in _sources if n != name] + [(name, source)]
    if prefixes:
        _recountable[name] = (source, prefixes)


def recount_source(name: str, paths: Iterable[str]) -> None:
    """Recompute one module's counters at these orgs, in the caller's transaction: for modules
    whose records are few per org (appeals, cases, merchants), simpler than keeping deltas."""
    source, prefixes = _recountable[name]
    wanted = sorted({p for p in paths if p})
    if wanted:
        recount(wanted, prefixes, source(wanted))


def bump(deltas: dict[PathKey, int]) -> None:
    """Add each delta to its counter (created at zero when missing): a few multi-row upserts,
    whatever the number of counters (a batch of an import touches thousands)."""
    rows = [(path, key, delta) for (path, key), delta in deltas.items() if delta]
    table = OrgCounter._meta.db_table
    upsert = f"ON CONFLICT (org_path, key) DO UPDATE SET value = {table}.value + excluded.value"
    with connection.cursor() as cursor:
        if rows and connection.vendor == "postgresql":
            # Three array parameters however many rows: nothing to parse or bind per row.
            paths, keys, values = (list(column) for column in zip(*rows, strict=True))
            cursor.execute(
                f"INSERT INTO {table} (org_path, key, value) "  # noqa: S608
                f"SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::bigint[]) {upsert}",
                [paths, keys, values],
            )
            return
        for start in range(0, len(rows), _UPSERT_ROWS):
            chunk = rows[start : start + _UPSERT_ROWS]
            placeholders = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (org_path, key, value) VALUES {placeholders} {upsert}",  # noqa: S608
                [item for row in chunk for item in row],
            )


def change(before: Iterable[PathKey], after: Iterable[PathKey]) -> None:
    """A record moved from counting under ``before`` to counting under ``after``."""
    deltas: Tally[PathKey] = Tally(after)
    deltas.subtract(before)
    bump(dict(deltas))


def change_weighted(before: dict[PathKey, int], after: dict[PathKey, int]) -> None:
    """Like ``change`` for figures that are amounts (employees), not one per record."""
    deltas: Tally[PathKey] = Tally(after)
    deltas.subtract(before)
    bump(dict(deltas))


def tally(pairs: Iterable[PathKey], sign: int = 1) -> dict[PathKey, int]:
    """Deltas for many records at once (a bulk import adds each new member's keys)."""
    counts: Tally[PathKey] = Tally(pairs)
    return {pair: n * sign for pair, n in counts.items()}


def recount(
    paths: list[str], key_prefixes: tuple[str, ...], figures: Iterable[tuple[str, str, int]]
) -> None:
    """Replace the counters under ``key_prefixes`` at exactly these paths with ``figures``
    (a merge moved records between two orgs: cheaper to recount both than to diff)."""
    stale = OrgCounter.objects.filter(org_path__in=paths)
    for prefix in key_prefixes:
        stale.filter(key__startswith=prefix).delete()
    totals: Tally[PathKey] = Tally()
    for path, key, value in figures:
        totals[(path, key)] += value
    bump(dict(totals))


def computed() -> dict[PathKey, int]:
    """Every counter as the sources compute it now (zeros left out)."""
    totals: Tally[PathKey] = Tally()
    for _name, source in _sources:
        for path, key, value in source():
            totals[(path, key)] += value
    return {pair: value for pair, value in totals.items() if value}


def stored() -> dict[PathKey, int]:
    return {
        (path, key): value
        for path, key, value in OrgCounter.objects.exclude(value=0).values_list(
            "org_path", "key", "value"
        )
    }


@transaction.atomic
def rebuild_counters() -> int:
    """Replace every counter with the sources' figures; returns how many are non-zero."""
    figures = computed()
    OrgCounter.objects.all().delete()
    OrgCounter.objects.bulk_create(
        (OrgCounter(org_path=p, key=k, value=v) for (p, k), v in figures.items()),
        batch_size=5000,
    )
    return len(figures)
