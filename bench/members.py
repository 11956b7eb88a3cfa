"""The member roster import at province scale (issue 5), on the tree bench.orgs_scope built.

1. Generate N member rows as a CSV file (valid ID numbers, phones, dictionary values, union
   codes spread over the grassroots unions).
2. The import: ``MemberImporter`` end to end from the CSV (reading, header detection, cell
   normalization, ID validation, dictionaries, duplicates, encryption, blind indexes, cards,
   history rows, counters), rolled back after each repetition; its peak memory.
3. Its limit, in the same run: a binary ``COPY`` of the very rows it wrote (encrypted) into the
   three real tables with their indexes and constraints, rolled back too.
4. The first load (``--initial``) into emptied tables, against the same ``COPY`` into the
   tables without their secondary indexes plus the index build.
5. 100k rows three times each; 1M once each in full mode (minutes per repetition).
6. Scoped search p50/p95 over all members, and card verifications per second.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from stdnum.cn import ric

from bench.timing import QUICK, measure, record, scaled
from gonghui.accounts.models import User
from gonghui.core.scoping import prefix_q
from gonghui.members.bulkload import first_load as import_first
from gonghui.members.bulkload import writer as bulk
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Card, Member, MembershipChange
from gonghui.members.selectors import MemberFilters, member_page
from gonghui.members.services.cards import card_code, card_token, card_verify
from gonghui.orgs.models import Org, OrgKind, Post

HEADER = ["姓名", "身份证号码", "民族", "学历", "政治面貌", "手机号码", "所属工会编码", "入会时间"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
# Home regions of Henan other than the one bench.members_scope uses (410105): no collisions.
# issue 18 item 3: peak memory of a 1,000,000-row CSV import.
CSV_PEAK_MB = 250
# The 1M size runs once per mode in full mode (a repetition is minutes on the shared machine).
FULL_ONCE = not QUICK
REGIONS = ["410102", "410103", "410122", "410302", "410311", "411302", "410781", "411081"]


def generate_csv(path: Path, total: int, union_codes: list[str]) -> None:
    """``total`` distinct people: (region, birth date, sequence) is unique per row number."""
    rng = random.Random(5)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(total):
            region = REGIONS[i % len(REGIONS)]
            j = i // len(REGIONS)
            born = dt.date(1962, 1, 1) + dt.timedelta(days=(j // 1000) % 14000)
            body = f"{region}{born:%Y%m%d}{j % 1000:03d}"
            writer.writerow(
                [
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    body + ric.calc_check_digit(body + "0"),
                    rng.choice(("汉", "汉族", "回族", "满族")),
                    rng.choice(("本科", "大学本科", "大专", "高中", "硕士研究生")),
                    rng.choice(("群众", "党员", "共青团员")),
                    f"15{i:09d}" if i % 3 else "",
                    union_codes[i % len(union_codes)],
                    f"{2000 + i % 25}-{1 + i % 12:02d}-01",
                ]
            )


TABLES = (
    (Member, bulk.MEMBER_COLUMNS, "id"),
    (MembershipChange, bulk.CHANGE_COLUMNS, "member_id"),
    (Card, bulk.CARD_COLUMNS, "member_id"),
)


class Rollback(Exception):
    """Raised to roll a measured repetition back (the next one starts from the same tables)."""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Linux: the peak RSS (VmHWM) starts again from the current RSS."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def peak_since_reset_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()


def cpu_seconds() -> dict[str, float]:
    """CPU time so far of this process (all threads), of its waited-for children (the import's
    worker) and of its PostgreSQL backend (same host, /proc): load-independent figures."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    backend = 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat", "rb") as fh:
        fields = fh.read().rsplit(b")", 1)[-1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return {
        "parent": time.process_time(),
        "worker": children.ru_utime + children.ru_stime,
        "PostgreSQL": backend,
    }


def cpu_line(before: dict[str, float], total: int) -> str:
    after = cpu_seconds()
    return ", ".join(
        f"{name} {(after[name] - before[name]) / total * 1e6:.1f} µs" for name in before
    )


def dump_rows(first_id: int) -> list[bytes]:
    """The imported rows of the three tables (members with id > first_id), binary COPY."""
    dumps = []
    with connection.cursor() as cursor:
        for model, columns, key in TABLES:
            names = ", ".join(columns)
            buffer = io.BytesIO()
            with cursor.cursor.copy(
                f"COPY (SELECT {names} FROM {model._meta.db_table} WHERE {key} > {int(first_id)} "
                f"ORDER BY id) TO STDOUT (FORMAT binary)"
            ) as copy:
                for chunk in copy:
                    buffer.write(chunk)
            dumps.append(buffer.getvalue())
    return dumps


def copy_dump(dumps: list[bytes]) -> None:
    with connection.cursor() as cursor:
        for (model, columns, _key), data in zip(TABLES, dumps, strict=True):
            with cursor.cursor.copy(
                f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN (FORMAT binary)"
            ) as copy:
                view = memoryview(data)
                for start in range(0, len(view), 1 << 20):
                    copy.write(view[start : start + (1 << 20)])


def empty_tables() -> None:
    """Inside a rolled-back savepoint: the three tables as an installation's first load finds
    them (the benchmark's earlier steps registered members)."""
    with connection.cursor() as cursor:
        names = ", ".join(model._meta.db_table for model, _c, _k in TABLES)
        cursor.execute(f"TRUNCATE {names} CASCADE")


def vacuum() -> None:
    """Rolled-back repetitions leave dead rows: the next one starts from clean tables."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM " + ", ".join(model._meta.db_table for model, _c, _k in TABLES))


def rolled_back(fn: Any) -> Any:
    """fn() inside a savepoint that is rolled back afterwards; returns its result."""
    out = None
    try:
        with transaction.atomic():
            out = fn()
            raise Rollback
    except Rollback:
        pass
    vacuum()
    return out


def timed_import(path: Path, admin: User, root: Org, *, initial: bool, dump: bool) -> Any:
    """One import of the file, rolled back: (seconds, peak RSS MB, dumped rows or None)."""
    first_id = Member.objects.aggregate(m=Max("id"))["m"] or 0

    def body() -> tuple[float, tuple[float, float], list[bytes] | None]:
        if initial:
            empty_tables()
        gc.collect()
        reset_peak()
        before = peak_since_reset_mb()
        cpu = cpu_seconds()
        started = time.perf_counter()
        with path.open("rb") as fh:
            options = {"initial": True} if initial else {}
            importer = MemberImporter(actor=admin, org_path=root.path, options=options)
            result = importer.run(fh, path.name)
        seconds = time.perf_counter() - started
        peak = peak_since_reset_mb()
        print(f"  CPU a row (import): {cpu_line(cpu, result.total)}")
        if importer.blocks is not None:  # the worker process's own (its start: shared pages)
            start, end = importer.worker_rss_mb
            print(f"  worker process peak RSS: {end:.0f} MB ({start:.0f} MB when it started)")
        assert result.imported == result.total, result
        return seconds, (before, peak), dump_rows(0 if initial else first_id) if dump else None

    return rolled_back(body)


def timed_limit(dumps: list[bytes], total: int, *, initial: bool) -> float:
    """The three-table binary COPY of the same encrypted rows into the real tables, with
    their indexes and constraints (or, for a first load, without and built after)."""

    def body() -> float:
        if initial:
            empty_tables()
        cpu = cpu_seconds()
        started = time.perf_counter()
        deferred = import_first.defer_indexes() if initial else None
        copy_dump(dumps)
        if deferred is not None:
            import_first.rebuild_indexes(deferred)
        seconds = time.perf_counter() - started
        print(f"  CPU a row (limit): {cpu_line(cpu, total)}")
        return seconds

    return rolled_back(body)


def import_figures(total: int, path: Path, admin: User, root: Org) -> None:
    """Each mode's rows/s beside its limit, repetitions alternating product and limit."""
    reps = 3 if total <= 100_000 or not FULL_ONCE else 1
    reps = int(os.environ.get("GONGHUI_BENCH_IMPORT_REPS", reps))  # 1M on a shared machine
    label = f"{total // 1000:,}k" if total < 1_000_000 else f"{total / 1e6:g}M"
    modes = os.environ.get("GONGHUI_BENCH_IMPORT_MODES", "import,initial").split(",")
    for initial in [m == "initial" for m in modes]:
        mode = "import_members --initial" if initial else "member import"
        products: list[float] = []
        limits: list[float] = []
        peaks: list[float] = []
        befores: list[float] = []
        dumps: list[bytes] | None = None
        for _rep in range(reps):
            seconds, peak, dumped = timed_import(
                path, admin, root, initial=initial, dump=dumps is None
            )
            dumps = dumps or dumped
            products.append(total / seconds)
            befores.append(peak[0])
            peaks.append(peak[1])
            assert dumps is not None
            limits.append(total / timed_limit(dumps, total, initial=initial))
        what = "COPY unindexed + index build" if initial else "three-table COPY"
        record(f"{mode} {label} CSV rows/s (limit: {what})", "rows/s", products, limits)
        # The benchmark process already holds the earlier steps' memory: the RSS it had when
        # the import started is printed beside the peak (the import's own share is the rise).
        print(
            f"  peak RSS during the import: {min(peaks):.0f}–{max(peaks):.0f} MB ({reps} runs; "
            f"{min(befores):.0f}–{max(befores):.0f} MB before it started)"
        )
        rise = max(p - b for p, b in zip(peaks, befores, strict=True))
        if total >= 1_000_000:  # the import's own memory: the process held the rest before
            assert rise < CSV_PEAK_MB, f"the import's RSS rose {rise:.0f} MB at {total:,} rows"


def run() -> None:
    sizes = [
        int(n)
        for n in os.environ.get(
            "GONGHUI_BENCH_IMPORT_ROWS", f"{scaled(100_000)},{scaled(1_000_000)}"
        ).split(",")
    ]
    root = Org.objects.filter(parent__isnull=True).order_by("path").first()
    assert root is not None, "run after bench.orgs_scope (it builds the tree)"
    codes = list(
        Org.objects.filter(kind=OrgKind.GRASSROOTS).order_by("path").values_list("code", flat=True)
    )
    admin = User.objects.create(username="bench-import", is_superuser=True)
    postgres = connection.vendor == "postgresql"
    with tempfile.TemporaryDirectory() as tmp:
        for total in sizes:
            path = Path(tmp) / f"members-{total}.csv"
            started = time.perf_counter()
            generate_csv(path, total, codes)
            print(
                f"import: generated {total:,} rows ({path.stat().st_size / 1e6:.0f} MB CSV) in "
                f"{time.perf_counter() - started:.1f} s"
            )
            if postgres:
                import_figures(total, path, admin, root)
        # The rows the search and card benchmarks below run on: the first size, kept.
        path = Path(tmp) / f"members-{sizes[0]}.csv"
        started = time.perf_counter()
        with path.open("rb") as fh:
            result = MemberImporter(actor=admin, org_path=root.path).run(fh, path.name)
        seconds = time.perf_counter() - started
        print(
            f"import: {sizes[0]:,} rows kept for the searches below, {sizes[0] / seconds:,.0f} "
            f"rows/s (imported {result.imported:,}, rejected {result.rejected:,})"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    search(sizes[0])
    verify()


def search(total: int) -> None:
    county = Org.objects.get(code="B7-3")
    officer = User.objects.create(username="bench-import-officer")
    Post.objects.create(user=officer, org=county, role="chair", org_path=county.path)
    officer = User.objects.get(pk=officer.pk)
    members = Member.objects.count()
    sample = Member.objects.filter(prefix_q("org_path", county.path)).order_by("-id").first()
    assert sample is not None
    number, phone = sample.id_number, sample.phone or "15000000001"
    print(f"search over {members:,} members ({total:,} imported), as a county officer:")
    for name, query in (("name prefix", "王"), ("full ID", number), ("phone", phone)):
        timing = measure(
            f"  member_page by {name}",
            lambda i, q=query: member_page(
                viewer=officer, filters=MemberFilters(query=q), after_id=None
            ),
        )
        print(timing.line())


def verify() -> None:
    cards = list(Card.objects.order_by("-id").values_list("number", flat=True)[:500])
    now = time.time()
    tokens = [card_token(n, now=now) for n in cards]
    codes = [(n, card_code(n, now=now)) for n in cards]
    by_token = measure(
        "card_verify (QR token)",
        lambda i: card_verify(guesser=f"bench:{i}", token=tokens[i % len(tokens)], now=now),
        2000,
    )
    by_code = measure(
        "card_verify (card number + dynamic code)",
        lambda i: card_verify(
            guesser=f"bench:{i}", card_no=codes[i % 500][0], code=codes[i % 500][1], now=now
        ),
        2000,
    )
    with connection.cursor() as cursor:
        bare = measure(
            "  bare SQL: card and member by number",
            lambda i: (
                cursor.execute(
                    "SELECT c.status, m.status, m.name FROM members_card c JOIN members_member m "
                    "ON m.id = c.member_id WHERE c.number = %s",
                    [cards[i % len(cards)]],
                ),
                cursor.fetchall(),
            ),
            2000,
        )
    print(by_token.line(bare))
    print(by_code.line(bare))
    print(bare.line())
    print(f"(peak RSS of the benchmark process: {peak_rss_mb():.0f} MB)", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit("run with: python -m bench")
