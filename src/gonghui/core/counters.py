"""Per-org counters that services keep current in their own transaction (the rollups' source).

A module describes a record by the keys it counts under (``members.current``,
``members.gender.F`` …) at the org path where it counts; when the record changes, the service
calls ``change(before, after)`` with the (path, key) pairs before and after, and only the net
differences are written — one upsert per (path, key), never a lock on an ancestor's row.

``rebuild_counters()`` recomputes every counter from the sources the modules register
(``register_counter_source``): the incremental figures must always equal it. The scheduled
check (``counters_check``, job ``orgs.counters_check``) recomputes a sample of orgs and records
and reports any drift, without correcting it: a drift is a bug to find, not to paper over.
"""

from __future__ import annotations

import json
from collections import Counter as Tally
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gonghui.core import rollups, spreads
from gonghui.core.audit import AuditEvent, audit_record
from gonghui.core.bulksql import bound_cursor, joined, split_array
from gonghui.core.models import CounterDelta, OrgCounter

PathKey = tuple[str, str]
Source = Callable[..., Iterable[tuple[str, str, int]]]
_sources: list[tuple[str, Source]] = []
_recountable: dict[str, tuple[Source, tuple[str, ...]]] = {}


def register_counter_source(name: str, source: Source, prefixes: tuple[str, ...] = ()) -> None:
    """``source()`` yields (org_path, key, value) for every counter the module keeps, and
    ``source(paths)`` those of some orgs only (the scheduled check recomputes a sample). With
    the key ``prefixes`` it owns, the module may keep its figures with
    ``recount_source(name, paths)`` after each write."""
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
    """Add each delta to its counter (created at zero when missing) and append it to the log
    the scheduled fold moves into the ancestors' figures (ADR 0018): a few multi-row
    statements whatever the number of counters, and no row but the org's own is written."""
    rows = [(path, key, delta) for (path, key), delta in deltas.items() if delta]
    if not rows:
        return
    table, log = OrgCounter._meta.db_table, CounterDelta._meta.db_table
    if connection.vendor == "postgresql":
        stored = spreads.compact(rows)  # a dimension's buckets into its one row (core.spreads)
        with bound_cursor() as cursor:  # an import's thousands of counters: no client quoting
            # One statement: the log's insert runs beside the counters' upsert (each column
            # one joined text, split by the server: core.bulksql).
            text, number = split_array("varchar"), split_array("bigint")
            cursor.execute(
                f"WITH logged AS (INSERT INTO {log} (org_path, key, delta) "  # noqa: S608
                f"SELECT * FROM unnest({text}, {text}, {number})) "
                f"INSERT INTO {table} (org_path, key, value, spread) SELECT * FROM "
                f"unnest({text}, {text}, {number}, {split_array('jsonb', nulls=True)}) "
                + rollups.upsert_sql(table),
                [
                    *(joined([row[i] for row in rows]) for i in range(3)),
                    *(joined([row[i] for row in stored]) for i in range(3)),
                    joined([row[3] for row in stored], nulls=True),
                ],
            )
        return
    rollups.add(table, rows)
    rollups.log(rows)


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
    """Set the counters under ``key_prefixes`` at exactly these paths to ``figures`` (a merge
    moved records between two orgs: cheaper to recount both than to diff), by bumping the
    differences so that the ancestors' figures follow."""
    wanted = set(paths)
    totals: Tally[PathKey] = Tally()
    for path, key, value in figures:
        if path in wanted:
            totals[(path, key)] += value
    stale = OrgCounter.objects.filter(org_path__in=paths).exclude(value=0)
    prefixed = Q()
    for prefix in key_prefixes:
        prefixed |= Q(key__startswith=prefix)
    rows = stale.filter(prefixed).values_list("org_path", "key", "value", "spread")
    for path, key, value in spreads.expand_rows(rows):
        totals[(path, key)] -= value
    bump(dict(totals))
    OrgCounter.objects.filter(org_path__in=paths, value=0).delete()


def computed() -> dict[PathKey, int]:
    """Every counter as the sources compute it now (zeros left out)."""
    totals: Tally[PathKey] = Tally()
    for _name, source in _sources:
        for path, key, value in source():
            totals[(path, key)] += value
    return {pair: value for pair, value in totals.items() if value}


def stored() -> dict[PathKey, int]:
    """Every counter as stored (a dimension's row as its bucket keys), zeros left out."""
    rows = OrgCounter.objects.exclude(value=0).values_list("org_path", "key", "value", "spread")
    return {(path, key): value for path, key, value in spreads.expand_rows(rows) if value}


