"""Runs the schedule registry (``core.schedule``): APScheduler fires, a lock claims, a task
worker executes, the run history records.

1. **Fire.** ``gonghui scheduler`` builds an APScheduler ``BlockingScheduler`` with one
   ``CronTrigger`` (Asia/Shanghai) per declared job. At each cron time it calls :func:`fire`,
   which works out the cron time being fired (``PeriodicJob.latest_time``: every scheduler
   computes the same one) and asks the lock for it.
2. **Claim.** The lock lets one scheduler only create the job's ``JobRun`` row for that time:
   a PostgreSQL advisory lock on PostgreSQL, a Redis ``SET NX`` where ``REDIS_URL`` is set and
   the database is not PostgreSQL, and on SQLite the row itself (an INSERT that the unique
   (job, scheduled time) constraint lets one scheduler make). The unique constraint stays under
   every lock as the database's own guarantee.
3. **Enqueue.** The winner enqueues ``core.tasks.run_periodic_job(run_id)`` with
   ``Task.enqueue`` on the job's task's queue, priority and backend, once the claim has
   committed: the database backend (``gonghui db_worker``) or RQ (``rqworker``).
4. **Execute.** The worker's wrapper (:func:`execute_run`) moves the row from queued to running
   with a conditional UPDATE (a task delivered twice runs once), calls the job's task, and
   records succeeded or failed with the error text. A failed job is simply fired again at its
   next cron time.

On start the scheduler also *catches up*: a job whose latest cron time of the past day has no
run yet (the scheduler was down at 03:30) is fired at once, under the same lock, so two
schedulers started together still run it once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import traceback
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from gonghui.core.audit import audit_record
from gonghui.core.models import JobRun, JobRunStatus
from gonghui.core.schedule import PeriodicJob, periodic_job, periodic_jobs, schedule_zone
from gonghui.core.scoping import Actor

logger = logging.getLogger(__name__)

# A firing later than this after its cron time is dropped (APScheduler's misfire grace) and
# left to the next time; catching up on start looks back one day.
MISFIRE_GRACE = dt.timedelta(minutes=10)
CATCH_UP = dt.timedelta(days=1)
REDIS_CLAIM_TTL = dt.timedelta(days=2)


# --- the lock ---------------------------------------------------------------------------------


class ClaimLock(Protocol):
    """Lets exactly one scheduler create the run of ``job`` at ``scheduled_for``."""

    name: str

    def claim(self, job: str, scheduled_for: dt.datetime) -> JobRun | None: ...


def _insert_run(job: str, scheduled_for: dt.datetime) -> JobRun | None:
    """The run row; None when it exists already (the unique constraint under every lock)."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job, scheduled_for=scheduled_for)
    except IntegrityError:
        return None


def advisory_key(job: str) -> int:
    """A stable signed 64-bit key per job name for ``pg_try_advisory_xact_lock``."""
    digest = hashlib.blake2b(f"gonghui.schedule:{job}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class AdvisoryLock:
    """PostgreSQL: a transaction-level advisory lock per job, held while the scheduler looks
    for the run and creates it; a second scheduler does not wait — it finds the lock taken (or,
    once the first has committed, the run made) and leaves the firing to the first."""

    name = "advisory"

    def claim(self, job: str, scheduled_for: dt.datetime) -> JobRun | None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [advisory_key(job)])
                (locked,) = cursor.fetchone()
            if not locked:
                return None
            if JobRun.objects.filter(job=job, scheduled_for=scheduled_for).exists():
                return None
            return JobRun.objects.create(job=job, scheduled_for=scheduled_for)


class RedisLock:
    """Redis: ``SET key NX`` on (database, job, cron time); the key outlives the firing
    (``REDIS_CLAIM_TTL``), so it is the claim itself, never released early."""

    name = "redis"

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)

    def key(self, job: str, scheduled_for: dt.datetime) -> str:
        database = connection.settings_dict.get("NAME") or ""
        when = scheduled_for.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
        return f"gonghui:schedule:{database}:{job}:{when}"

    def claim(self, job: str, scheduled_for: dt.datetime) -> JobRun | None:
        key = self.key(job, scheduled_for)
        if not self.client.set(key, "1", nx=True, ex=int(REDIS_CLAIM_TTL.total_seconds())):
            return None
        return _insert_run(job, scheduled_for)


