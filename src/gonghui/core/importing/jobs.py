"""Running an importer as an ImportJob: the task, progress, the errors workbook, the audit row,
and the base of the ``gonghui import_*`` management commands."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from gonghui.core.audit import audit_record
from gonghui.core.importing.base import Importer, ImportResult
from gonghui.core.importing.liveness import Heartbeat, JobLost, job_claim, job_confirm
from gonghui.core.importing.reader import ImportFileError
from gonghui.core.models import ImportJob, JobStatus
from gonghui.core.scoping import Actor, Viewer

logger = logging.getLogger(__name__)


def importer_path(cls: type[Importer]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def importer_class(path: str) -> type[Importer]:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, Importer)):
        raise TypeError(f"{path} is not an importer")
    return cls


def progress_key(job_id: int) -> str:
    return f"gonghui:import:{job_id}:progress"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(processed, total) of a job; a dry run reports through the cache (its rows roll back)."""
    cached = cache.get(progress_key(job.pk))
    processed, total = job.processed, job.total
    if cached:
        processed, total = max(processed, cached[0]), max(total, cached[1])
    return processed, total


def job_for_viewer(viewer: Viewer, pk: int) -> ImportJob:
    """The job if the viewer started it or holds its importer's capability over its org; else
    Http404 (a job outside one's scope does not exist)."""
    from django.http import Http404

    from gonghui.core.scoping import in_scope

    job = ImportJob.objects.filter(pk=pk).select_related("actor").first()
    if job is None:
        raise Http404
    if job.actor_id == getattr(viewer, "pk", None):
        return job
    try:
        capability = importer_class(job.importer).capability
    except (ImportError, TypeError):
        raise Http404 from None
    if (
        in_scope(viewer, job.org_path)
        and capability
        and viewer.has_capability(capability, job.org_path)
    ):
        return job
    raise Http404


def job_create(
    *,
    importer: type[Importer],
    actor: Actor,
    org_path: str,
    fileobj: Any,
    filename: str,
    dry_run: bool = False,
    options: dict[str, Any] | None = None,
) -> ImportJob:
    """Store the uploaded file and create its job (queued)."""
    job = ImportJob(
        importer=importer_path(importer),
        actor=actor,
        org_path=org_path,
        options=options or {},
        original_name=os.path.basename(filename)[:255],
        dry_run=dry_run,
    )
    ext = os.path.splitext(filename)[1].lower()[:8]
    job.source.save(
        f"upload{ext}", fileobj if isinstance(fileobj, File) else File(fileobj), save=False
    )
    job.save()
    return job


def execute_import_job(job: ImportJob) -> ImportResult | None:
    """Run a job now (in a worker or a command), all or nothing: the rows, the job's counts and
    its audit row commit in ONE transaction, so a worker killed in the middle leaves no row and
    a retry of the same file starts clean (``liveness`` fails the orphaned job). Returns None
    when the job did not finish (unreadable file, another import of the org running ...).

    The cost of one transaction: PostgreSQL keeps the counters and card sequences of the
    imported unions locked until the end (other writes to them wait); SQLite holds its one
    write lock for the whole import (other writers wait up to the busy timeout)."""
    busy = job_claim(job)
    if busy:
        _job_failed(job, busy)
        return None
    importer = importer_class(job.importer)(
        actor=job.actor, org_path=job.org_path, options=job.options
    )
    heartbeat = Heartbeat(job)

    def progress(processed: int, total: int) -> None:
        cache.set(progress_key(job.pk), (processed, total), 3600)
        heartbeat.beat(processed, total)

    result: ImportResult | None = None
    try:
        with transaction.atomic():
            with job.source.open("rb") as source:
                result = importer.run(
                    source, job.original_name, dry_run=job.dry_run, progress=progress
                )
            _job_done(job, result)
    except JobLost:
        logger.warning("import job %s was reaped while it ran; rolled back", job.pk)
        result = None
    except ImportFileError as exc:
        _job_failed(job, exc.message)
        result = None
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _job_failed(job, _("导入时发生内部错误，已记录日志，请联系系统管理员"))
        result = None
    finally:
        heartbeat.close()
        cache.delete(progress_key(job.pk))
        if result is not None and result.problems_path:
            Path(result.problems_path).unlink(missing_ok=True)
    return result


def _job_done(job: ImportJob, result: ImportResult) -> None:
    """The last step inside the import's transaction."""
    job_confirm(job)
    job.status = JobStatus.DONE
    for name in ("total", "imported", "updated", "unchanged", "rejected", "warnings"):
        setattr(job, name, getattr(result, name))
    job.processed = result.total
    if result.problems_path:
        stem = Path(job.original_name).stem or "import"
        with open(result.problems_path, "rb") as fh:
            job.errors_file.save(f"import-{job.pk}-{stem}-errors.xlsx", File(fh), save=False)
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()
    _audit_finished(job, result.summary())


