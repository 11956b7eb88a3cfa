"""Where one counter pair (verify + redeem) and one member search spend their time, in process:
the WSGI application as gunicorn calls it (every middleware, ninja, the ORM, JSON), one request
at a time, on the benchmark's data (bench.benefits.build, bench.search.build).

Prints per request: wall time, Python CPU (``time.process_time``), the time spent inside the
database driver, and with ``--profile`` the cProfile functions of largest own time and the
cumulative time of each phase (middleware, authentication, ninja's parsing and rendering, the
service). Run: ``DATABASE_URL=postgres://… REDIS_URL=redis://… python -m bench.profile_requests
[--profile] [pairs]`` (it creates and drops its own test database).
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

STATEMENTS: list[str] = []  # every statement run, in order (the wrapper of _driver_time)
# Functions whose cumulative time is a phase of the request (a name may match several frames:
# the phase is the outermost one's time).
PHASES = {
    "whole request": "base.py:*(get_response)",
    "view (ninja operation)": "operation.py:*(run)",
    "authentication": "operation.py:*(_run_authentication)",
    "input parsing and validation": "operation.py:*(_get_values)",
    "output validation and rendering": "operation.py:*(_result_to_response)",
    "database driver (execute)": "cursor.py:*(execute)",
    "cache get": "redis.py:*(get)",
    "cache get_many": "redis.py:*(get_many)",
    "cache set": "redis.py:*(set)",
    "cache add": "redis.py:*(add)",
}


def _wsgi_call(app: Any, method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    status: list[str] = []
    chunks = app(environ, lambda s, h, *rest: status.append(s))
    data = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    assert status[0][:3] in ("200", "201"), (status, data[:300])
    return data


def _driver_time() -> Callable[[], float]:
    """Seconds spent in the driver's execute, summed (a wrapper on every connection query)."""
    from django.db import connection

    spent = [0.0]

    def wrapper(execute: Any, *args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(*args)
        finally:
            spent[0] += time.perf_counter() - t0
            STATEMENTS.append(args[0])

    connection.execute_wrappers.append(wrapper)
    return lambda: spent[0]


def _cache_calls() -> Callable[[], int]:
    """The number of calls of the shared cache's client (one round trip each)."""
    from django.core.cache import cache

    client = cache._cache  # type: ignore[attr-defined]
    made = [0]
    original = client.get_client

    def counted(*args: Any, **kwargs: Any) -> Any:
        made[0] += 1
        return original(*args, **kwargs)

    client.get_client = counted
    return lambda: made[0]


def _package(path: str, func: str) -> str:
    """Where a function's own time goes: a package (django.db, ninja, psycopg …), the project,
    or waiting on a socket."""
    if func in (
        "<method 'recv' of '_socket.socket' objects>",
        "<method 'sendall' of '_socket.socket' objects>",
    ) or (path.endswith("psycopg/connection.py") and func == "wait"):
        return "socket I/O (waiting)"
    if "site-packages/" in path:
        parts = path.split("site-packages/", 1)[1].split("/")
        return ".".join(parts[:3] if parts[0] == "django" else parts[:1])
    if "/src/gonghui/" in path:
        return "gonghui." + path.split("/src/gonghui/", 1)[1].split("/")[0]
    return "stdlib and builtins" if path != "~" else "builtins"


def _measure(
    name: str, calls: list[Callable[[], Any]], profile: bool, counters: tuple[Any, Any]
) -> None:
    driver, caches = counters
    k0, s0 = caches(), len(STATEMENTS)
    walls, cpus, sqls = [], [], []
    # --cpu: the profile's clock is the process's CPU time, so a call preempted by PostgreSQL on a
    # shared core (a send that wakes the server) is not charged its wait
    timer = time.process_time if "--cpu" in sys.argv else time.perf_counter
    profiler = cProfile.Profile(timer) if profile else None
    for call in calls:
        d0, c0, w0 = driver(), time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        call()
        if profiler:
            profiler.disable()
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
        sqls.append((driver() - d0) * 1000)
    n = len(calls)
    print(
        f"{name}: {(caches() - k0) / n:.1f} cache round trips, "
        f"{(len(STATEMENTS) - s0) / n:.1f} SQL statements per request"
    )
    print(
        f"{name}: {n} requests; median wall {statistics.median(walls):.2f} ms, "
        f"Python+driver CPU {statistics.median(cpus):.2f} ms, "
        f"inside the driver {statistics.median(sqls):.2f} ms (wall)"
    )
    if "--sql" in sys.argv:
        print("\n".join(f"  {sql[:300]}" for sql in STATEMENTS[-(len(STATEMENTS) - s0) // n :]))
    if profiler:
        stats = pstats.Stats(profiler)
        per = 1000 / n
        for label, pattern in PHASES.items():
            file, func = pattern.split(":*")
            cum = max(
                (
                    v[3]
                    for k, v in stats.stats.items()
                    if k[0].endswith(file) and f"({k[2]})" == func
                ),  # type: ignore[attr-defined]
                default=0.0,
            )
            print(f"  {label:<34} {cum * per:7.2f} ms per request (profiled)")
        by_package: dict[str, float] = {}
        for (path, _line, func), row in stats.stats.items():  # type: ignore[attr-defined]
            by_package[_package(path, func)] = by_package.get(_package(path, func), 0.0) + row[2]
        for package, own in sorted(by_package.items(), key=lambda kv: -kv[1])[:14]:
            print(f"    own time in {package:<30} {own * per:7.2f} ms per request (profiled)")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("PROFILE_SORT", "tottime")
        ).print_stats(int(os.environ.get("PROFILE_LINES", "18")))
        print(out.getvalue().split("\n", 6)[-1])


def run(pairs: int = 200, profile: bool = False) -> None:
    from django.core.handlers.wsgi import WSGIHandler

    from bench import benefits, search
    from gonghui.accounts.services.accounts import token_issue
    from gonghui.members.services.cards import card_token

    app = WSGIHandler()
    counters = (_driver_time(), _cache_calls())
    offer_id, numbers, staff = benefits.build(pairs * 2)  # quota: 80 % of them
    counter = {"Authorization": f"Bearer {token_issue(user=staff)}"}

    def pair(i: int) -> None:
        token = card_token(numbers[i])
        body = json.dumps({"token": token}).encode()
        _wsgi_call(app, "POST", "/api/shop/verify", body, counter)
        body = json.dumps({"token": token, "offer_id": offer_id, "bill_amount": "50"}).encode()
        key = {"Idempotency-Key": f"profile-{i:08d}"}
        _wsgi_call(app, "POST", "/api/redemptions", body, {**counter, **key})

    pair(pairs * 2 - 1)  # warm: caches, plans, imports
    _measure(
        "counter pair (verify + redeem)",
        [lambda i=i: pair(i) for i in range(pairs)],
        profile,
        counters,
    )

    chair, people = search.build(2000)
    officer = {"Authorization": f"Bearer {token_issue(user=chair)}"}
    body = json.dumps({"q": people[1000][0]}).encode()

    def find() -> None:
        _wsgi_call(app, "POST", "/api/members/search", body, officer)

    find()
    _measure("member search by full ID", [find] * pairs, profile, counters)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    try:
        run(int(args[0]) if args else 200, profile="--profile" in sys.argv)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
