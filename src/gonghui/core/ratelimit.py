"""A fixed-window rate limiter on the cache (Redis in production, local memory in demo)."""

from __future__ import annotations

import time

from django.core.cache import cache


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def hit(bucket: str, rate: str) -> bool:
    """Count one attempt in ``bucket``; False once the rate is exceeded in this window."""
    limit, seconds = parse_rate(rate)
    window = int(time.time() // seconds)
    key = f"rl:{bucket}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    return count <= limit
