"""Hostile files never take the service down (issue 16, item 5), and a killed import leaves
nothing half done (issue 19, the production drill): each hostile file is built here."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import zipfile
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from gonghui.core.importing import jobs, liveness
from gonghui.core.importing.jobs import execute_import_job, job_create
from gonghui.core.models import AuditEvent, ImportJob, JobStatus
from gonghui.core.schedule import periodic_job
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Card, Member
from tests.conftest import Cast, fresh
from tests.factories import HEADER, person, problem_rows, resident, workbook

PEOPLE = [resident(f"41010519800101{n:02d}1") for n in range(1, 8)]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def roster(count: int = 5) -> bytes:
    return workbook([person(n, f"会员{n}", PEOPLE[n]) for n in range(count)])


def new_job(cast: Cast, data: bytes, name: str = "会员.xlsx") -> ImportJob:
    return job_create(
        importer=MemberImporter,
        actor=fresh(cast.grassroots_officer),
        org_path=cast.grassroots.path,
        fileobj=io.BytesIO(data),
        filename=name,
        options={"org": cast.grassroots.code},
    )


def run_job(cast: Cast, data: bytes, name: str = "会员.xlsx") -> ImportJob:
    job = new_job(cast, data, name)
    execute_import_job(job)
    job.refresh_from_db()
    return job


def far_cell_workbook() -> bytes:
    """5 KB: a header and one cell at XFD1048576, as xlsxwriter writes it (it declares the
    dimension A1:XFD1048576)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    sheet.write(1048575, 16383, "x")
    book.close()
    return buffer.getvalue()