class RowLock:
    """Any database, the embedded SQLite in particular: the run row is the lock. SQLite has one
    writer at a time (``BEGIN IMMEDIATE``), and the unique (job, scheduled time) constraint lets
    only the first INSERT in."""

    name = "row"

    def claim(self, job: str, scheduled_for: dt.datetime) -> JobRun | None:
        return _insert_run(job, scheduled_for)


def default_lock() -> ClaimLock:
    """``GONGHUI_SCHEDULER_LOCK`` (advisory, redis, row) or: advisory on PostgreSQL, Redis where
    ``REDIS_URL`` is set, else the row."""
    choice = getattr(settings, "GONGHUI_SCHEDULER_LOCK", "") or (
        "advisory"
        if connection.vendor == "postgresql"
        else "redis"
        if getattr(settings, "REDIS_URL", "")
        else "row"
    )
    if choice == "advisory":
        if connection.vendor != "postgresql":
            raise ValueError("the advisory lock needs PostgreSQL")
        return AdvisoryLock()
    if choice == "redis":
        return RedisLock(settings.REDIS_URL)
    if choice == "row":
        return RowLock()
    raise ValueError(f"GONGHUI_SCHEDULER_LOCK must be advisory, redis or row: {choice!r}")


def scheduler_lag_seconds(*, now: dt.datetime | None = None) -> float:
    """Seconds since the most overdue job's latest cron time (of the past day) that no scheduler
    has claimed yet; 0 when every due run is claimed. A stopped or wedged scheduler shows up as
    a growing figure in the metrics, whatever the jobs themselves do."""
    now = now or timezone.now()
    lag = 0.0
    for job in periodic_jobs():
        due = job.latest_time(now, within=CATCH_UP)
        if due is None or JobRun.objects.filter(job=job.name, scheduled_for=due).exists():
            continue
        lag = max(lag, (now - due).total_seconds())
    return lag


# --- firing -----------------------------------------------------------------------------------


def _enqueue(run_id: int, job: PeriodicJob) -> None:
    """Put the run on the job's queue; a queue that is down fails the run, it does not vanish."""
    from gonghui.core.tasks import run_periodic_job

    task = job.task
    try:
        result = run_periodic_job.using(
            queue_name=task.queue_name, priority=task.priority, backend=task.backend
        ).enqueue(run_id)
    except Exception as exc:
        logger.exception("could not enqueue run %s of %s", run_id, job.name)
        JobRun.objects.filter(pk=run_id, status=JobRunStatus.QUEUED).update(
            status=JobRunStatus.FAILED, finished_at=timezone.now(), error=f"enqueue: {exc!r}"
        )
        return
    JobRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


def fire(
    name: str,
    *,
    now: dt.datetime | None = None,
    lock: ClaimLock | None = None,
    within: dt.timedelta = MISFIRE_GRACE,
) -> JobRun | None:
    """Claim and enqueue the run of job ``name`` for its latest cron time (no older than
    ``within``); None when another scheduler has it, or there is no such time."""
    job = periodic_job(name)
    scheduled_for = job.latest_time(now, within=within)
    if scheduled_for is None:
        return None
    run = (lock or default_lock()).claim(name, scheduled_for)
    if run is None:
        logger.info("%s at %s: claimed by another scheduler", name, scheduled_for)
        return None
    transaction.on_commit(partial(_enqueue, run.pk, job))
    return run


def catch_up(*, now: dt.datetime | None = None, lock: ClaimLock | None = None) -> list[JobRun]:
    """Fire every job whose latest cron time of the past day has no run yet."""
    lock = lock or default_lock()
    runs = []
    for job in periodic_jobs():
        scheduled_for = job.latest_time(now, within=CATCH_UP)
        if scheduled_for is None:
            continue
        if JobRun.objects.filter(job=job.name, scheduled_for=scheduled_for).exists():
            continue
        run = fire(job.name, now=scheduled_for, lock=lock, within=dt.timedelta(0))
        if run is not None:
            runs.append(run)
    return runs


