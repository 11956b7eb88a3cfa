"""A large member import validated and encoded in a worker process (issue 18 item 3, ADR 0019):
the same outcome as the single process, and a worker that dies, hangs or fails fails the job
with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import time
from typing import Any

import pytest
from django.db import connection, transaction

from gonghui.core import counters
from gonghui.core.importing import worker
from gonghui.core.importing.jobs import execute_import_job, job_create
from gonghui.core.models import ImportJob, JobStatus, OrgCounter
from gonghui.members.bulkload import encode as import_encode
from gonghui.members.bulkload import pg_copy as import_pg
from gonghui.members.bulkload import worker as import_worker
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Card, Member, MembershipChange
from gonghui.members.services.members import member_register
from gonghui.orgs.models import Employer
from tests.conftest import Cast, fresh
from tests.factories import make_org, person, problem_rows, resident, superuser, workbook
from tests.members.test_import import ELSEWHERE, B, messy_rows

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker path writes by binary COPY"
)
PEOPLE = [resident(f"41010519810202{n:02d}1") for n in range(1, 10)]


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def worker_path(settings: Any, monkeypatch: Any) -> None:
    """Every file goes through the worker, in blocks of three rows."""
    settings.GONGHUI_IMPORT_WORKER_MIN_ROWS = 0
    monkeypatch.setattr(MemberImporter, "batch_size", 3)


def roster(count: int) -> bytes:
    return workbook([person(n, f"会员{n}", PEOPLE[n]) for n in range(count)])


def job_of(cast: Cast, data: bytes) -> ImportJob:
    job = job_create(
        importer=MemberImporter,
        actor=fresh(cast.grassroots_officer),
        org_path=cast.grassroots.path,
        fileobj=io.BytesIO(data),
        filename="会员.xlsx",
        options={"org": cast.grassroots.code},
    )
    execute_import_job(job)
    job.refresh_from_db()
    return job


def outcome(cast: Cast, data: bytes) -> tuple[Any, ...]:
    """What an import of ``data`` leaves (ids aside), then rolled back; whether it used a
    worker process."""
    started: list[bool] = []
    real = import_worker.MemberBlocks.__init__

    def spy(self: Any, *args: Any) -> None:
        started.append(True)
        real(self, *args)

    importer = MemberImporter(actor=fresh(cast.grassroots_officer), org_path=cast.grassroots.path)
    found: tuple[Any, ...] = ()
    try:
        with transaction.atomic():
            import_worker.MemberBlocks.__init__ = spy  # type: ignore[method-assign]
            try:
                result = importer.run(io.BytesIO(data), "会员.xlsx")
            finally:
                import_worker.MemberBlocks.__init__ = real  # type: ignore[method-assign]
            members = [
                (
                    m.name,
                    m.id_type,
                    m.id_number,
                    m.id_index,
                    m.phone,
                    m.phone_index,
                    m.gender,
                    m.birth_date,
                    m.ethnicity,
                    m.education,
                    m.political_status,
                    m.migrant_worker,
                    m.employer_id,
                    m.union_id,
                    m.org_path,
                    m.joined_on,
                    m.status,
                    m.consent_purpose,
                    [(c.number, c.status, c.issued_on) for c in Card.objects.filter(member=m)],
                    [
                        (h.kind, h.reason, h.to_status, h.to_union_id, h.occurred_on, h.actor_id)
                        for h in MembershipChange.objects.filter(member=m)
                    ],
                )
                for m in Member.objects.order_by("name")
            ]
            figures = sorted(
                OrgCounter.objects.filter(org_path=cast.grassroots.path).values_list(
                    "key", "value", "spread"
                )
            )
            found = (
                result.summary(),
                problem_rows(result) if result.problems_path else {},
                members,
                figures,
                counters.drift_at([cast.grassroots.path]),
                bool(started),
            )
            raise Rollback
    except Rollback:
        pass
    return found


@postgres_only
def test_the_worker_writes_what_the_single_process_writes(
    cast: Cast, settings: Any, monkeypatch: Any
) -> None:
    other = make_org(cast.town, "grassroots", "东区第二工会委员会", "EAST-G2")
    member_register(
        actor=superuser(),
        union=other,
        id_type="resident",
        id_number=ELSEWHERE,
        name="周九",
        joined_on=dt.date(2015, 1, 1),
        consent_purpose="实名登记",
    )
    Employer.objects.create(
        name="东方精密制造厂",
        union=cast.grassroots,
        registered_by=cast.grassroots,
        org_path=cast.grassroots.path,
    )
    monkeypatch.setattr(MemberImporter, "batch_size", 3)
    data = workbook(messy_rows(B[:-1] + "x" if B[-1] == "X" else B))
    settings.GONGHUI_IMPORT_WORKER_MIN_ROWS = 10**9
    single = outcome(cast, data)
    settings.GONGHUI_IMPORT_WORKER_MIN_ROWS = 0
    split = outcome(cast, data)

    assert single[-1] is False and split[-1] is True
    assert single[0]["imported"] == 6 and single[0]["rejected"] == 5
    assert split[:-1] == single[:-1]
    employers = {m[0]: m[12] for m in split[2]}
    assert employers["张三"] is not None  # found through the parent
    assert employers["钱七"] is None


@postgres_only
def test_a_reimport_through_the_worker_updates_and_changes_nothing_twice(
    cast: Cast, worker_path: None
) -> None:
    assert job_of(cast, roster(5)).status == JobStatus.DONE
    changed = workbook([person(n, f"会员{n}", PEOPLE[n], migrant="是") for n in range(5)])
    job = job_of(cast, changed)
    assert job.status == JobStatus.DONE, job.message
    assert (job.updated, job.imported) == (5, 0)
    assert job_of(cast, changed).unchanged == 5
    assert Member.objects.filter(migrant_worker=True).count() == 5
    assert counters.drift_at([cast.grassroots.path]) == []


def _failing_block(how: str) -> Any:
    real = import_worker.MemberBlocks.encode_block
    calls = [0]

    def encode_block(self: Any, payload: Any) -> Any:
        calls[0] += 1  # counted in the child
        if calls[0] == 2:
            if how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            elif how == "hang":
                time.sleep(120)
            else:
                raise ValueError("a bug in the worker")
        return real(self, payload)

    return encode_block


@postgres_only
@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("kill", "导入校验进程意外终止（被信号 9 终止），未写入任何数据，可重新导入"),
        ("hang", "导入校验进程超过2秒没有响应，已终止；未写入任何数据，可重新导入"),
        ("error", "导入校验进程出错，已记录日志；未写入任何数据，可重新导入"),
    ],
)
def test_a_worker_killed_hung_or_failing_fails_the_job_and_writes_nothing(
    cast: Cast, worker_path: None, settings: Any, monkeypatch: Any, how: str, reason: str
) -> None:
    settings.GONGHUI_IMPORT_WORKER_TIMEOUT = 2
    monkeypatch.setattr(import_worker.MemberBlocks, "encode_block", _failing_block(how))
    pids: list[int | None] = []
    real_init = worker.BlockWorker.__init__

    def spy(self: Any, work: Any) -> None:
        real_init(self, work)
        pids.append(self.pid)

    monkeypatch.setattr(worker.BlockWorker, "__init__", spy)
    started = time.monotonic()
    job = job_of(cast, roster(9))  # three blocks: the first one written before the failure
    assert job.status == JobStatus.FAILED
    assert job.message == reason
    assert time.monotonic() - started < 30
    assert not Member.objects.exists()
    assert not Card.objects.exists() and not MembershipChange.objects.exists()
    assert pids and pids[0] is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)  # the worker is gone (killed and reaped)


@postgres_only
def test_a_small_file_is_imported_in_one_process(cast: Cast, monkeypatch: Any) -> None:
    started: list[bool] = []
    monkeypatch.setattr(worker.BlockWorker, "__init__", lambda *a: started.append(True))
    assert job_of(cast, roster(5)).status == JobStatus.DONE  # below the default 5,000 rows
    assert started == [] and Member.objects.count() == 5


def test_the_worker_process_cannot_use_the_database() -> None:
    with pytest.raises(RuntimeError, match="must not use the database"):
        worker._NoDatabase()()


def test_binary_copy_fields_are_encoded_as_postgresql_reads_them() -> None:
    """Values from the binary COPY format of the PostgreSQL manual (lengths, then big-endian
    data; dates in days and timestamps in microseconds from 2000-01-01)."""
    assert import_encode.encoder("bigint")(1) == b"\x00\x00\x00\x08" + (1).to_bytes(8, "big")
    assert import_encode.encoder("integer")(258) == b"\x00\x00\x00\x04\x00\x00\x01\x02"
    assert import_encode.encoder("bigint")(None) == b"\xff\xff\xff\xff"
    assert import_encode.encoder("date")(dt.date(2000, 1, 2)) == b"\x00\x00\x00\x04" + bytes(
        [0, 0, 0, 1]
    )
    assert (
        import_encode.encoder("date")(dt.date(1999, 12, 31)) == b"\x00\x00\x00\x04\xff\xff\xff\xff"
    )
    moment = dt.datetime(2000, 1, 1, 0, 0, 1, tzinfo=dt.UTC)
    assert import_encode.encoder("timestamp with time zone")(moment) == (
        b"\x00\x00\x00\x08" + (1_000_000).to_bytes(8, "big")
    )
    assert import_encode.encoder("boolean")(True) == b"\x00\x00\x00\x01\x01"
    assert import_encode.encoder("character varying(20)")("工会") == b"\x00\x00\x00\x06" + (
        "工会".encode()
    )
    assert import_encode.table([]) == b"PGCOPY\n\xff\r\n\x00" + bytes(8) + b"\xff\xff"
    assert import_encode.row_head(4, "integer")(7) == b"\x00\x04\x00\x00\x00\x04\x00\x00\x00\x07"


@postgres_only
def test_a_first_load_through_the_worker_loads_unindexed_and_rebuilds(
    cast: Cast, worker_path: None, monkeypatch: Any
) -> None:
    from tests.members.test_import_fast import _schema

    before = _schema()
    indexes_while_loading: list[int] = []
    real_copy = import_pg.copy_bytes

    def counting(raw: Any, model: Any, *args: Any) -> None:
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = %s", [model._meta.db_table]
            )
            indexes_while_loading.append(cursor.fetchone()[0])
        real_copy(raw, model, *args)

    monkeypatch.setattr(import_pg, "copy_bytes", counting)
    job = job_create(
        importer=MemberImporter,
        actor=fresh(cast.grassroots_officer),
        org_path=cast.grassroots.path,
        fileobj=io.BytesIO(roster(7)),
        filename="会员.xlsx",
        options={"org": cast.grassroots.code, "initial": True},
    )
    execute_import_job(job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert indexes_while_loading and set(indexes_while_loading) == {1}
    assert _schema() == before
    assert Member.objects.count() == 7 and Card.objects.count() == 7
    assert counters.drift_at([cast.grassroots.path]) == []
