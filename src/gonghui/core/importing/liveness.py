"""Who runs an import, one import per org at a time, and failing the imports whose worker died.

An import job runs as ONE transaction (``jobs.execute_import_job``): a worker killed in the
middle leaves no row behind, because the database rolls the transaction back when its
connection goes. What stays is the job row, committed as "running" when the job was claimed;
``import_jobs_reap`` (a periodic job, and the job page) marks it failed with a reason:

* on this host, when the worker's process is gone (pid and start time, so a reused pid does
  not count as alive);
* on another host, when its heartbeat is older than ``GONGHUI_IMPORT_STALE_SECONDS``. The
  heartbeat is written per batch outside the import's transaction, through a second database
  connection (PostgreSQL; SQLite admits one writer, and runs on one host).

A worker that was reaped while it still ran cannot commit afterwards: its last step, in the
same transaction as its rows, checks that the job is still its own and running.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gonghui.core.audit import audit_record
from gonghui.core.models import ImportJob, JobStatus

logger = logging.getLogger(__name__)

REAPED_MESSAGE = gettext_lazy("导入进程意外终止，未写入任何数据，可重新导入")
BUSY_MESSAGE = gettext_lazy(
    "已有导入在进行：%(org)s 的“%(name)s”尚未完成，请等它结束后再导入"
    "（同一组织同一时间只能有一个导入）"
)
_CLAIM_LOCK = 0x676E6869  # pg_advisory_xact_lock key of the claim step ("gnhi")
_BEAT_SECONDS = 5.0


class JobLost(Exception):
    """The job stopped being this worker's while it ran (reaped): roll everything back."""


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), "" elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses: count from the last ")".
    return stat.rsplit(b")", 1)[-1].split()[19].decode()


def worker_identity() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"[:120]


def worker_dead(job: ImportJob, *, now: dt.datetime | None = None) -> bool:
    """Is the worker of a running job gone?"""
    now = now or timezone.now()
    parts = job.worker.rsplit(":", 2)
    if len(parts) == 3 and parts[0] == socket.gethostname() and parts[1].isdigit():
        pid, started = int(parts[1]), parts[2]
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, another user's
        return bool(started) and _start_time(pid) not in ("", started)
    last = job.heartbeat_at or job.started_at or job.created_at
    return now - last > dt.timedelta(seconds=settings.GONGHUI_IMPORT_STALE_SECONDS)


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def running_import(org_path: str, *, exclude: int | None = None) -> ImportJob | None:
    """A live running import of this org, an ancestor or a descendant (they write the same
    rows); dead ones met on the way are reaped."""
    for job in ImportJob.objects.filter(status=JobStatus.RUNNING):
        if job.pk != exclude and _overlaps(job.org_path, org_path) and not reap_job(job):
            return job
    return None


def busy_message(job: ImportJob) -> str:
    return str(BUSY_MESSAGE) % {
        "org": job.options.get("org") or job.org_path,
        "name": job.original_name,
    }


def job_claim(job: ImportJob) -> str:
    """Mark ``job`` running as this worker's; returns "" or, when another import of an
    overlapping org is running, the reason it may not start. Claims are serialized: an advisory
    lock on PostgreSQL, the write lock SQLite takes at BEGIN (IMMEDIATE transactions)."""
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CLAIM_LOCK])
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=now)  # take SQLite's lock first
        other = running_import(job.org_path, exclude=job.pk)
        if other is not None:
            return busy_message(other)
        job.worker, job.started_at, job.heartbeat_at = worker_identity(), now, now
        job.status = JobStatus.RUNNING
        ImportJob.objects.filter(pk=job.pk).update(
            status=job.status, worker=job.worker, started_at=now, heartbeat_at=now
        )
    return ""


def job_confirm(job: ImportJob) -> None:
    """Inside the import's transaction, last: the job must still be this worker's."""
    still = (
        ImportJob.objects.select_for_update()
        .filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker)
        .exists()
    )
    if not still:
        raise JobLost


class Heartbeat:
    """Progress and liveness written outside the import's transaction, at most every few
    seconds. PostgreSQL: through a second connection in autocommit; SQLite: not at all (the
    import holds the only write lock; the reaper there goes by the process)."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self._conn: Any = None
        self._last = 0.0
        self.enabled = connection.vendor == "postgresql"

    def beat(self, processed: int, total: int, *, force: bool = False) -> None:
        if not self.enabled or (not force and time.monotonic() - self._last < _BEAT_SECONDS):
            return
        self._last = time.monotonic()
        try:
            if self._conn is None:
                self._conn = connections.create_connection(DEFAULT_DB_ALIAS)
            table = ImportJob._meta.db_table
            with self._conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET heartbeat_at = %s, processed = %s, total = %s "  # noqa: S608
                    "WHERE id = %s AND worker = %s AND status = %s",
                    [timezone.now(), processed, total, self.job.pk, self.job.worker, "running"],
                )
        except Exception:
            # A missed heartbeat must not fail the import: the reaper allows minutes.
            logger.warning("import %s: heartbeat failed", self.job.pk, exc_info=True)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def reap_job(job: ImportJob) -> bool:
    """Fail a running job whose worker is gone; True if it was reaped (or had ended)."""
    if job.status != JobStatus.RUNNING:
        return True
    if not worker_dead(job):
        return False
    with transaction.atomic():
        locked = (
            ImportJob.objects.select_for_update()
            .filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker)
            .first()
        )
        if locked is None:
            return True
        locked.status = JobStatus.FAILED
        locked.message = str(REAPED_MESSAGE)
        locked.finished_at = timezone.now()
        locked.processed = 0
        locked.save(update_fields=["status", "message", "finished_at", "processed"])
        audit_record(
            action="core.import.reaped",
            actor=None,
            target=locked,
            org_path=locked.org_path,
            target_label=locked.original_name,
            before={"status": JobStatus.RUNNING, "worker": locked.worker},
            after={"status": JobStatus.FAILED, "message": locked.message},
        )
    job.refresh_from_db()
    logger.warning("import job %s reaped: worker %s is gone", job.pk, job.worker)
    return True


def import_jobs_reap() -> int:
    """Fail every running import whose worker is gone; returns how many (idempotent)."""
    return sum(
        reap_job(job) for job in ImportJob.objects.filter(status=JobStatus.RUNNING).order_by("pk")
    )
