"""``GET /api/jobs/{id}``: an import job's progress and, once done, its result."""

from __future__ import annotations

from typing import Any

from ninja import Path, Router, Schema

from gonghui.core.api_schemas import ErrorOut, InvalidOut
from gonghui.core.importing.jobs import job_for_viewer, job_progress, job_summary
from gonghui.core.importing.liveness import reap_job
from gonghui.core.models import JobStatus
from gonghui.core.scoping import ViewerRequest

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    status: str
    dry_run: bool
    processed: int
    total: int
    result: dict[str, Any] | None
    message: str


@router.get("/{id}", response={200: JobOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidOut})
def job_detail(request: ViewerRequest, id: int = Path(..., ge=1, le=2**31 - 1)) -> dict[str, Any]:
    """Poll until ``status`` is ``done`` (``result`` holds the counts of the CLI's ``--json``,
    ``errors_file`` being the path of the problem workbook on the server) or ``failed``."""
    job = job_for_viewer(request.user, id)
    reap_job(job)  # a poller learns at once that the worker died
    processed, total = job_progress(job)
    done = job.status == JobStatus.DONE
    result = job_summary(job) if done else None
    if result is not None:
        result["errors_file"] = job.errors_file.name if job.errors_file else ""
    return {
        "id": job.pk,
        "status": job.status,
        "dry_run": job.dry_run,
        "processed": processed,
        "total": total,
        "result": result,
        "message": job.message,
    }