def _job_failed(job: ImportJob, message: str) -> None:
    """Nothing of the run was committed: the job says why, with no counts."""
    with transaction.atomic():
        job.status = JobStatus.FAILED
        job.message = message
        for name in ("total", "processed", "imported", "updated", "unchanged", "rejected"):
            setattr(job, name, 0)
        job.warnings = 0
        job.errors_file = ""
        job.finished_at = timezone.now()
        job.save()
        _audit_finished(job, {"message": message})


def _audit_finished(job: ImportJob, outcome: dict[str, Any]) -> None:
    audit_record(
        action="core.import.finished",
        actor=job.actor,
        target=job,
        org_path=job.org_path,
        target_label=job.original_name,
        after={"importer": job.importer, "dry_run": job.dry_run, "status": job.status, **outcome},
    )


@task()
def run_import_job(job_id: int) -> str:
    """The background task: run the ImportJob ``job_id``; returns its final status. A job
    already running (a redelivered task) is left to its worker, or to the reaper."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job.status
    execute_import_job(job)
    return job.status


def problem_rows_allowed(*, viewer: Viewer, job: ImportJob) -> bool:
    """The problem rows are the uploaded rows as typed: an import of people's ID numbers
    gives them only to an officer who may see full IDs there."""
    if not importer_class(job.importer).holds_personal_ids:
        return True
    return bool(viewer.has_capability("reveal_pii", job.org_path))


def problem_rows_open(*, viewer: Actor, job: ImportJob) -> File:
    """The decrypted problem-row workbook for ``viewer`` (PermissionDenied without the right
    to see what it holds); every download is audited."""
    if not job.errors_file:
        raise FileNotFoundError(job.pk)
    if not problem_rows_allowed(viewer=viewer, job=job):
        raise PermissionDenied("reveal_pii")
    audit_record(
        action="core.import.errors_downloaded",
        actor=viewer,
        target=job,
        org_path=job.org_path,
        target_label=job.original_name,
    )
    return job.errors_file.open("rb")


def job_summary(job: ImportJob) -> dict[str, Any]:
    """The job's figures; ``errors_file`` is where its problem-row workbook is downloaded
    (the stored file is encrypted: never a path on the server)."""
    errors_file = reverse("core:import_job_errors", args=[job.pk]) if job.errors_file else ""
    return {
        "total": job.total,
        "imported": job.imported,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
        "warnings": job.warnings,
        "errors_file": errors_file,
    }


class ImportCommand(BaseCommand):
    """``gonghui import_xxx FILE --org CODE --user USERNAME [--dry-run] [--json]``.

    Exit codes (DESIGN.md "CLI"): 0 the file was processed (rows may be rejected), 1 the file
    could not be read, 2 usage. Subclasses set ``importer`` and implement ``resolve``.
    """

    importer: type[Importer]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .xlsx / .xls / .csv 文件")
        parser.add_argument("--org", required=True, help="导入到的组织编码")
        parser.add_argument(
            "--user", help="以哪个干部账号的名义导入（用户名）；省略时以系统管理员的名义"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--json", action="store_true", help="在标准输出打印一行 JSON 结果")

    def resolve(self, *, org_code: str, username: str | None) -> tuple[Any, str, dict[str, Any]]:
        """(actor, org_path, options) for the run; raise CommandError(returncode=2) if bad.
        Without ``username`` the run acts as the installation's administrator (the operator of
        the command line is trusted with the whole installation)."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        actor, org_path, importer_options = self.resolve(
            org_code=options["org"], username=options["user"]
        )
        path = Path(options["file"])
        if not path.is_file():
            return self._fail(options, _("找不到文件：%(path)s") % {"path": path})
        with path.open("rb") as fh:
            job = job_create(
                importer=self.importer,
                actor=actor,
                org_path=org_path,
                fileobj=fh,
                filename=path.name,
                dry_run=options["dry_run"],
                options=importer_options,
            )
        execute_import_job(job)
        job.refresh_from_db()
        if job.status == JobStatus.FAILED:
            return self._fail(options, job.message)
        summary = job_summary(job)
        if job.errors_file:
            summary["errors_file"] = self._problems_beside(job, path)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                _(
                    "共%(total)d行：新增%(imported)d，更新%(updated)d，未变%(unchanged)d，"
                    "拒绝%(rejected)d，有警告%(warnings)d"
                )
                % summary
                + (_("（仅检查，未写入）") if job.dry_run else "")
            )
            if summary["errors_file"]:
                self.stdout.write(_("问题行工作簿：%(path)s") % {"path": summary["errors_file"]})

    @staticmethod
    def _problems_beside(job: ImportJob, source: Path) -> str:
        """The problem rows, decrypted beside the operator's own file (readable by the
        operator only): the command line's user holds the full data already."""
        target = source.with_name(f"{source.stem}-问题行.xlsx")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with job.errors_file.open("rb") as stored, os.fdopen(fd, "wb") as plain:
            shutil.copyfileobj(stored, plain)
        return str(target)

    def _fail(self, options: dict[str, Any], message: str) -> None:
        if options["json"]:
            empty = ImportResult().summary()
            self.stdout.write(json.dumps({**empty, "error": message}, ensure_ascii=False))
        self.stderr.write(message)
        raise SystemExit(1)


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)
