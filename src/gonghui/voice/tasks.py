"""Background jobs of the voice module (django-tasks). Enqueue daily, or run the management
command ``gonghui voice_escalate_overdue`` from cron."""

from django_tasks import task

from gonghui.voice.services import appeal_escalate_overdue


@task()
def voice_escalate_overdue() -> int:
    """Pass every open appeal past its second deadline to the parent union."""
    return appeal_escalate_overdue()