def rewritten(data: bytes, change: Any, extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook's zip with each part passed through ``change(name, bytes)`` and extra parts."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def test_a_far_cell_is_refused_by_its_declared_dimension(cast: Cast) -> None:
    data = far_cell_workbook()
    assert len(data) < 8000

    job = run_job(cast, data)

    assert job.status == JobStatus.FAILED
    assert "1048576行×16384列" in job.message and "超过导入上限" in job.message
    assert not Member.objects.filter(union=cast.grassroots).exists()


def test_a_far_cell_under_a_lying_dimension_kills_the_reader_child_not_the_worker(
    cast: Cast, settings: Any
) -> None:
    """The dimension says A1; calamine still builds the 550 GB grid. Before the fix this
    aborted the worker (here: the test process)."""
    settings.GONGHUI_IMPORT_MEMORY_MB = 1024
    data = rewritten(
        far_cell_workbook(),
        lambda name, body: body.replace(b'ref="A1:XFD1048576"', b'ref="A1"'),
    )

    job = run_job(cast, data)

    assert job.status == JobStatus.FAILED
    assert "内存上限（1024 MB）" in job.message
    after = run_job(cast, roster())  # the worker goes on with the next job
    assert after.status == JobStatus.DONE and after.imported == 5


def test_a_zip_bomb_is_refused_by_its_central_directory(cast: Cast, settings: Any) -> None:
    settings.GONGHUI_IMPORT_MAX_UNCOMPRESSED = 8 * 1024 * 1024
    data = rewritten(roster(), lambda name, body: body, {"xl/media/bomb.bin": bytes(16 << 20)})
    assert len(data) < 100_000

    job = run_job(cast, data)

    assert job.status == JobStatus.FAILED
    assert "解压后约16 MB，超过上限8 MB" in job.message


def test_a_workbook_of_ten_thousand_parts_is_refused(cast: Cast) -> None:
    extra = {f"xl/media/p{n}.bin": b"" for n in range(10_001)}
    data = rewritten(roster(), lambda name, body: body, extra)

    job = run_job(cast, data)

    assert job.status == JobStatus.FAILED
    assert "超过上限10000个" in job.message


def test_too_many_declared_rows_or_columns_are_refused(cast: Cast, settings: Any) -> None:
    settings.GONGHUI_IMPORT_MAX_ROWS = 3
    job = run_job(cast, roster(5))
    assert job.status == JobStatus.FAILED and "（3行×100列）" in job.message
    settings.GONGHUI_IMPORT_MAX_ROWS = 1_100_000
    wide = rewritten(
        roster(2),
        lambda name, body: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:CX9"', body),
    )
    job = run_job(cast, wide)
    assert job.status == JobStatus.FAILED and "9行×102列" in job.message


def test_a_51_character_name_rejects_its_row_and_keeps_the_others(
    cast: Cast, tmp_path: Any
) -> None:
    rows = [person(n, f"会员{n}", PEOPLE[n]) for n in range(3)]
    rows.append(person(4, "长" * 51, PEOPLE[4]))

    job = run_job(cast, workbook(rows))

    assert job.status == JobStatus.DONE, job.message
    assert (job.imported, job.rejected) == (3, 1)
    assert not Member.objects.filter(name__startswith="长").exists()

    plain = tmp_path / "problems.xlsx"  # the stored workbook is encrypted (core.storage)
    with job.errors_file.open("rb") as stored:
        plain.write_bytes(stored.read())

    class Result:
        problems_path = str(plain)

    assert "姓名：不能超过50个字（现有51个字）" in problem_rows(Result)["长" * 51][0]


# --- one import per org at a time -------------------------------------------------------------


def test_a_second_import_of_the_org_waits_for_the_first(
    cast: Cast, tmp_path: Any, capsys: Any
) -> None:
    first = new_job(cast, roster())
    assert liveness.job_claim(first) == ""  # running in this (live) process

    second = run_job(cast, roster())

    assert second.status == JobStatus.FAILED
    assert "已有导入在进行" in second.message and "会员.xlsx" in second.message
    assert not Member.objects.filter(union=cast.grassroots).exists()
    # the page refuses the upload with the same reason, the command exits 1 with it
    client = Client()
    client.force_login(cast.grassroots_officer)
    page = client.post(
        f"/members/import/{cast.grassroots.code}/",
        {"file": SimpleUploadedFile("会员.xlsx", roster())},
    )
    assert page.status_code == 200 and "已有导入在进行" in page.content.decode()
    path = tmp_path / "会员.xlsx"
    path.write_bytes(roster())
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(path), "--org", cast.grassroots.code, "--json")
    assert exit_info.value.code == 1
    assert "已有导入在进行" in json.loads(capsys.readouterr().out)["error"]
    # a federation above the union writes the same members: it waits too
    above = job_create(
        importer=MemberImporter,
        actor=fresh(cast.county_officer),
        org_path=cast.county.path,
        fileobj=io.BytesIO(roster()),
        filename="全县.xlsx",
    )
    assert "已有导入在进行" in liveness.job_claim(above)

    ImportJob.objects.filter(pk=first.pk).update(status=JobStatus.DONE)
    assert run_job(cast, roster()).status == JobStatus.DONE


# --- a worker that dies -----------------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (no except Exception)."""


def test_a_worker_killed_mid_import_leaves_no_rows_and_is_reaped_to_failed(
    cast: Cast, monkeypatch: Any
) -> None:
    monkeypatch.setattr(MemberImporter, "batch_size", 2)
    batches = []
    original = MemberImporter.process_batch

    def process_then_die(self: MemberImporter, rows: Any) -> None:
        original(self, rows)
        batches.append(len(rows))
        if len(batches) == 2:  # two batches written, then the worker is killed
            raise Killed

    monkeypatch.setattr(MemberImporter, "process_batch", process_then_die)
    job = new_job(cast, roster(6))

    with pytest.raises(Killed):
        execute_import_job(job)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and batches == [2, 2]
    assert not Member.objects.filter(union=cast.grassroots).exists()  # rolled back
    assert liveness.import_jobs_reap() == 0  # its worker (this process) is alive
    host, pid, started = job.worker.split(":")
    assert (host, int(pid)) == (socket.gethostname(), os.getpid())
    ImportJob.objects.filter(pk=job.pk).update(worker=f"{host}:{dead_pid()}:{started}")

    assert liveness.import_jobs_reap() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "导入进程意外终止，未写入任何数据，可重新导入"
    assert AuditEvent.objects.filter(action="core.import.reaped", target_id=str(job.pk)).exists()
    assert liveness.import_jobs_reap() == 0  # idempotent
    monkeypatch.setattr(MemberImporter, "process_batch", original)
    again = run_job(cast, roster(6))  # the same file again: every row once
    assert (again.status, again.imported) == (JobStatus.DONE, 6)
    assert Member.objects.filter(union=cast.grassroots).count() == 6
    assert Card.objects.filter(member__union=cast.grassroots).count() == 6


