"""`make bench` (`make bench QUICK=1`: 1/10 scale): run every benchmark on a throwaway
database (DATABASE_URL picks the engine), then print one line of JSON with every figure, its
limit measured in the same run and the ratio (bench.timing.final_json)."""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from types import ModuleType


def _steps(vendor: str) -> list[ModuleType]:
    import importlib

    names = ["orgs_scope", "members_scope", "members", "search", "stats"]
    if vendor == "postgresql":
        names.append("benefits")  # the counter under concurrency: gunicorn over PostgreSQL
    steps = []
    for name in names:  # each on the data of the ones before
        try:
            steps.append(importlib.import_module(f"bench.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
    return steps


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench import timing

    if timing.QUICK:  # steps still sized by their own variables get 1/10 of their default too
        os.environ.setdefault("GONGHUI_BENCH_IMPORT_ROWS", "100000")
    setup_test_environment()
    # GONGHUI_BENCH_KEEPDB=1: reuse the test database of an earlier run and keep it (build the
    # full-scale data once, then re-run a later step on it with GONGHUI_BENCH_ONLY).
    keep = os.environ.get("GONGHUI_BENCH_KEEPDB") == "1"
    name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=keep, serialize=False
    )
    failed: list[str] = []
    started = time.perf_counter()
    try:
        scale = "1/10 (QUICK)" if timing.QUICK else "full"
        machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
        print(f"database: {connection.vendor} ({name}); scale: {scale}; {machine}", file=sys.stderr)
        # GONGHUI_BENCH_ONLY=orgs_scope,members_scope runs only those (a prefix of the chain).
        only = [s for s in os.environ.get("GONGHUI_BENCH_ONLY", "").split(",") if s]
        for step in _steps(connection.vendor):
            short = step.__name__.removeprefix("bench.")
            if only and short not in only:
                continue
            print(f"--- {short}", flush=True)
            try:
                step.run()
            except Exception:  # one broken step must not hide the others' figures
                traceback.print_exc()
                failed.append(short)
    finally:
        if not keep:
            connection.creation.destroy_test_db(name, verbosity=0)
    print(f"--- done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if failed:
        print(f"failed steps: {', '.join(failed)}", file=sys.stderr)
    print(timing.final_json(), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
