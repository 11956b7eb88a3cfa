"""Version tokens in the shared cache (Redis in production).

Data cached per process or in the cache itself is keyed by a token; a change replaces the
token, so every worker reloads on its next look. A random token, not a counter, so a cleared
cache never brings an old version back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

# key -> (version, loaded at (monotonic), value): what this process read under a version.
_local: dict[str, tuple[str, float, Any]] = {}
# Entries kept per process at most (one per counter account, merchant or officer seen): past it
# the process starts over rather than grow with the province's accounts.
LOCAL_MAX = 20_000


def current(key: str) -> str:
    version = cache.get(key)
    if version is None:
        # A cleared or cold cache: start a new version so no process keeps older data.
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key) or ""
    return str(version)


def current_many(*keys: str) -> str:
    """The tokens of ``keys`` joined, in one round trip when all exist (the common case)."""
    found = cache.get_many(keys)
    return ":".join(str(found[k]) if k in found else current(k) for k in keys)


def remembered(key: str, version: str, load: Callable[[], T], ttl: float) -> T:
    """``load()`` as this process last read it under ``version``, at most ``ttl`` seconds old
    (what a door bypassing the services, a raw SQL fix, can leave behind). The value is shared
    by every request of the process: callers copy what they change."""
    now = time.monotonic()
    hit = _local.get(key)
    if hit is not None and hit[0] == version and now - hit[1] < ttl:
        return hit[2]
    value = load()
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[key] = (version, now, value)
    return value


def bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=None)


def forget(key: str) -> None:
    """The data behind ``key`` changed in the current transaction: bump now and again on commit,
    so that a reload which read the rows before the commit is never the one that stays."""
    bump(key)
    transaction.on_commit(lambda: bump(key))