def _fire_from_scheduler(name: str, lock: ClaimLock) -> None:
    """APScheduler's job function: runs in its thread pool, with its own connection."""
    close_old_connections()
    try:
        fire(name, lock=lock)
    except Exception:
        logger.exception("firing %s failed", name)
    finally:
        connection.close()


def build_scheduler(*, lock: ClaimLock | None = None, scheduler_class: Any = None) -> Any:
    """An APScheduler scheduler with every declared job (``BlockingScheduler`` by default)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    lock = lock or default_lock()
    scheduler = (scheduler_class or BlockingScheduler)(
        timezone=schedule_zone(),
        job_defaults={
            "coalesce": True,  # a scheduler that slept through several times fires once
            "max_instances": 1,
            "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
        },
    )
    for job in periodic_jobs():
        scheduler.add_job(
            _fire_from_scheduler,
            trigger=job.trigger,
            args=[job.name, lock],
            id=job.name,
            name=job.name,
            replace_existing=True,
        )
    return scheduler


# --- executing (in the task worker) -------------------------------------------------------------


def _summary(value: Any) -> str:
    return "" if value is None else str(value)[:200]


def execute_run(run_id: int) -> str:
    """Run one claimed run of a job and record its outcome; returns the run's final status.

    The job's exception is recorded (with its traceback) and raised again, so the task backend
    marks the task failed too."""
    claimed = JobRun.objects.filter(pk=run_id, status=JobRunStatus.QUEUED).update(
        status=JobRunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"  # delivered twice, or already failed at enqueue
    run = JobRun.objects.get(pk=run_id)
    try:
        value = periodic_job(run.job).task.call()
    except Exception:
        JobRun.objects.filter(pk=run_id).update(
            status=JobRunStatus.FAILED,
            finished_at=timezone.now(),
            error=traceback.format_exc()[-8000:],
        )
        raise
    JobRun.objects.filter(pk=run_id).update(
        status=JobRunStatus.SUCCEEDED, finished_at=timezone.now(), result=_summary(value)
    )
    return JobRunStatus.SUCCEEDED.value


# --- the superuser's "run now" ------------------------------------------------------------------


@transaction.atomic
def job_run_now(*, name: str, actor: Actor) -> JobRun:
    """A superuser asks for a run of job ``name`` now: recorded, audited, enqueued on commit."""
    if not getattr(actor, "is_superuser", False) or not getattr(actor, "is_active", False):
        raise PermissionDenied("core.schedule.run")
    job = periodic_job(name)
    run = JobRun.objects.create(job=name, manual=True, triggered_by=actor)
    audit_record(
        action="core.schedule.run_requested",
        actor=actor,
        target=run,
        target_label=name,
        after={"job": name},
    )
    transaction.on_commit(partial(_enqueue, run.pk, job))
    return run


def prune_runs(now: dt.datetime | None = None) -> int:
    """Delete run history older than ``GONGHUI_JOB_HISTORY_DAYS`` (default 180)."""
    from gonghui.core.audit import delete_in_batches

    days = getattr(settings, "GONGHUI_JOB_HISTORY_DAYS", 180)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return delete_in_batches(
        JobRun.objects.filter(created_at__lt=cutoff), batch=5000, max_batches=100
    )


# --- the superuser's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRow:
    job: PeriodicJob
    last: JobRun | None
    next_run: dt.datetime | None

    @property
    def name(self) -> str:
        return self.job.name


def job_overview(*, now: dt.datetime | None = None) -> list[JobRow]:
    """Every declared job with its latest run (any status) and its next cron time."""
    now = now or timezone.now()
    rows = []
    for job in periodic_jobs():
        last = (
            JobRun.objects.filter(job=job.name)
            .select_related("triggered_by")
            .order_by("-created_at", "-id")
            .first()
        )
        rows.append(JobRow(job=job, last=last, next_run=job.next_run(now)))
    return rows


def job_runs(*, name: str, limit: int = 20) -> list[JobRun]:
    """The latest runs of one job, newest first."""
    return list(
        JobRun.objects.filter(job=name)
        .select_related("triggered_by")
        .order_by("-created_at", "-id")[:limit]
    )
