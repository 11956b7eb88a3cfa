"""Import and export pages every module shares: the upload form, the template download, job
progress (htmx polling), the rejected-rows workbook, export downloads and export jobs.

A module's view resolves its org and capability, then calls ``upload_page`` / ``export_download``
with its importer or exporter; the job pages live here, under ``core:``.
"""

from __future__ import annotations

import os
from typing import Any

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gonghui.core import selectors
from gonghui.core.decorators import officer_required
from gonghui.core.exporting import FORMATS, Exporter, export_start, exporter_class
from gonghui.core.forms import BootstrapMixin
from gonghui.core.importing import Importer
from gonghui.core.importing.jobs import (
    importer_path,
    job_create,
    job_for_viewer,
    job_progress,
    problem_rows_allowed,
    problem_rows_open,
    run_import_job,
)
from gonghui.core.importing.liveness import busy_message, reap_job, running_import
from gonghui.core.importing.reader import ACCEPTED_EXTENSIONS
from gonghui.core.models import ExportJob, ImportJob, JobStatus
from gonghui.core.scoping import ViewerRequest, require_capability

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("导入文件"),
        help_text=gettext_lazy("Excel 工作簿（.xlsx、.xls）或 CSV（UTF-8 或 GBK 编码）"),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("只检查，不写入（预检）"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        ext = os.path.splitext(upload.name)[1].lower()
        if ext not in ACCEPTED_EXTENSIONS:
            raise forms.ValidationError(
                _("不支持的文件类型“%(ext)s”：请上传 .xlsx、.xls 或 .csv 文件") % {"ext": ext}
            )
        if upload.size > settings.GONGHUI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件过大：不能超过 %(mb)d MB")
                % {"mb": settings.GONGHUI_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


def upload_page(
    request: ViewerRequest,
    *,
    importer: type[Importer],
    org: Any,
    template_url: str,
    back_url: str,
) -> HttpResponse:
    """The upload form for ``importer`` at ``org`` (an object with ``code``, ``name``, ``path``);
    a valid upload becomes a queued ImportJob and the browser follows its progress."""
    assert importer.capability
    require_capability(request.user, importer.capability, org.path)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        running = running_import(org.path)
        if running is not None:
            form.add_error("file", busy_message(running))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_create(
            importer=importer,
            actor=request.user,
            org_path=org.path,
            fileobj=upload,
            filename=upload.name,
            dry_run=form.cleaned_data["dry_run"],
            options={"org": org.code, "again": request.path, "back": back_url},
        )
        run_import_job.enqueue(job.pk)
        return redirect("core:import_job", pk=job.pk)
    recent = selectors.recent_imports(
        viewer=request.user, org_path=org.path, importer=importer_path(importer)
    )[:10]
    return render(
        request,
        "core/import_upload.html",
        {
            "org": org,
            "form": form,
            "importer": importer,
            "columns": importer.columns,
            "recent": recent,
            "template_url": template_url,
            "back_url": back_url,
            "title": _("导入%(name)s") % {"name": importer.name},
        },
    )


def template_download(importer: type[Importer]) -> HttpResponse:
    """The importer's blank .xlsx template (header row, required columns marked, an example)."""
    response = HttpResponse(importer.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{importer.template_title}.xlsx") or ""
    )
    return response


def _import_job(request: ViewerRequest, pk: int) -> ImportJob:
    return job_for_viewer(request.user, pk)


@officer_required
@require_GET
def import_job(request: ViewerRequest, pk: int) -> HttpResponse:
    job = _import_job(request, pk)
    reap_job(job)  # a job whose worker died says so at once, not at the next periodic sweep
    processed, total = job_progress(job)
    percent = min(100, processed * 100 // total) if total else 0
    context = {
        "job": job,
        "can_download_errors": problem_rows_allowed(viewer=request.user, job=job),
        "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        "processed": processed,
        "total": total,
        "percent": percent,
        "again_url": _local_url(job.options.get("again")),
        "back_url": _local_url(job.options.get("back")),
    }
    template = "core/import_job.html#progress" if request.htmx else "core/import_job.html"
    return render(request, template, context)


def _local_url(url: Any) -> str:
    """Only a path on this site (the options are ours, but never trust a stored URL)."""
    return url if isinstance(url, str) and url.startswith("/") and not url.startswith("//") else ""


@officer_required
@require_GET
def import_job_errors(request: ViewerRequest, pk: int) -> HttpResponse:
    job = _import_job(request, pk)
    try:
        workbook = problem_rows_open(viewer=request.user, job=job)
    except FileNotFoundError:
        raise Http404 from None
    stem = os.path.splitext(job.original_name)[0] or "import"
    return FileResponse(  # type: ignore[return-value]
        workbook, as_attachment=True, filename=f"{stem}-问题行.xlsx"
    )


# --- exports ----------------------------------------------------------------------------------


def export_download(request: ViewerRequest, exporter: Exporter, org_path: str) -> HttpResponse:
    """``?format=xlsx|csv``: the file at once for a small set, else a job page to wait on."""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in FORMATS:
        file_format = "xlsx"
    result = export_start(exporter, org_path=org_path, file_format=file_format)
    if isinstance(result, ExportJob):
        return redirect("core:export_job", pk=result.pk)
    return result


def _export_job(request: ViewerRequest, pk: int) -> ExportJob:
    """An export's file is the actor's: it was read with the actor's scope."""
    job = selectors.own_export_job(viewer=request.user, pk=pk)
    exporter_class(job.exporter)
    return job


@officer_required
@require_GET
def export_job(request: ViewerRequest, pk: int) -> HttpResponse:
    job = _export_job(request, pk)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    template = "core/export_job.html#status" if request.htmx else "core/export_job.html"
    return render(request, template, {"job": job, "running": running})


@officer_required
@require_GET
def export_job_download(request: ViewerRequest, pk: int) -> HttpResponse:
    job = _export_job(request, pk)
    if job.status != JobStatus.DONE or not job.result:
        raise Http404
    return FileResponse(  # type: ignore[return-value]
        job.result.open("rb"), as_attachment=True, filename=os.path.basename(job.result.name)
    )
