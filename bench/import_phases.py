"""Where the member import's time goes, phase by phase (issue 18 item 3, ADR 0019).

``python -m bench.import_phases [rows]`` on a throwaway PostgreSQL database: builds the org
tree (bench.orgs_scope, 1/10 scale), generates the roster CSV, then imports it once with each
phase's functions wrapped by a timer. The wall time of each phase is printed, and per row; the
COPY runs in the background and is timed there (it overlaps the phases of the main thread).
"""

from __future__ import annotations

import collections
import functools
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SPENT: collections.Counter[str] = collections.Counter()
CPU: collections.Counter[str] = collections.Counter()  # the calling thread's CPU


BACKEND: collections.Counter[str] = collections.Counter()  # PostgreSQL backend CPU
# PHASES_PROFILE_WORKER: the per-row phases untimed (their timers would dominate the profile).
PER_ROW_OFF = bool(os.environ.get("PHASES_PROFILE_WORKER"))
_BACKEND_PID: list[int] = []


def backend_cpu() -> float:
    """CPU seconds so far of the job's PostgreSQL backend (same host, /proc)."""
    if not _BACKEND_PID:
        return 0.0
    with open(f"/proc/{_BACKEND_PID[0]}/stat", "rb") as fh:
        fields = fh.read().rsplit(b")", 1)[-1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(phase: str, fn: Any, *, per_row: bool = False) -> Any:
    """``fn`` timed (wall, this thread's CPU and, unless called per row, the backend's)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if per_row and PER_ROW_OFF:
            return fn(*args, **kwargs)
        started, cpu = time.perf_counter(), time.thread_time()
        pg = 0.0 if per_row else backend_cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[phase] += time.perf_counter() - started
            CPU[phase] += time.thread_time() - cpu
            if not per_row:
                BACKEND[phase] += backend_cpu() - pg

    return wrapper


def instrument() -> None:
    """Wrap each phase's entry points (nested phases are subtracted when printed)."""
    from gonghui.core.importing import base, reader
    from gonghui.members import importers
    from gonghui.members.bulkload import pg_copy as import_pg

    base.Importer.convert = timed("normalise", base.Importer.convert, per_row=True)
    importers.MemberImporter.clean_row = timed(
        "validate", importers.MemberImporter.clean_row, per_row=True
    )
    importers.MemberImporter.prepare_batch = timed(
        "prepare (unions, early ID check)", importers.MemberImporter.prepare_batch
    )
    import_pg.blind_indexes = timed("blind index", import_pg.blind_indexes, per_row=True)
    importers.blind_indexes = timed("blind index (early)", importers.blind_indexes, per_row=True)
    import_pg.encrypt_many = timed("encrypt", import_pg.encrypt_many, per_row=True)
    import_pg.BackgroundMemberWriter._write_new = timed(
        "build COPY rows", import_pg.BackgroundMemberWriter._write_new
    )
    import_pg.copy_rows = timed("COPY (background thread)", import_pg.copy_rows)
    import_pg.copy_bytes = timed("COPY bytes (background thread)", import_pg.copy_bytes)
    import_pg.existing = timed("existing members lookup", import_pg.existing)
    importers.MemberImporter.drain = timed("wait for the COPY", importers.MemberImporter.drain)
    importers.MemberImporter.finish = timed("finish (counters)", importers.MemberImporter.finish)
    from gonghui.core.importing import worker
    from gonghui.members.bulkload import tally as import_tally
    from gonghui.members.bulkload import worker as import_worker

    worker.BlockWorker.receive = timed("wait for the worker", worker.BlockWorker.receive)
    worker.BlockWorker.submit = timed("send to the worker", worker.BlockWorker.submit)
    import_worker.MemberBlocks.apply = timed(
        "apply a block (parent)", import_worker.MemberBlocks.apply
    )
    import_worker.MemberBlocks.encode_block = _child_timed(import_worker.MemberBlocks.encode_block)
    import_worker._Encoders.rows = timed(
        "worker: encode rows", import_worker._Encoders.rows, per_row=True
    )
    import_pg.seal = timed("worker: seal", import_pg.seal, per_row=True)
    import_tally.bump_all = timed("counters bump", import_tally.bump_all)
    original = reader.read_table

    def read_table(*args: Any, **kwargs: Any) -> Any:
        table = original(*args, **kwargs)
        table.rows = _timed_iter(table.rows)
        return table

    base.read_table = read_table


def _child_timed(fn: Any) -> Any:
    """In the worker process: its own phases, printed every 10 blocks (stderr)."""
    calls = [0]
    profiler = None
    if os.environ.get("PHASES_PROFILE_WORKER"):  # the child's own profile, after 40 blocks
        import cProfile

        profiler = cProfile.Profile()

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            if profiler is not None:
                return profiler.runcall(fn, *args, **kwargs)
            return fn(*args, **kwargs)
        finally:
            if profiler is not None and calls[0] == 39:
                import pstats

                pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
            SPENT["worker: block"] += time.perf_counter() - started
            SPENT["worker: block, CPU"] += time.process_time() - cpu
            calls[0] += 1
            if calls[0] % 10 == 0:
                print(f"worker after {calls[0]} blocks: {dict(SPENT)}", file=sys.stderr)

    return wrapper


def _timed_iter(rows: Any) -> Any:
    rows = iter(rows)
    while True:
        started = time.perf_counter()
        try:
            row = next(rows)
        except StopIteration:
            return
        finally:
            SPENT["parse"] += time.perf_counter() - started
        yield row


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    os.environ.setdefault("QUICK", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench import members, orgs_scope
    from gonghui.accounts.models import User
    from gonghui.members.importers import MemberImporter
    from gonghui.orgs.models import Org, OrgKind

    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        orgs_scope.build_tree(orgs_scope.GRASSROOTS // 10)
        root = Org.objects.filter(parent__isnull=True).order_by("path").first()
        codes = list(
            Org.objects.filter(kind=OrgKind.GRASSROOTS)
            .order_by("path")
            .values_list("code", flat=True)
        )
        admin = User.objects.create(username="bench-phases", is_superuser=True)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "members.csv"
            members.generate_csv(path, total, codes)
            initial = os.environ.get("PHASES_INITIAL") == "1"
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                _BACKEND_PID.append(cursor.fetchone()[0])
            instrument()
            started = time.perf_counter()

            def body() -> Any:
                with path.open("rb") as fh:
                    options = {"initial": True} if initial else {}
                    if initial:
                        members.empty_tables()
                    cpu = members.cpu_seconds()
                    out = MemberImporter(actor=admin, org_path=root.path, options=options).run(
                        fh, path.name
                    )
                    print(f"CPU a row: {members.cpu_line(cpu, total)}")
                    return out

            if os.environ.get("PHASES_PROFILE"):
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                result = profiler.runcall(members.rolled_back, body)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            else:
                result = members.rolled_back(body)
            wall = time.perf_counter() - started
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    print(f"{total:,} rows in {wall:.2f} s ({total / wall:,.0f} rows/s), {result}")
    # blind index (early) runs inside prepare; the COPY in its own thread.
    SPENT["prepare (unions, early ID check)"] -= SPENT["blind index (early)"]
    for phase, seconds in SPENT.most_common():
        print(
            f"  {phase:36s} {seconds:7.2f} s  {seconds / total * 1e6:6.1f} µs/row wall, "
            f"{CPU[phase] / total * 1e6:6.1f} µs/row CPU, "
            f"{BACKEND[phase] / total * 1e6:6.1f} µs/row PostgreSQL"
        )


if __name__ == "__main__":
    main()
