"""Background jobs of core (django-tasks; the database backend by default)."""

from django_tasks import task

from gonghui.core.audit import prune_audit


@task()
def prune_audit_task() -> int:
    """Enqueue daily (cron or a scheduler) to keep the audit trail within its retention."""
    return prune_audit()
