"""Distributions stored as one row per org and dimension, not one row per key (issue 18.2).

A module counts a member under ``members.born.1985`` and ``members.joined.2024-05``: one key per
birth year and per join month. Kept one row per key, the counter tables held more than a row per
member. A *dimension* (``members.born``) is declared with ``register_dimension``; its keys are
then stored in one row per org — ``key`` the dimension, ``value`` the total over its buckets,
``spread`` the buckets as a JSON object ``{"1985": 3, "1990": 2}`` — in ``OrgCounter``,
``SubtreeCounter`` and the snapshot tables. The pending-change log (``CounterDelta``) keeps one row
per bucket key: it is folded away every few minutes.

Readers never see the stored shape: ``expand`` turns a row back into its bucket keys, so the
figures are still computed from ``members.born.1985``-style keys. Writers hand ``compact`` their
(path, key, delta) rows. Stored rows add up with ``gonghui_spread_add(a, b)``, a SQL function
that adds two spreads bucket by bucket and drops the buckets that reach zero: core migration
0014 creates it on PostgreSQL, ``install_sqlite_function`` registers it on each SQLite
connection.
"""

from __future__ import annotations

import json
from collections import Counter as Tally
from collections.abc import Iterable, Iterator
from typing import Any

_dimensions: set[str] = set()


def register_dimension(name: str) -> None:
    """Keys ``<name>.<bucket>`` are kept in one row per org (a module's ``ready``)."""
    _dimensions.add(name)


def dimension_of(key: str) -> tuple[str, str] | None:
    """(dimension, bucket) when ``key`` is a bucket of a registered dimension."""
    dimension, dot, bucket = key.rpartition(".")
    if dot and dimension in _dimensions:
        return dimension, bucket
    return None


def compact(rows: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int, str | None]]:
    """(path, key, value, spread JSON or None) rows: one per (path, dimension) for bucket keys,
    the others as they are (zeros left out)."""
    scalars: Tally[tuple[str, str]] = Tally()
    spreads: dict[tuple[str, str], Tally[str]] = {}
    for path, key, value in rows:
        if not value:
            continue
        found = dimension_of(key)
        if found is None:
            scalars[(path, key)] += value
        else:
            spreads.setdefault((path, found[0]), Tally())[found[1]] += value
    out: list[tuple[str, str, int, str | None]] = [
        (path, key, value, None) for (path, key), value in scalars.items() if value
    ]
    for (path, dimension), buckets in spreads.items():
        kept = {bucket: n for bucket, n in sorted(buckets.items()) if n}
        if kept:
            out.append((path, dimension, sum(kept.values()), json.dumps(kept)))
    return out


def expand(key: str, value: int, spread: Any) -> Iterator[tuple[str, int]]:
    """A stored row as the (key, value) pairs it stands for."""
    if spread is None:
        yield key, value
        return
    if isinstance(spread, str):  # a raw SQL read on SQLite
        spread = json.loads(spread)
    for bucket, n in spread.items():
        yield f"{key}.{bucket}", int(n)


def expand_rows(rows: Iterable[tuple[str, str, int, Any]]) -> Iterator[tuple[str, str, int]]:
    """(path, key, value, spread) stored rows as (path, key, value) rows of bucket keys."""
    for path, key, value, spread in rows:
        for bucket_key, n in expand(key, value, spread):
            yield path, bucket_key, n


def _sqlite_spread_add(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return b if a is None else a
    total: Tally[str] = Tally(json.loads(a))
    total.update(json.loads(b))
    return json.dumps({k: n for k, n in sorted(total.items()) if n})


def install_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: the merge function on every SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "gonghui_spread_add", 2, _sqlite_spread_add, deterministic=True
        )
