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


def timed(phase: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[phase] += time.perf_counter() - started

    return wrapper


def instrument() -> None:
    """Wrap each phase's entry points (nested phases are subtracted when printed)."""
    from gonghui.core.importing import base, reader
    from gonghui.members import importers
    from gonghui.members.bulkload import pg_copy as import_pg

    base.Importer.convert = timed("normalise", base.Importer.convert)
    importers.MemberImporter.clean_row = timed("validate", importers.MemberImporter.clean_row)
    importers.MemberImporter.prepare_batch = timed(
        "prepare (unions, early ID check)", importers.MemberImporter.prepare_batch
    )
    import_pg.blind_indexes = timed("blind index", import_pg.blind_indexes)
    importers.blind_indexes = timed("blind index (early)", importers.blind_indexes)
    import_pg.encrypt_many = timed("encrypt", import_pg.encrypt_many)
    import_pg.BackgroundMemberWriter._write_new = timed(
        "build COPY rows", import_pg.BackgroundMemberWriter._write_new
    )
    import_pg.copy_rows = timed("COPY (background thread)", import_pg.copy_rows)
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
    import_worker._Encoders.rows = timed("worker: encode rows", import_worker._Encoders.rows)
    import_pg.seal = timed("worker: seal", import_pg.seal)
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

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
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
            instrument()
            started = time.perf_counter()

            def body() -> Any:
                with path.open("rb") as fh:
                    options = {"initial": True} if initial else {}
                    if initial:
                        members.empty_tables()
                    return MemberImporter(actor=admin, org_path=root.path, options=options).run(
                        fh, path.name
                    )

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
        print(f"  {phase:36s} {seconds:7.2f} s  {seconds / total * 1e6:6.1f} µs/row")


if __name__ == "__main__":
    main()
