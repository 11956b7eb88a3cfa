"""Where the time of a province's statistics goes (issue 18.2): run on a database the bench
kept (``GONGHUI_BENCH_KEEPDB=1 GONGHUI_BENCH_ONLY=orgs_scope,members_scope,stats``), e.g.

    DATABASE_URL=postgres://…/test_gh_x python -m bench.stats_phases [runs] [--profile]

For the province API and dashboard: wall and Python CPU (``time.process_time``) per request,
each statement's text, count and time (an execute wrapper), the time outside the database,
and ``EXPLAIN ANALYZE`` of each distinct statement; with ``--profile`` the top functions of
cProfile by Python CPU (cumulative and own).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from gonghui.accounts.models import User
    from gonghui.orgs.models import Org

    setup_test_environment()
    runs = int(next((a for a in sys.argv[1:] if a.isdigit()), "100"))
    admin, _created = User.objects.get_or_create(
        username="bench-stats", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    code = Org.objects.get(depth=0).code
    for label, url in (("API", f"/api/stats/{code}"), ("dashboard", f"/stats/{code}/")):
        statements: dict[str, list[float]] = defaultdict(list)
        params_of: dict[str, Any] = {}

        def wrapper(
            execute: Callable[..., Any],
            sql: str,
            params: Any,
            many: bool,
            ctx: Any,
            statements: dict[str, list[float]] = statements,
            params_of: dict[str, Any] = params_of,
        ) -> Any:
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, ctx)
            finally:
                statements[sql].append((time.perf_counter() - t0) * 1000)
                params_of[sql] = params

        client.get(url)  # warm
        walls, cpus = [], []
        with connection.execute_wrapper(wrapper):
            for _ in range(runs):
                w0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                cpus.append((time.process_time() - c0) * 1000)
                walls.append((time.perf_counter() - w0) * 1000)
                assert response.status_code == 200
        in_db = sum(sum(v) for v in statements.values()) / runs
        walls.sort()
        print(
            f"== {label} {url}: wall p50 {statistics.median(walls):.2f} ms, "
            f"p95 {walls[int(runs * 0.95) - 1]:.2f} ms; Python CPU p50 "
            f"{statistics.median(cpus):.2f} ms; in the driver {in_db:.2f} ms per request; "
            f"load {os.getloadavg()[0]:.1f}"
        )
        for sql, times in sorted(statements.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {len(times) / runs:4.1f}x {statistics.median(times):7.3f} ms  {sql[:150]}")
        for sql in statements:
            if (
                not sql.lstrip("( ").upper().startswith("SELECT")
                or connection.vendor != "postgresql"
            ):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params_of[sql])
                plan = [row[0] for row in cursor.fetchall()]
            print(f"  -- {sql[:100]}\n     " + "\n     ".join(plan[-2:] + plan[:3]))
        if "--profile" in sys.argv:
            profile = cProfile.Profile(time.process_time)  # CPU: the load's waits left out
            profile.enable()
            for _ in range(runs):
                client.get(url)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
