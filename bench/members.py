"""The member roster import at province scale (issue 5), on the tree bench.orgs_scope built.

1. Generate N member rows as a CSV file (valid ID numbers, phones, dictionary values, union
   codes spread over the grassroots unions).
2. The physical limit: the same file into a plain table of text columns, by ``COPY`` on
   PostgreSQL (``executemany`` on SQLite), in this run.
3. The import: ``MemberImporter`` end to end from the CSV (reading, header detection, cell
   normalization, ID validation, dictionaries, duplicates, encryption, blind indexes, cards,
   history rows): rows/s, the ratio to the limit, and peak memory.
4. Scoped search p50/p95 over all members, and card verifications per second.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection
from stdnum.cn import ric

from bench.timing import measure
from gonghui.accounts.models import User
from gonghui.core.scoping import prefix_q
from gonghui.members.cards import card_code, card_token, card_verify
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Card, Member
from gonghui.members.selectors import MemberFilters, member_page
from gonghui.orgs.models import Org, OrgKind, Post

HEADER = ["姓名", "身份证号码", "民族", "学历", "政治面貌", "手机号码", "所属工会编码", "入会时间"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
# Home regions of Henan other than the one bench.members_scope uses (410105): no collisions.
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


def raw_limit(path: Path) -> float:
    """Seconds to load the same file into a plain table: the physical limit of the write."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_members")
        cursor.execute(
            "CREATE TABLE bench_raw_members (name text, id_number text, ethnicity text, "
            "education text, political text, phone text, union_code text, joined text)"
        )
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            with (
                path.open("rb") as fh,
                cursor.cursor.copy(
                    "COPY bench_raw_members FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
        else:
            with path.open(encoding="utf-8") as fh:
                rows = csv.reader(fh)
                next(rows)
                cursor.executemany(
                    "INSERT INTO bench_raw_members VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows
                )
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_members")
    return seconds


def indexed_limit(skip: int) -> float:
    """Seconds to COPY the imported member rows (already encrypted) into an empty table with
    the member table's indexes: what the schema costs, whatever the code in front of it."""
    table = Member._meta.db_table
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY (SELECT * FROM {table} ORDER BY id OFFSET {int(skip)}) TO STDOUT"
        ) as copy:
            for chunk in copy:
                buffer.write(chunk)
        cursor.execute(f"CREATE TABLE bench_indexed (LIKE {table} INCLUDING ALL)")
        buffer.seek(0)
        started = time.perf_counter()
        with cursor.cursor.copy("COPY bench_indexed FROM STDIN") as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_indexed")
    return seconds


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run() -> None:
    total = int(os.environ.get("GONGHUI_BENCH_IMPORT_ROWS", "1000000"))
    root = Org.objects.filter(parent__isnull=True).order_by("path").first()
    assert root is not None, "run after bench.orgs_scope (it builds the tree)"
    codes = list(
        Org.objects.filter(kind=OrgKind.GRASSROOTS).order_by("path").values_list("code", flat=True)
    )
    admin = User.objects.create(username="bench-import", is_superuser=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "members.csv"
        started = time.perf_counter()
        generate_csv(path, total, codes)
        size_mb = path.stat().st_size / 1e6
        print(
            f"import: generated {total:,} rows ({size_mb:.0f} MB CSV) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        limit = raw_limit(path)
        method = "COPY" if connection.vendor == "postgresql" else "executemany"
        print(f"import: raw {method} into a plain table   {total / limit:10,.0f} rows/s")
        before_count = Member.objects.count()
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        with path.open("rb") as fh:
            result = MemberImporter(actor=admin, org_path=root.path).run(fh, path.name)
        seconds = time.perf_counter() - started
        print(
            f"import: MemberImporter end to end           {total / seconds:10,.0f} rows/s  "
            f"x{seconds / limit:.1f} of raw {method}  ({seconds:.1f} s; imported "
            f"{result.imported:,}, rejected {result.rejected:,}; peak RSS "
            f"{rss_before:.0f} → {peak_rss_mb():.0f} MB)"
        )
        assert Member.objects.count() - before_count == result.imported
    if connection.vendor == "postgresql":
        indexed = indexed_limit(before_count)
        print(
            f"import: raw COPY of the imported rows into a copy of the member table with its "
            f"indexes {total / indexed:,.0f} rows/s (the schema's own write limit; import "
            f"x{seconds / indexed:.1f})"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    search(total)
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
