"""定时任务: the installation admin's page of periodic jobs — schedule, last run and outcome,
next run — with 立即运行 (audited). Everyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import scheduler
from gonghui.core.decorators import superuser_required
from gonghui.core.schedule import PeriodicJob, periodic_job
from gonghui.core.scoping import ViewerRequest


def _job_or_404(name: str) -> PeriodicJob:
    try:
        return periodic_job(name)
    except KeyError:
        raise Http404 from None


@superuser_required
def schedule(request: ViewerRequest) -> HttpResponse:
    return render(
        request,
        "core/schedule.html",
        {"rows": scheduler.job_overview(), "title": _("定时任务")},
    )


@superuser_required
def schedule_job(request: ViewerRequest, name: str) -> HttpResponse:
    job = _job_or_404(name)
    return render(
        request,
        "core/schedule_job.html",
        {
            "job": job,
            "runs": scheduler.job_runs(name=name),
            "next_run": job.next_run(),
            "title": _("定时任务：%(name)s") % {"name": job.description},
        },
    )


@require_POST
@superuser_required
def schedule_run(request: ViewerRequest, name: str) -> HttpResponse:
    job = _job_or_404(name)
    try:
        scheduler.job_run_now(name=name, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("已将“%(job)s”加入任务队列，稍后刷新本页查看结果") % {"job": job.description},
    )
    return redirect("core:schedule")
