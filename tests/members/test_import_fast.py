"""The member import's fast path (issue 18 item 3): the whole file's counters in one bump, the
background write inside the job's one transaction, and the first load (``--initial``)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from gonghui.core import counters
from gonghui.core.importing.jobs import execute_import_job, job_create
from gonghui.core.models import ImportJob, JobStatus
from gonghui.members.bulkload import pg_copy as import_pg
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Card, Member, MembershipChange, MemberStatus
from tests.conftest import Cast, fresh
from tests.factories import person, problem_rows, resident, workbook

A = resident("41010519850312101")  # male, born 1985-03-12

PEOPLE = [resident(f"41010519810202{n:02d}1") for n in range(1, 10)]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the background COPY and --initial: PostgreSQL"
)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def small_batches(monkeypatch: Any) -> None:
    monkeypatch.setattr(MemberImporter, "batch_size", 2)


def roster(count: int, **cells: Any) -> bytes:
    return workbook([person(n, f"会员{n}", PEOPLE[n], **cells) for n in range(count)])


def job_of(cast: Cast, data: bytes, **options: Any) -> ImportJob:
    job = job_create(
        importer=MemberImporter,
        actor=fresh(cast.grassroots_officer),
        org_path=cast.grassroots.path,
        fileobj=io.BytesIO(data),
        filename="会员.xlsx",
        options={"org": cast.grassroots.code, **options},
    )
    execute_import_job(job)
    job.refresh_from_db()
    return job


def test_counters_are_bumped_once_per_file_and_match_a_recount(
    cast: Cast, small_batches: None, monkeypatch: Any
) -> None:
    calls: list[dict[Any, int]] = []
    real_bump = counters.bump

    def spy(deltas: dict[Any, int]) -> None:
        calls.append(deltas)
        real_bump(deltas)

    monkeypatch.setattr(counters, "bump", spy)
    job = job_of(cast, roster(5, phone="13912345678"))
    assert job.status == JobStatus.DONE and Member.objects.count() == 5
    assert len(calls) == 1  # five rows, three batches: one bump
    assert calls[0][(cast.grassroots.path, "members.current")] == 5
    assert counters.drift_at([cast.grassroots.path]) == []

    changed = workbook(
        [person(n, f"会员{n}", PEOPLE[n], migrant="是") for n in range(5)]  # an update each
    )
    assert job_of(cast, changed).status == JobStatus.DONE
    assert len(calls) == 2
    assert calls[1][(cast.grassroots.path, "members.migrant")] == 5
    assert counters.drift_at([cast.grassroots.path]) == []


def test_a_duplicate_names_the_first_row_and_the_document(cast: Cast) -> None:
    data = workbook([person(1, "张三", A), person(2, "张三（重复）", A.lower())])
    result = MemberImporter(
        actor=fresh(cast.grassroots_officer), org_path=cast.grassroots.path
    ).run(io.BytesIO(data), "会员.xlsx")
    reason = problem_rows(result)["张三（重复）"][0]
    assert "与第5行重复" in reason and f"居民身份证 {A}" in reason


@postgres_only
def test_a_failing_background_write_fails_the_job_and_writes_nothing(
    cast: Cast, small_batches: None, monkeypatch: Any
) -> None:
    real_copy = import_pg.copy_rows
    copies: list[str] = []

    def failing(raw: Any, model: Any, *args: Any) -> None:
        copies.append(model.__name__)
        if len(copies) == 4:  # the second batch's members
            raise RuntimeError("disk full")
        real_copy(raw, model, *args)

    monkeypatch.setattr(import_pg, "copy_rows", failing)
    job = job_of(cast, roster(5))
    assert job.status == JobStatus.FAILED
    assert copies[:4] == ["Member", "MembershipChange", "Card", "Member"]
    assert not Member.objects.exists() and not Card.objects.exists()
    assert not MembershipChange.objects.exists()


def _schema() -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    tables = [m._meta.db_table for m in (Member, MembershipChange, Card)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
    return indexes, constraints


@postgres_only
def test_initial_load_rebuilds_the_same_indexes_and_constraints(
    cast: Cast, small_batches: None, monkeypatch: Any
) -> None:
    assert not Member.objects.exists()
    before = _schema()
    assert len(before[0]) > 5  # the tables' own indexes are there to compare
    dropped: list[int] = []
    real_copy = import_pg.copy_rows

    def counting(raw: Any, model: Any, *args: Any) -> None:
        with raw.cursor() as cursor:  # what the load runs against
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = %s", [model._meta.db_table]
            )
            dropped.append(cursor.fetchone()[0])
        real_copy(raw, model, *args)

    monkeypatch.setattr(import_pg, "copy_rows", counting)
    job = job_of(cast, roster(5), initial=True)
    assert job.status == JobStatus.DONE, job.message
    assert dropped and set(dropped) == {1}  # the primary key only, while loading
    assert _schema() == before
    assert Member.objects.count() == 5 and Card.objects.count() == 5
    assert counters.drift_at([cast.grassroots.path]) == []


@postgres_only
def test_initial_load_is_refused_when_members_exist(cast: Cast, tmp_path: Any, capsys: Any) -> None:
    assert job_of(cast, roster(1)).status == JobStatus.DONE
    before = _schema()
    job = job_of(cast, roster(3), initial=True)
    assert job.status == JobStatus.FAILED and "已有数据" in job.message
    assert Member.objects.count() == 1 and _schema() == before
    path = tmp_path / "会员.xlsx"
    path.write_bytes(roster(3))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(path), "--org", "EAST-G1", "--initial", "--json")
    assert exit_info.value.code == 1
    assert "首次导入" in capsys.readouterr().out


def test_initial_load_is_refused_on_sqlite(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run on both databases: on PostgreSQL the connection is made to say it is SQLite."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    job = job_of(cast, roster(2), initial=True)
    monkeypatch.undo()
    assert job.status == JobStatus.FAILED and "PostgreSQL" in job.message
    assert not Member.objects.exists()


def test_card_numbers_carry_the_luhn_digit_stdnum_computes() -> None:
    from stdnum import luhn

    from gonghui.members.bulkload.writer import card_numbers
    from gonghui.members.services.cards import SERIAL_DIGITS

    for prefix in ("41", "0", "123", "99"):
        block = card_numbers(prefix, 1, 500) + card_numbers(prefix, 10**SERIAL_DIGITS - 300, 300)
        assert [n[:-1] for n in block[:2]] == [f"{prefix}{s:0{SERIAL_DIGITS}d}" for s in (1, 2)]
        assert [n[-1] for n in block] == [luhn.calc_check_digit(n[:-1]) for n in block]


def test_the_file_tally_gives_the_deltas_of_keys_of_once_per_counter(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt
    from collections import Counter

    from gonghui.members import counters as member_counters
    from gonghui.members.bulkload import tally as import_tally

    monkeypatch.setattr(import_tally, "UNIONS_PER_BUMP", 1)  # one chunk per union
    unions = [cast.grassroots, cast.sibling_grassroots]
    rows = [
        {
            "union": unions[n % 2],
            "gender": "MF"[n % 3 % 2],
            "birth_date": dt.date(1960 + n % 7, 1 + n % 12, 1 + n % 28),
            "joined_on": dt.date(2000 + n % 5, 1 + n % 12, 1 + n % 28),
            "migrant_worker": n % 4 == 0,
            "new_employment": "delivery" if n % 5 == 0 else "",
            "household_type": ("", "urban", "rural")[n % 3],
        }
        for n in range(200)
    ]
    tally = import_tally.NewMemberTally()
    tally.add(rows[:120])
    tally.add(rows[120:])
    extra = {(unions[0].path, "members.migrant"): -3, ("9999", "members.current"): 2}
    chunks = list(tally.deltas(extra))

    expected: Counter[tuple[str, str]] = Counter()
    for v in rows:
        values = {**v, "status": MemberStatus.ACTIVE, "org_path": v["union"].path}
        expected.update(member_counters.keys_of(values, cards=1))
    expected.update(extra)
    merged: Counter[tuple[str, str]] = Counter()
    for chunk in chunks:
        assert not set(chunk) & set(merged)  # each counter row in one upsert only
        merged.update(chunk)
    assert merged == expected
    assert len(chunks) == 2  # one per union (the path no new member names goes with the last)


def test_the_tally_splits_a_packed_member_into_its_union_and_profile() -> None:
    import datetime as dt
    from types import SimpleNamespace

    from gonghui.members.bulkload import tally as import_tally

    tally = import_tally.NewMemberTally()
    union = SimpleNamespace(pk=2**40 + 7, path="0001000200030004")
    values = {
        "union": union,
        "gender": "F",
        "birth_date": dt.date(2008, 12, 31),
        "joined_on": dt.date(2730, 8, 1),  # the last join month 15 bits hold (12 × 2730 + 7)
        "migrant_worker": True,
        "new_employment": "x",
        "household_type": "rural",
    }
    packed = tally.pack(values)
    assert packed >> import_tally._PROFILE_BITS == union.pk
    fields, pk = import_tally._unpack(packed & import_tally._PROFILE_MASK)
    assert pk == 0
    assert (fields["gender"], fields["birth_date"].year) == ("F", 2008)
    assert (fields["joined_on"].year, fields["joined_on"].month) == (2730, 8)
    assert fields["migrant_worker"] and fields["new_employment"]
    assert tally.households[values["household_type"]] == fields["household_type"]
