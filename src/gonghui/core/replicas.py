"""Read replicas: heavy read-only paths read from a streaming replica when one is configured.

With ``DATABASE_REPLICA_URL`` set, the settings add a ``replica`` database. Only code that says
so reads from it — dashboards, the statistics API, reports and exports, wrapped in
:func:`replica_reads` (or the :func:`replica_view` decorator) — and only while the replica is
reachable and its replay lag is under ``GONGHUI_REPLICA_MAX_LAG`` seconds; otherwise those reads
go to the primary. Writes, row locks (``select_for_update``) and everything outside such a block
stay on the primary, so nothing is ever read from the replica and then written back.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
PRIMARY = "default"
log = logging.getLogger(__name__)

_wants_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "wants_replica", default=False
)
# Which database served the reads of the current request ("default" or "replica"): logged.
_served_by: contextvars.ContextVar[str | None] = contextvars.ContextVar("served_by", default=None)


class _Health:
    """The replica's state as last checked by this process: checked at most every
    ``GONGHUI_REPLICA_CHECK_SECONDS``, so a page view costs no extra round trip."""

    checked_at = 0.0
    usable = False
    lag: float | None = None
    error = ""


_health = _Health()


def configured() -> bool:
    return REPLICA in settings.DATABASES


def measure_lag() -> float:
    """Seconds the replica is behind the primary (0 when it has replayed all it received)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
            "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
            if connections[REPLICA].vendor == "postgresql"
            else "SELECT 0"
        )
        return float(cursor.fetchone()[0])


def replica_state(*, force: bool = False) -> _Health:
    """Reachability and lag of the replica, re-checked when the last check is stale."""
    now = time.monotonic()
    if not force and now - _health.checked_at < settings.GONGHUI_REPLICA_CHECK_SECONDS:
        return _health
    _health.checked_at = now
    try:
        _health.lag = measure_lag()
        _health.error = ""
        _health.usable = _health.lag <= settings.GONGHUI_REPLICA_MAX_LAG
        if not _health.usable:
            _health.error = f"lag {_health.lag:.1f}s"
    except DatabaseError as exc:
        _health.lag, _health.usable, _health.error = None, False, str(exc).strip()[:200]
        connections[REPLICA].close()  # reconnect at the next check
        log.warning("replica unavailable, reading from the primary: %s", _health.error)
    return _health


def forget_replica_state() -> None:
    _health.checked_at = 0.0


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block may come from the replica (read-only paths only)."""
    token = _wants_replica.set(True)
    try:
        yield
    finally:
        _wants_replica.reset(token)


V = TypeVar("V", bound=Callable[..., Any])


def replica_view(view: V) -> V:
    """A page or API endpoint that only reads: served from the replica when it is usable."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def served_by() -> str | None:
    return _served_by.get()


@contextmanager
def tracking_reads() -> Iterator[None]:
    """Record which database served the reads of one request (for the request log)."""
    token = _served_by.set(None)
    try:
        yield
    finally:
        _served_by.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: replica reads only where asked for and healthy."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        if _wants_replica.get() and configured() and replica_state().usable:
            _served_by.set(REPLICA)
            return REPLICA
        if _served_by.get() is None:
            _served_by.set(PRIMARY)
        return PRIMARY

    def db_for_write(self, model: type, **hints: Any) -> str:
        # Explicit: an instance read from the replica is still saved to the primary.
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: same rows, same relations

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