def test_a_reused_pid_or_a_silent_host_counts_as_dead(cast: Cast, settings: Any) -> None:
    settings.GONGHUI_IMPORT_STALE_SECONDS = 120
    job = new_job(cast, roster())
    liveness.job_claim(job)
    host, pid, _started = job.worker.split(":")
    now = timezone.now()
    job.worker = f"{host}:{pid}:1"  # this pid, but a process started at another time
    assert liveness.worker_dead(job, now=now)
    job.worker = "worker-7.example:4242:99"  # another host: its heartbeat decides
    job.heartbeat_at = now - dt.timedelta(seconds=60)
    assert not liveness.worker_dead(job, now=now)
    job.heartbeat_at = now - dt.timedelta(seconds=121)
    assert liveness.worker_dead(job, now=now)


def test_the_job_page_reaps_its_job_and_a_periodic_job_sweeps(cast: Cast) -> None:
    job = new_job(cast, roster())
    liveness.job_claim(job)
    host, _pid, started = job.worker.split(":")
    ImportJob.objects.filter(pk=job.pk).update(worker=f"{host}:{dead_pid()}:{started}")
    client = Client()
    client.force_login(cast.grassroots_officer)

    page = client.get(f"/jobs/import/{job.pk}/")

    assert page.status_code == 200
    assert "导入进程意外终止" in page.content.decode()
    polled = client.get(f"/api/jobs/{job.pk}").json()
    assert (polled["status"], polled["message"]) == ("failed", str(liveness.REAPED_MESSAGE))
    other = new_job(cast, roster(), "另一个.xlsx")
    liveness.job_claim(other)
    ImportJob.objects.filter(pk=other.pk).update(worker=f"{host}:{dead_pid()}:{started}")
    assert periodic_job("core.import_reap").task.call() == 1
    other.refresh_from_db()
    assert other.status == JobStatus.FAILED


def test_a_job_reaped_while_it_ran_commits_nothing(cast: Cast, monkeypatch: Any) -> None:
    """A stalled worker that the reaper gave up on must not commit when it wakes up: its last
    step, inside its transaction, finds the job no longer its own."""
    job = new_job(cast, roster(4))
    liveness.job_claim(job)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)  # the reaper's doing
    with pytest.raises(liveness.JobLost), transaction.atomic():
        liveness.job_confirm(job)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    # The reaper runs on another connection; here the confirmation is told the job was lost.
    monkeypatch.setattr(jobs, "job_confirm", lambda job: (_ for _ in ()).throw(liveness.JobLost))

    assert execute_import_job(job) is None

    assert not Member.objects.filter(union=cast.grassroots).exists()
    assert not AuditEvent.objects.filter(action="members.member.imported").exists()


def test_a_csv_cell_of_200_kb_fails_the_file_with_a_reason(cast: Cast) -> None:
    """Before: the csv module's field limit surfaced as an internal error."""
    data = ("姓名,证件号码\n张三," + PEOPLE[0] + "\n李四," + "x" * 200_000 + "\n").encode()

    job = run_job(cast, data, "会员.csv")

    assert job.status == JobStatus.FAILED
    assert "第3行附近无法读取" in job.message
    assert not Member.objects.filter(union=cast.grassroots).exists()


def test_a_file_without_a_path_is_copied_for_the_reader_child(tmp_path: Any) -> None:
    """Remote or encrypted storage hands the importer a stream, not a file on disk."""
    from django.core.files import File

    from gonghui.core.importing import read_table

    before = set(os.listdir(tempfile.gettempdir()))
    table = read_table(File(io.BytesIO(roster(3)), name="imports/会员.xlsx"), "会员.xlsx")
    rows = list(table.rows)

    assert table.size_hint == len(rows) == 7 and rows[3][1] == "姓名"
    assert not {n for n in set(os.listdir(tempfile.gettempdir())) - before if "gonghui-import" in n}
