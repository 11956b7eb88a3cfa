"""Issue 15 / DESIGN.md rule 11: the schedule registry run by APScheduler — cron times in
Asia/Shanghai, one run per job and cron time however many schedulers fire it (the lock), the run
history written whatever the outcome, a failed job tried again at its next time."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from gonghui.core import scheduler
from gonghui.core.models import JobRun, JobRunStatus
from gonghui.core.schedule import (
    cron_trigger,
    describe_cron,
    periodic_job,
    periodic_jobs,
    register_periodic,
)
from tests.core.conftest import FAILS, TODAYS_JOBS, ran, record_a_run

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int, second: int = 0, day: int = 2) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=SHANGHAI)


# --- cron expressions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        ("*/15 * * * *", "每 15 分钟"),
        ("20 * * * *", "每小时第 20 分"),
        ("30 3 * * *", "每天 03:30"),
        ("0 8,17 * * *", "每天 08:00、17:00"),
        ("0 9 * * 1-5", "每周一至周五 09:00"),
        ("5 0 1 * *", "每月 1 日 00:05"),
        ("50 23 last * *", "每月最后一天 23:50"),
        ("0 2 1 1 *", "每年 1 月 1 日 02:00"),
        ("7-9 1 * * *", "按计划“7-9 1 * * *”"),
    ],
)
def test_a_schedule_reads_in_words(cron: str, words: str) -> None:
    assert describe_cron(cron) == words


def test_day_of_week_numbers_are_standard_cron_in_shanghai_time() -> None:
    # APScheduler 3 reads 0 as Monday; the registry reads cron's 0 = Sunday, 1 = Monday.
    monday_nine = cron_trigger("0 9 * * 1").get_next_fire_time(None, at(0, 0, day=1))  # a Sunday
    assert monday_nine == dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    assert monday_nine.weekday() == 0
    sunday = cron_trigger("0 9 * * 0").get_next_fire_time(None, at(10, 0, day=2))
    assert sunday is not None and sunday.weekday() == 6


def test_a_malformed_schedule_is_refused_at_registration() -> None:
    with pytest.raises(ValueError):
        register_periodic("tests.bad", record_a_run, cron="61 * * * *", description="坏")
    with pytest.raises(ValueError):
        register_periodic("tests.bad", record_a_run, cron="* * * *", description="坏")
    with pytest.raises(KeyError):
        periodic_job("tests.bad")


def test_schedulers_firing_seconds_apart_name_the_same_cron_time(recorder_job: str) -> None:
    job = periodic_job(recorder_job)
    first = job.latest_time(at(10, 5, 0), within=scheduler.MISFIRE_GRACE)
    late = job.latest_time(at(10, 9, 59), within=scheduler.MISFIRE_GRACE)
    assert first == late == at(10, 5)
    assert job.latest_time(at(10, 4, 59), within=dt.timedelta(minutes=4)) is None  # 10:00 is older
    assert job.next_run(at(10, 5)) == at(10, 10)


def test_every_app_declares_its_jobs_in_the_registry() -> None:
    names = {job.name for job in periodic_jobs()}
    assert names >= TODAYS_JOBS
    for job in periodic_jobs():
        assert str(job.description) and not describe_cron(job.cron).startswith("按计划")


def test_the_scheduler_holds_every_job_on_its_cron_trigger_in_shanghai_time() -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    built = scheduler.build_scheduler(lock=scheduler.RowLock(), scheduler_class=BackgroundScheduler)
    jobs = {job.id: job for job in built.get_jobs()}
    assert set(jobs) == {job.name for job in periodic_jobs()}
    for job in periodic_jobs():
        assert str(jobs[job.name].trigger) == str(job.trigger)
        assert jobs[job.name].trigger.timezone == SHANGHAI


# --- firing, executing, the run history ---------------------------------------------------------


@pytest.mark.django_db
def test_a_cron_time_fired_twice_runs_once(
    recorder_job: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduler.fire(recorder_job, now=at(10, 5, 2), lock=scheduler.RowLock())
        again = scheduler.fire(recorder_job, now=at(10, 7, 40), lock=scheduler.RowLock())
    assert run is not None and again is None
    run.refresh_from_db()
    assert run.status == JobRunStatus.SUCCEEDED and run.result == "ran"
    assert run.scheduled_for == at(10, 5) and not run.manual
    assert run.started_at is not None and run.finished_at is not None and run.task_id
    assert ran() == 1


@pytest.mark.django_db
def test_a_job_that_raises_is_recorded_failed_and_runs_again_at_its_next_time(
    recorder_job: str, django_capture_on_commit_callbacks: Any
) -> None:
    FAILS["left"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        failed = scheduler.fire(recorder_job, now=at(10, 5), lock=scheduler.RowLock())
    assert failed is not None
    failed.refresh_from_db()
    assert failed.status == JobRunStatus.FAILED and failed.finished_at is not None
    assert "RuntimeError: 数据源暂时不可用" in failed.error_summary
    assert "Traceback" in failed.error
    assert ran() == 0
    with django_capture_on_commit_callbacks(execute=True):
        retried = scheduler.fire(recorder_job, now=at(10, 10), lock=scheduler.RowLock())
    assert retried is not None
    retried.refresh_from_db()
    assert retried.status == JobRunStatus.SUCCEEDED and retried.error == ""
    assert ran() == 1
    assert list(JobRun.objects.filter(job=recorder_job).values_list("status", flat=True)) == [
        JobRunStatus.SUCCEEDED,
        JobRunStatus.FAILED,
    ]


@pytest.mark.django_db
def test_a_run_delivered_twice_by_the_queue_executes_once(recorder_job: str) -> None:
    run = JobRun.objects.create(job=recorder_job, scheduled_for=at(10, 5))
    assert scheduler.execute_run(run.pk) == "succeeded"
    assert scheduler.execute_run(run.pk) == "skipped"
    assert ran() == 1


@pytest.mark.django_db
def test_a_queue_that_is_down_fails_the_run_instead_of_losing_it(
    recorder_job: str, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gonghui.core import tasks

    class Down:
        def using(self, **_: Any) -> Down:
            return self

        def enqueue(self, *_: Any) -> None:
            raise ConnectionError("redis down")

    monkeypatch.setattr(tasks, "run_periodic_job", Down())
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduler.fire(recorder_job, now=at(10, 5), lock=scheduler.RowLock())
    assert run is not None
    run.refresh_from_db()
    assert run.status == JobRunStatus.FAILED and "redis down" in run.error
    assert ran() == 0


@pytest.mark.django_db
def test_catching_up_on_start_fires_each_missed_time_once(
    recorder_job: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduler.catch_up(now=at(10, 7), lock=scheduler.RowLock())
        second = scheduler.catch_up(now=at(10, 8), lock=scheduler.RowLock())
    mine = [run for run in first if run.job == recorder_job]
    assert [run.scheduled_for for run in mine] == [at(10, 5)]
    assert not [run for run in second if run.job == recorder_job]
    assert ran() == 1


@pytest.mark.django_db
def test_scheduler_lag_grows_while_a_due_time_is_unclaimed_and_drops_once_fired(
    recorder_job: str,
) -> None:
    for job in periodic_jobs():  # the other jobs' due times are claimed: only ours can lag
        due = job.latest_time(at(10, 7), within=scheduler.CATCH_UP)
        if due is not None and job.name != recorder_job:
            scheduler.RowLock().claim(job.name, due)
    assert scheduler.scheduler_lag_seconds(now=at(10, 7)) == 120.0  # 10:05 not claimed
    scheduler.fire(recorder_job, now=at(10, 7), lock=scheduler.RowLock())
    assert scheduler.scheduler_lag_seconds(now=at(10, 7)) == 0.0


# --- the locks ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_row_lock_lets_one_scheduler_create_the_run() -> None:
    assert scheduler.RowLock().claim("tests.x", at(10, 5)) is not None
    assert scheduler.RowLock().claim("tests.x", at(10, 5)) is None
    assert scheduler.RowLock().claim("tests.x", at(10, 10)) is not None


def _redis_url() -> str:
    from tests.conftest import REDIS_URL, redis_connection

    redis_connection()  # skips where no Redis answers (fails with GONGHUI_REQUIRE_REDIS=1)
    return REDIS_URL


@pytest.mark.django_db
def test_the_redis_lock_is_the_claim_itself_not_the_row() -> None:
    first, second = scheduler.RedisLock(_redis_url()), scheduler.RedisLock(_redis_url())
    when = dt.datetime.now(SHANGHAI).replace(microsecond=0)  # a fresh key per test run
    key = first.key("tests.redis", when)
    first.client.delete(key)
    try:
        won = first.claim("tests.redis", when)
        assert won is not None
        won.delete()  # even with the row gone, the key keeps the time claimed
        assert second.claim("tests.redis", when) is None
        assert first.client.ttl(key) > 0  # it expires on its own, long after the firing
    finally:
        first.client.delete(key)


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_scheduler_does_not_wait_for_the_advisory_lock_it_finds_taken() -> None:
    from django.db import transaction

    holding, released = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                outcome["first"] = scheduler.AdvisoryLock().claim("tests.pg", at(10, 5))
                holding.set()
                # Without the advisory lock the second INSERT would block on the unique index
                # until this commits, and this would time out.
                outcome["waited_out"] = not released.wait(timeout=15)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(timeout=15)
    try:
        outcome["second"] = scheduler.AdvisoryLock().claim("tests.pg", at(10, 5))
    finally:
        released.set()
        thread.join(timeout=30)
    assert outcome["first"] is not None and outcome["second"] is None
    assert outcome["waited_out"] is False
    assert JobRun.objects.filter(job="tests.pg").count() == 1
    assert scheduler.AdvisoryLock().claim("tests.pg", at(10, 5)) is None  # made and committed


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_threads_claiming_one_time_at_once_create_one_run() -> None:
    barrier, outcomes = threading.Barrier(4), []

    def claim() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(scheduler.AdvisoryLock().claim("tests.race", at(10, 5)))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 4 and sum(run is not None for run in outcomes) == 1
    assert JobRun.objects.filter(job="tests.race").count() == 1


# --- two `gonghui scheduler` processes ---------------------------------------------------------


def _locks() -> list[str]:
    locks = ["row"]
    if connection.vendor == "postgresql":
        locks.append("advisory")
    locks.append("redis")
    return locks


def _scheduler_env(tmp_path: Path, lock: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GONGHUI_ENV",)}
    env["GONGHUI_SCHEDULER_LOCK"] = lock
    env["GONGHUI_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"
    env["GONGHUI_VAR_DIR"] = str(tmp_path / "var")
    if lock == "redis":
        env["REDIS_URL"] = _redis_url()
    else:
        env.pop("REDIS_URL", None)
    if connection.vendor == "postgresql":
        # The subprocesses use the test database this test has committed to.
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
    return env


def _gonghui(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gonghui.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("lock", _locks())
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_started_together_run_each_job_once(tmp_path: Path, lock: str) -> None:
    env = _scheduler_env(tmp_path, lock)
    if connection.vendor != "postgresql":  # the processes share a database file
        migrate = _gonghui("migrate", "-v0", env=env)
        output, _ = migrate.communicate(timeout=300)
        assert migrate.returncode == 0, output
    processes = [_gonghui("scheduler", "--once", env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert all(f"({lock} lock)" in out for out in outputs), outputs
    claimed = [int(out.split("):")[1].split("run(s)")[0]) for out in outputs]

    if connection.vendor == "postgresql":
        runs = list(JobRun.objects.values_list("job", "scheduled_for"))
        from django_tasks_db.models import DBTaskResult

        enqueued = DBTaskResult.objects.filter(
            task_path="gonghui.core.tasks.run_periodic_job"
        ).count()
    else:
        import sqlite3

        with sqlite3.connect(tmp_path / "var" / "gonghui.sqlite3") as db:
            runs = db.execute("SELECT job, scheduled_for FROM core_jobrun").fetchall()
            (enqueued,) = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'gonghui.core.tasks.run_periodic_job'"
            ).fetchone()
    declared = {job.name for job in periodic_jobs()}
    due = {job.name for job in periodic_jobs() if job.latest_time(within=scheduler.CATCH_UP)}
    assert len(runs) == len(set(runs))  # one run per job and cron time
    assert {job for job, _ in runs} >= due and {job for job, _ in runs} <= declared
    assert sum(claimed) == len(runs) == enqueued  # each time enqueued by one scheduler only
