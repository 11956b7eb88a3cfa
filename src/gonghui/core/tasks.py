"""Background jobs of core (django-tasks: the database backend by default, RQ with REDIS_URL).

Tasks take ids, not objects, and call a service or a core function.
"""

from django_tasks import task

from gonghui.core.audit import prune_audit


@task()
def prune_audit_task() -> int:
    """Enqueue daily (cron or a scheduler) to keep the audit trail within its retention."""
    return prune_audit()


@task()
def deliver_notification(notification_id: int) -> str:
    """Deliver one notification through its channel's backend (enqueued by core.notify on
    commit); the outcome is recorded on the row, a backend failure does not fail the task."""
    from gonghui.core.notify import deliver

    return deliver(notification_id)
