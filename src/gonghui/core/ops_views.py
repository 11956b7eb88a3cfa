"""Operators' pages: Prometheus metrics and the task queue with its failed tasks."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator

import prometheus_client
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from gonghui.core import queue
from gonghui.core.audit import audit_record
from gonghui.core.decorators import superuser_required
from gonghui.core.scoping import ViewerRequest


class QueueCollector(Collector):
    """Figures read at scrape time (one process answers, so no multiprocess files needed)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        counts = queue.queue_counts()
        depth = GaugeMetricFamily(
            "gonghui_task_queue", "Tasks in the queue by state", labels=["state"]
        )
        depth.add_metric(["waiting"], counts.waiting)
        depth.add_metric(["running"], counts.running)
        depth.add_metric(["failed"], counts.failed)
        yield depth
        from gonghui.core.scheduler import scheduler_lag_seconds

        yield GaugeMetricFamily(
            "gonghui_scheduler_lag_seconds",
            "Seconds since the most overdue periodic job should have been claimed",
            value=scheduler_lag_seconds(),
        )


def _allowed(request: HttpRequest) -> bool:
    address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "0.0.0.0"))  # noqa: S104
    return any(
        address in ipaddress.ip_network(allowed, strict=False)
        for allowed in settings.GONGHUI_METRICS_ALLOW
    )


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition, for the monitoring network only (404 elsewhere)."""
    if not _allowed(request):
        raise Http404
    registry = prometheus_client.CollectorRegistry()
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        multiprocess.MultiProcessCollector(registry)  # every gunicorn worker's counters
    else:
        for collector in list(prometheus_client.REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(QueueCollector())
    return HttpResponse(
        prometheus_client.generate_latest(registry),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )


@superuser_required
def queue_page(request: ViewerRequest) -> HttpResponse:
    return render(
        request,
        "core/queue.html",
        {
            "title": _("任务队列"),
            "counts": queue.queue_counts(),
            "failed": queue.failed_tasks(),
        },
    )


@superuser_required
@require_POST
def queue_retry(request: ViewerRequest, task_id: str) -> HttpResponse:
    try:
        name = queue.retry_failed(task_id)
    except Exception as exc:  # the task vanished meanwhile, or its code no longer imports
        messages.error(request, _("无法重试该任务：%(error)s") % {"error": exc})
        return redirect("core:queue")
    audit_record(
        action="core.task.retried",
        actor=request.user,
        target_label=name,
        after={"task_id": task_id},
    )
    messages.success(request, _("已重新加入队列：%(task)s") % {"task": name})
    return redirect("core:queue")
