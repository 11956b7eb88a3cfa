"""DESIGN.md rule 3: files with personal data are deleted by a retention job (core.prune_files);
the job rows stay as the record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from gonghui.core.models import ExportJob, ImportJob
from gonghui.core.retention import prune_job_files
from gonghui.core.schedule import periodic_job
from tests.conftest import Cast


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _import(cast: Cast, days_ago: int) -> ImportJob:
    job = ImportJob.objects.create(
        importer="members", actor=cast.grassroots_officer, org_path=cast.grassroots.path,
        original_name="花名册.xlsx",
    )  # fmt: skip
    job.source.save("roster.xlsx", ContentFile(b"roster"), save=False)
    job.errors_file.save("errors.xlsx", ContentFile(b"problems"), save=False)
    job.save()
    created = timezone.now() - dt.timedelta(days=days_ago)
    ImportJob.objects.filter(pk=job.pk).update(created_at=created)
    return job


def _export(cast: Cast, days_ago: int) -> ExportJob:
    job = ExportJob.objects.create(
        exporter="members", actor=cast.grassroots_officer, org_path=cast.grassroots.path
    )
    job.result.save("members.xlsx", ContentFile(b"export"), save=True)
    created = timezone.now() - dt.timedelta(days=days_ago)
    ExportJob.objects.filter(pk=job.pk).update(created_at=created)
    return job


def test_files_past_retention_are_deleted_and_the_rows_kept(cast: Cast, settings) -> None:
    settings.GONGHUI_IMPORT_FILE_RETENTION_DAYS = 30
    settings.GONGHUI_EXPORT_FILE_RETENTION_DAYS = 7
    old_import, new_import = _import(cast, 31), _import(cast, 29)
    old_export, new_export = _export(cast, 8), _export(cast, 6)
    gone = [Path(old_import.source.path), Path(old_import.errors_file.path)]
    gone.append(Path(old_export.result.path))
    kept = [Path(new_import.source.path), Path(new_import.errors_file.path)]
    kept.append(Path(new_export.result.path))

    assert prune_job_files() == 3
    assert not any(path.exists() for path in gone) and all(path.exists() for path in kept)
    old_import.refresh_from_db()
    old_export.refresh_from_db()
    assert not old_import.source and not old_import.errors_file and not old_export.result
    assert ImportJob.objects.count() == 2 and ExportJob.objects.count() == 2
    assert prune_job_files() == 0  # a second run changes nothing


def test_retention_is_a_daily_scheduled_job() -> None:
    assert periodic_job("core.prune_files").cron == "40 3 * * *"
