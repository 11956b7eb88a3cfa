"""Files with personal data are kept only as long as they serve (DESIGN.md rule 3): uploaded
rosters and their problem-row workbooks, and finished exports, are deleted after their retention
period; the job rows stay as the record of what was done."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gonghui.core.models import ExportJob, ImportJob

logger = logging.getLogger(__name__)

BATCH = 500


def _delete(field_file: object) -> None:
    try:
        field_file.delete(save=False)  # type: ignore[attr-defined]
    except OSError:  # already gone from the disk: the row is cleared all the same
        logger.warning("retention: could not delete %s", field_file)


def prune_job_files(now: dt.datetime | None = None, *, batch: int = BATCH) -> int:
    """Delete import files and exports past their retention, at most ``batch`` jobs of each
    kind per call (the daily job goes on at its next run); returns the files deleted."""
    now = now or timezone.now()
    deleted = 0
    import_cutoff = now - dt.timedelta(days=settings.GONGHUI_IMPORT_FILE_RETENTION_DAYS)
    imports = ImportJob.objects.filter(created_at__lt=import_cutoff).exclude(
        Q(source="") & Q(errors_file="")
    )
    for job in imports.order_by("pk")[:batch]:
        for field_file in (job.source, job.errors_file):
            if field_file:
                _delete(field_file)
                deleted += 1
        ImportJob.objects.filter(pk=job.pk).update(source="", errors_file="")
    export_cutoff = now - dt.timedelta(days=settings.GONGHUI_EXPORT_FILE_RETENTION_DAYS)
    exports = ExportJob.objects.filter(created_at__lt=export_cutoff).exclude(result="")
    for export in exports.order_by("pk")[:batch]:
        _delete(export.result)
        deleted += 1
        ExportJob.objects.filter(pk=export.pk).update(result="")
    return deleted