@transaction.atomic
def rebuild_counters() -> int:
    """Replace every counter with the sources' figures; returns how many are non-zero."""
    figures = computed()
    OrgCounter.objects.all().delete()
    OrgCounter.objects.bulk_create(
        (
            OrgCounter(org_path=p, key=k, value=v, spread=json.loads(s) if s else None)
            for p, k, v, s in spreads.compact((p, k, v) for (p, k), v in figures.items())
        ),
        batch_size=5000,
    )
    rollups.rebuild()
    return len(figures)


# --- the scheduled check ------------------------------------------------------------------------

DRIFT_ACTION = "core.counters.drift"
CLEARED_ACTION = "core.counters.drift_cleared"
DRIFT_TEMPLATE = "core.counters.drift"


@dataclass(frozen=True)
class Drift:
    org_path: str
    key: str
    stored: int
    computed: int


def computed_at(paths: list[str]) -> dict[PathKey, int]:
    """The counters of exactly these orgs as the sources compute them now (zeros left out)."""
    wanted = set(paths)
    totals: Tally[PathKey] = Tally()
    for _name, source in _sources:
        for path, key, value in source(sorted(wanted)):
            if path in wanted:
                totals[(path, key)] += value
    return {pair: value for pair, value in totals.items() if value}


def drift_at(paths: list[str]) -> list[Drift]:
    """Stored against recomputed counters of these orgs, read in one snapshot (PostgreSQL:
    REPEATABLE READ, so a write committing between the two reads is no false drift)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        computed = computed_at(paths)
        rows = (
            OrgCounter.objects.filter(org_path__in=paths)
            .exclude(value=0)
            .values_list("org_path", "key", "value", "spread")
        )
        stored = {(path, key): value for path, key, value in spreads.expand_rows(rows) if value}
    return [
        Drift(path, key, stored.get((path, key), 0), computed.get((path, key), 0))
        for path, key in sorted(set(stored) | set(computed))
        if stored.get((path, key), 0) != computed.get((path, key), 0)
    ]


def _latest_findings(paths: list[str]) -> dict[str, Any]:
    latest: dict[str, Any] = {}
    events = AuditEvent.objects.filter(
        action__in=[DRIFT_ACTION, CLEARED_ACTION], org_path__in=paths
    ).order_by("org_path", "-created_at", "-id")
    for event in events.only("org_path", "action", "after"):
        latest.setdefault(event.org_path, event)
    return latest


def counters_check(paths: list[str]) -> list[Drift]:
    """Compare these orgs' counters with a recount. A new drift gets an audit row at its org
    and a message to every superuser; a drift already reported unchanged is not reported
    again, and an org found clean after a drift gets a "cleared" row. Nothing is corrected:
    ``gonghui rebuild_stats`` does that once the cause is understood."""
    drifts = drift_at(paths)
    by_path: dict[str, dict[str, dict[str, int]]] = {}
    for drift in drifts:
        by_path.setdefault(drift.org_path, {})[drift.key] = {
            "stored": drift.stored,
            "computed": drift.computed,
        }
    latest = _latest_findings(paths)
    reported: list[str] = []
    with transaction.atomic():
        for path in sorted(set(paths)):
            found, last = by_path.get(path), latest.get(path)
            if found is None:
                if last is not None and last.action == DRIFT_ACTION:
                    audit_record(
                        action=CLEARED_ACTION, actor=None, org_path=path, target_label=path
                    )
                continue
            if last is not None and last.action == DRIFT_ACTION and last.after == {"drift": found}:
                continue
            audit_record(
                action=DRIFT_ACTION,
                actor=None,
                org_path=path,
                target_label=path,
                after={"drift": found},
            )
            reported.append(path)
        if reported:
            _alert_superusers(reported, by_path)
    return drifts


def _alert_superusers(paths: list[str], by_path: dict[str, dict[str, dict[str, int]]]) -> None:
    from gonghui.core.notify import notify

    lines = [
        _("%(path)s %(key)s：存储 %(stored)d，重算 %(computed)d")
        % {"path": path, "key": key, **figures}
        for path in paths
        for key, figures in sorted(by_path[path].items())
    ]
    for user in get_user_model().objects.filter(is_superuser=True, is_active=True):
        notify(
            template=DRIFT_TEMPLATE,
            data={"count": len(paths), "items": "\n".join(lines[:40])},
            to_user=user,
            url="/audit/?action=core.counters",
        )
