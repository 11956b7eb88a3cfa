"""Background jobs of core (django-tasks: the database backend by default, RQ with REDIS_URL).

Tasks take ids, not objects, and call a service or a core function.
"""

from django_tasks import task

from gonghui.core.audit import prune_audit


@task()
def run_periodic_job(run_id: int) -> str:
    """The wrapper every scheduled or hand-started run goes through (``core.scheduler``): it
    calls the job's own task and records the outcome in the run history, on any backend."""
    from gonghui.core.scheduler import execute_run

    return execute_run(run_id)


@task()
def prune_files_task() -> int:
    """Daily (``core.prune_files``): import files, problem-row workbooks and exports past
    their retention."""
    from gonghui.core.retention import prune_job_files

    return prune_job_files()


@task()
def prune_audit_task() -> int:
    """Daily (``core.prune_audit``): audit rows, run history and sent reminders past their
    retention, in bounded batches."""
    from gonghui.core.reminders import prune_notices
    from gonghui.core.scheduler import prune_runs

    deleted = prune_audit(max_batches=200)
    prune_runs()
    prune_notices()
    return deleted


@task()
def notify_overdue_task() -> int:
    """Daily (``core.notify_overdue``): tell officers once about each deadline on their to-do
    panel that has passed since the last run."""
    from gonghui.core.reminders import notify_overdue

    return notify_overdue()


@task()
def deliver_notification(notification_id: int) -> str:
    """Deliver one notification through its channel's backend (enqueued by core.notify on
    commit); the outcome is recorded on the row, a backend failure does not fail the task."""
    from gonghui.core.notify import deliver

    return deliver(notification_id)


@task()
def reap_import_jobs_task() -> int:
    """Every two minutes (``core.import_reap``): fail the running imports whose worker is gone
    (their rows were never committed)."""
    from gonghui.core.importing.liveness import import_jobs_reap

    return import_jobs_reap()
