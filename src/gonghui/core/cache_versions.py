"""Version tokens in the shared cache (Redis in production).

Data cached per process or in the cache itself is keyed by a token; a change replaces the
token, so every worker reloads on its next look. A random token, not a counter, so a cleared
cache never brings an old version back.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction


def current(key: str) -> str:
    version = cache.get(key)
    if version is None:
        # A cleared or cold cache: start a new version so no process keeps older data.
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key) or ""
    return str(version)


def bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=None)


def forget(key: str) -> None:
    """The data behind ``key`` changed in the current transaction: bump now and again on commit,
    so that a reload which read the rows before the commit is never the one that stays."""
    bump(key)
    transaction.on_commit(lambda: bump(key))
