"""The task queue as operators see it, whatever the django-tasks backend: how many tasks wait,
run and failed, the failed ones with their error, and a retry.

The database backend (the demo, ``gonghui db_worker``) keeps results in django-tasks-db's
table; the RQ backend (production, ``REDIS_URL``) in Redis' queue and failed-job registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    running: int
    failed: int


@dataclass(frozen=True)
class FailedTask:
    id: str
    task: str
    error: str
    failed_at: dt.datetime | None


def _uses_rq() -> bool:
    return "RQBackend" in settings.TASKS["default"]["BACKEND"]


def _rq_queue() -> Any:
    import django_rq

    return django_rq.get_queue("default")


def queue_counts() -> QueueCounts:
    if _uses_rq():
        queue = _rq_queue()
        return QueueCounts(
            waiting=queue.count,
            running=queue.started_job_registry.count,
            failed=queue.failed_job_registry.count,
        )
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.all()
    return QueueCounts(
        waiting=results.ready().count(),
        running=results.running().count(),
        failed=results.failed().count(),
    )


def failed_tasks(limit: int = 100) -> list[FailedTask]:
    if _uses_rq():
        queue = _rq_queue()
        registry = queue.failed_job_registry
        found = []
        for job in queue.job_class.fetch_many(
            registry.get_job_ids(0, limit - 1), connection=queue.connection
        ):
            if job is None:
                continue
            error = (job.latest_result().exc_string if job.latest_result() else "") or ""
            found.append(
                FailedTask(
                    id=job.id,
                    task=job.func_name or "",
                    error=error.strip().splitlines()[-1] if error.strip() else "",
                    failed_at=timezone.make_aware(job.ended_at, dt.UTC) if job.ended_at else None,
                )
            )
        return found
    from django_tasks_db.models import DBTaskResult

    return [
        FailedTask(
            id=str(row.id),
            task=row.task_path,
            error=(row.traceback.strip().splitlines() or [""])[-1],
            failed_at=row.finished_at,
        )
        for row in DBTaskResult.objects.failed().order_by("-finished_at")[:limit]
    ]


def retry_failed(task_id: str) -> str:
    """Run a failed task again with the same arguments; returns the task's name."""
    if _uses_rq():
        queue = _rq_queue()
        job = queue.job_class.fetch(task_id, connection=queue.connection)
        queue.failed_job_registry.requeue(task_id)
        return job.func_name or ""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.failed().get(id=task_id)
    task = import_string(row.task_path)
    task.enqueue(*row.args_kwargs.get("args", []), **row.args_kwargs.get("kwargs", {}))
    row.delete()  # the new enqueue replaces it in the list of failures
    return row.task_path
