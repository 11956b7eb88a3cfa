"""Issue 16 item 6: uploaded rosters, problem-row workbooks and proofs are encrypted at rest,
0600, and a problem-row workbook (full ID numbers as typed) needs ``reveal_pii``, audited."""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pytest
import python_calamine
from django.core.management import call_command
from django.test import Client

from gonghui.accounts.models import User
from gonghui.core.importing.jobs import execute_import_job, job_create
from gonghui.core.models import AuditEvent, ImportJob
from gonghui.members.importers import MemberImporter
from tests.conftest import Cast, fresh
from tests.factories import person, resident, workbook

GOOD_ID = resident("41010519800101002")
_RIGHT = resident("41010519800101003")
BAD_ROW_ID = _RIGHT[:-1] + ("1" if _RIGHT[-1] != "1" else "2")  # a wrong check digit


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _roster() -> bytes:
    return workbook([person(1, "张好", GOOD_ID), person(2, "李坏", BAD_ROW_ID)])


def _import(cast: Cast) -> ImportJob:
    job = job_create(
        importer=MemberImporter,
        actor=fresh(cast.grassroots_officer),
        org_path=cast.grassroots.path,
        fileobj=io.BytesIO(_roster()),
        filename="花名册.xlsx",
        options={"org": cast.grassroots.code},
    )
    execute_import_job(job)
    job.refresh_from_db()
    assert job.rejected == 1 and job.errors_file, job.message
    return job


def _on_disk(field_file: Any) -> bytes:
    path = Path(field_file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.read_bytes()


def test_the_roster_and_its_problem_rows_are_ciphertext_on_disk(cast: Cast) -> None:
    job = _import(cast)
    for field_file in (job.source, job.errors_file):
        blob = _on_disk(field_file)
        assert blob.startswith(b"GHF1") and b"PK" not in blob[:64]  # not a readable zip
    with job.errors_file.open("rb") as plain:
        assert plain.read(2) == b"PK"  # the service reads the workbook back


def test_the_problem_rows_need_reveal_pii_and_each_download_is_audited(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _import(cast)
    chair = Client()
    chair.force_login(cast.grassroots_officer)
    url = f"/jobs/import/{job.pk}/errors/"
    page = chair.get(f"/jobs/import/{job.pk}/").content.decode()
    assert url in page
    response = chair.get(url)
    assert response.status_code == 200
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response)))
    assert BAD_ROW_ID in str(book.get_sheet_by_name("问题行").to_python())
    assert AuditEvent.objects.filter(action="core.import.errors_downloaded").count() == 1

    real = User.has_capability
    monkeypatch.setattr(
        User, "has_capability", lambda self, c, p: c != "reveal_pii" and real(self, c, p)
    )
    page = chair.get(f"/jobs/import/{job.pk}/").content.decode()
    assert url not in page and "完整证件号码" in page
    assert chair.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="core.import.errors_downloaded").count() == 1


def test_the_command_line_puts_the_problem_rows_beside_the_operators_file(
    cast: Cast, tmp_path: Path, capsys: Any
) -> None:
    source = tmp_path / "花名册.xlsx"
    source.write_bytes(_roster())
    call_command("import_members", str(source), "--org", cast.grassroots.code, "--json")
    out = capsys.readouterr().out.strip()
    beside = tmp_path / "花名册-问题行.xlsx"
    assert str(beside) in out
    assert stat.S_IMODE(beside.stat().st_mode) == 0o600
    book = python_calamine.CalamineWorkbook.from_path(str(beside))
    assert BAD_ROW_ID in str(book.get_sheet_by_name("问题行").to_python())
