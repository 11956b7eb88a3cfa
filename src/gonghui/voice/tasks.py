"""Background jobs of the voice module (django-tasks), declared in the schedule registry by
``VoiceConfig.ready()``; ``gonghui voice_escalate_overdue`` runs the same from a shell."""

from django_tasks import task

from gonghui.voice.services.appeals import appeal_escalate_overdue

ESCALATION_BATCH = 500


@task()
def voice_escalate_overdue() -> int:
    """Pass open appeals past their second deadline to the parent union (a bounded batch, the
    longest overdue first; an appeal already passed up is not overdue any more)."""
    return appeal_escalate_overdue(limit=ESCALATION_BATCH)
