"""Guess and abuse limits on the shared cache (Redis in production), through django-ratelimit.

DESIGN.md rule 12: a limit lives in the service it protects, keyed per account and per client,
so every door to that service is covered. Rates read ``"<count>/<seconds>"``.
"""

from __future__ import annotations

from django_ratelimit.core import get_usage


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def _usage(bucket: str, rate: str, *, increment: bool) -> dict[str, int | bool] | None:
    group, _, value = bucket.partition(":")
    count, seconds = parse_rate(rate)
    return get_usage(
        None,
        group=f"gonghui.{group}",
        key=lambda _group, _request: value or "-",
        rate=f"{count}/{seconds}s",
        increment=increment,
    )


def hit(bucket: str, rate: str) -> bool:
    """Count one attempt in ``bucket`` (``"<what>:<who>"``); False once the rate is exceeded.

    The count is one atomic increment in the cache, so parallel attempts cannot all slip in
    under the limit; a cache that cannot count refuses (fails closed)."""
    usage = _usage(bucket, rate, increment=True)
    return usage is not None and not usage["should_limit"]


def exhausted(bucket: str, rate: str) -> bool:
    """True when ``bucket`` has used up its rate in this window (counts nothing)."""
    usage = _usage(bucket, rate, increment=False)
    return usage is None or int(usage["count"]) >= parse_rate(rate)[0]
