"""Background jobs of the assistance module (django-tasks), declared in the schedule registry by
``AssistanceConfig.ready()``."""

from django_tasks import task

from gonghui.assistance.services.cases import cases_end_publicity_due

PUBLICITY_BATCH = 500


@task()
def assistance_end_publicity() -> int:
    """End the 公示 of cases whose period is over with no upheld objection (a bounded batch);
    returns how many went on to the upper level's approval."""
    return cases_end_publicity_due(limit=PUBLICITY_BATCH)
