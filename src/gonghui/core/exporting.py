"""Exports, domain-free: an exporter only yields a header and rows; xlsx and CSV come free.

* ``XlsxWriter`` writes in xlsxwriter's constant-memory mode and starts a new sheet before
  Excel's row limit (``max_rows``, a class attribute so that a test can use a small one).
* ``write_csv`` / ``csv_chunks`` write UTF-8 with a BOM, so that Excel opens Chinese text, and
  pass every text cell through ``csv_safe``: a cell starting with ``= + - @``, a tab or a carriage
  return gets a leading ``'`` so that a spreadsheet shows it as text instead of running it as a
  formula (CSV injection, OWASP). The quote is the choice Excel and WPS themselves use to mark a
  cell as text; numbers are written as numbers and need none, and ``core.importing`` drops the
  quote again, so an exported CSV re-imports unchanged. Workbooks need none of this: xlsx cells
  are written as strings, never as formulas.
* ``export_response`` streams a small set to the browser; ``export_start`` runs a large set
  (more than ``Exporter.inline_limit`` rows) as an ExportJob task.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, ClassVar

from django.conf import settings
from django.core.files import File
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from gonghui.core.models import ExportJob, JobStatus
from gonghui.core.replicas import replica_reads
from gonghui.core.scoping import Actor

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv")


class Exporter:
    """Subclass: set ``title``, implement ``header()`` and ``rows()`` (a generator).

    ``params`` are JSON values (they are stored on an ExportJob and given back to the class in
    the worker); the viewer is the acting user, so ``rows()`` reads through scoped selectors.
    """

    title: ClassVar[str | Promise] = ""
    inline_limit: ClassVar[int] = getattr(settings, "GONGHUI_EXPORT_INLINE_ROWS", 20000)

    def __init__(self, *, viewer: Actor, **params: Any) -> None:
        self.viewer = viewer
        self.params = params

    def header(self) -> Sequence[str | Promise]:
        raise NotImplementedError

    def rows(self) -> Iterator[Sequence[Any]]:
        raise NotImplementedError

    def count(self) -> int | None:
        """How many rows ``rows()`` will yield, if cheap to know (decides task or inline)."""
        return None

    def filename(self, file_format: str) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.title}-{stamp}.{file_format}"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value.tzinfo else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    return value


class XlsxWriter:
    """Rows to an .xlsx, in constant memory, split across sheets below Excel's row limit."""

    max_rows: ClassVar[int] = 1_048_576  # Excel's limit per sheet, the header row included

    def write(self, exporter: Exporter, target: str | IO[bytes]) -> int:
        import xlsxwriter

        # constant_memory keeps each sheet's rows (personal data) in a temporary file until
        # close(): the with block closes the workbook even when the exporter fails or is refused
        # midway, so no such file stays open or on disk (the caller discards the target).
        with xlsxwriter.Workbook(
            target,
            {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False},
        ) as workbook:
            bold = workbook.add_format({"bold": True})
            header = [str(h) for h in exporter.header()]
            per_sheet = self.max_rows - 1
            sheet: Any = None
            written = row_index = 0
            for row in exporter.rows():
                if sheet is None or row_index > per_sheet:
                    number = written // per_sheet + 1
                    name = str(exporter.title or _("数据"))[:25]
                    sheet = workbook.add_worksheet(name if number == 1 else f"{name}({number})")
                    sheet.write_row(0, 0, header, bold)
                    sheet.freeze_panes(1, 0)
                    row_index = 1
                for col, value in enumerate(row):
                    value = _cell(value)
                    if isinstance(value, str):
                        sheet.write_string(row_index, col, value)
                    else:
                        sheet.write(row_index, col, value)
                row_index += 1
                written += 1
            if sheet is None:
                sheet = workbook.add_worksheet(str(exporter.title or _("数据"))[:25])
                sheet.write_row(0, 0, header, bold)
        return written


CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(exporter: Exporter) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM, one encoded line at a time (for a streaming response)."""
    writer = csv.writer(_Echo())
    yield codecs.BOM_UTF8
    yield writer.writerow([csv_safe(str(h)) for h in exporter.header()]).encode("utf-8")
    for row in exporter.rows():
        yield writer.writerow([csv_safe(_cell(v)) for v in row]).encode("utf-8")


def write_csv(exporter: Exporter, target: IO[bytes]) -> int:
    written = -1
    for chunk in csv_chunks(exporter):
        target.write(chunk)
        written += 1
    return max(0, written - 1)  # the BOM and the header are not rows


def _content_disposition(response: HttpResponse, filename: str) -> None:
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename) or ""


def export_response(exporter: Exporter, file_format: str = "xlsx") -> HttpResponse:
    """The export as a download, built while it is sent (CSV) or in a temporary file (xlsx)."""
    filename = exporter.filename(file_format)
    if file_format == "csv":
        response: HttpResponse = StreamingHttpResponse(  # type: ignore[assignment]
            csv_chunks(exporter), content_type="text/csv; charset=utf-8"
        )
        _content_disposition(response, filename)
        return response
    # The response closes the spool file once it has been sent; a refusal or a failure while
    # writing (the exporter reads as it goes) closes it here.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        XlsxWriter().write(exporter, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return FileResponse(spool, as_attachment=True, filename=filename)  # type: ignore[return-value]


def exporter_path(cls: type[Exporter]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def exporter_class(path: str) -> type[Exporter]:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise TypeError(f"{path} is not an exporter")
    return cls


def export_start(
    exporter: Exporter, *, org_path: str, file_format: str = "xlsx"
) -> HttpResponse | ExportJob:
    """A response for a small set; for a large one an ExportJob, queued as a task."""
    count = exporter.count()
    if count is None or count <= exporter.inline_limit:
        return export_response(exporter, file_format)
    job = ExportJob.objects.create(
        exporter=exporter_path(type(exporter)),
        actor=exporter.viewer,
        org_path=org_path,
        params=exporter.params,
        file_format=file_format,
    )
    run_export_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def execute_export_job(job: ExportJob) -> None:
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    exporter = exporter_class(job.exporter)(viewer=job.actor, **job.params)
    fd, path = tempfile.mkstemp(prefix="gonghui-export-", suffix=f".{job.file_format}")
    os.close(fd)
    try:
        with replica_reads():  # exports only read: the replica serves them when healthy
            if job.file_format == "csv":
                with open(path, "wb") as fh:
                    job.rows = write_csv(exporter, fh)
            else:
                job.rows = XlsxWriter().write(exporter, path)
        with open(path, "rb") as fh:
            job.result.save(exporter.filename(job.file_format), File(fh), save=False)
        job.status = JobStatus.DONE
    except Exception:
        logger.exception("export job %s failed", job.pk)
        job.status = JobStatus.FAILED
        job.message = _("导出时发生内部错误，已记录日志，请联系系统管理员")
    finally:
        Path(path).unlink(missing_ok=True)
    job.finished_at = timezone.now()
    job.save()


@task()
def run_export_job(job_id: int) -> str:
    job = ExportJob.objects.select_related("actor").get(pk=job_id)
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        execute_export_job(job)
    return job.status


def rows_to_bytes(exporter: Exporter, file_format: str) -> bytes:
    """The whole export in memory (tests, small attachments)."""
    buffer = io.BytesIO()
    if file_format == "csv":
        write_csv(exporter, buffer)
    else:
        XlsxWriter().write(exporter, buffer)
    return buffer.getvalue()
