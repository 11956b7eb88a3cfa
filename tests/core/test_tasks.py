"""Deliverable 8: a real task through each task backend — the database backend (demo mode,
`gonghui db_worker`) and RQ (REDIS_URL; the machine's Redis)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus, default_task_backend

from gonghui.accounts.models import User
from gonghui.core.models import Notification, NotificationStatus
from gonghui.core.tasks import deliver_notification
from tests import factories
from tests.conftest import REDIS_URL, redis_connection


@pytest.fixture
def pending(db: None) -> Notification:
    user: User = factories.make_account(username="queued")
    return Notification.objects.create(recipient=user, channel="inbox", template="tests.t")


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_task_runs_through_the_database_backend_and_its_worker(transactional_db: None) -> None:
    # transactional_db: the worker closes connections that are inside a transaction, as the
    # test-case transaction of `db` would be on PostgreSQL.
    user: User = factories.make_account(username="queued")
    pending = Notification.objects.create(recipient=user, channel="inbox", template="tests.t")
    result = deliver_notification.enqueue(pending.pk)
    assert result.status == TaskResultStatus.READY
    pending.refresh_from_db()
    assert pending.status == NotificationStatus.PENDING  # nothing runs until the worker does

    sigs = [
        signal.SIGINT,
        signal.SIGTERM,
        *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else []),
    ]
    handlers = {sig: signal.getsignal(sig) for sig in sigs}
    try:  # `gonghui db_worker`, as `gonghui demo` starts it, until the queue is empty
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:  # the worker installs its own signal handlers: give pytest back its own
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "sent"
    pending.refresh_from_db()
    assert pending.status == NotificationStatus.SENT and pending.sent_at is not None


@pytest.fixture
def rq_queue() -> Iterator[str]:
    """A private queue name, so parallel runs on the same Redis do not steal each other's jobs."""
    connection = redis_connection()
    name = f"gonghui-test-{uuid.uuid4().hex[:12]}"
    with override_settings(
        # django-tasks-rq fetches results through the "default" queue's connection.
        RQ_QUEUES={"default": {"URL": REDIS_URL}, name: {"URL": REDIS_URL}},
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}},
    ):
        yield name
        import django_rq
        from django_tasks_rq import Job

        queue = django_rq.get_queue(name, connection=connection, job_class=Job)
        for registry in (queue.finished_job_registry, queue.failed_job_registry):
            for job_id in registry.get_job_ids():
                job = queue.fetch_job(job_id)
                if job is not None:
                    job.delete()
        queue.delete(delete_jobs=True)


def test_a_task_runs_through_the_rq_backend_and_an_rq_worker(
    pending: Notification, rq_queue: str
) -> None:
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    task = deliver_notification.using(queue_name=rq_queue)
    result = task.enqueue(pending.pk)
    assert result.backend == "default"
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.READY
    pending.refresh_from_db()
    assert pending.status == NotificationStatus.PENDING

    queue = django_rq.get_queue(rq_queue, job_class=Job)
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True)

    finished = default_task_backend.get_result(result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert finished.return_value == "sent"
    pending.refresh_from_db()
    assert pending.status == NotificationStatus.SENT


def test_redis_url_selects_the_rq_backend(tmp_path: Any) -> None:
    """settings.py: REDIS_URL set → RQ backend, django_rq installed, the checks pass."""
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "GONGHUI_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    }
    env.pop("GONGHUI_TASK_BACKEND", None)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django_tasks import task_backends; b = task_backends['default']; "
        "from django.core.management import call_command; call_command('check', verbosity=0); "
        "print(type(b).__name__, 'django_rq' in settings.INSTALLED_APPS, "
        "sorted(settings.RQ_QUEUES), sorted(b.queues))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split()[-4:] == ["RQBackend", "True", "['default']", "['default']"]

    env.pop("REDIS_URL")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django_tasks import task_backends; b = task_backends['default']; "
        "print(type(b).__name__, 'django_rq' in settings.INSTALLED_APPS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["DatabaseBackend", "False"]
