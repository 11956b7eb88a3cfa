"""Background jobs of the orgs module (django-tasks), declared in the schedule registry by
``OrgsConfig.ready()``."""

from django_tasks import task

from gonghui.core.counters import counters_check
from gonghui.orgs.selectors import org_path_sample

COUNTER_SAMPLE = 200


@task()
def orgs_check_counters() -> int:
    """Recount the figures of a random sample of orgs and report any drift from the stored
    counters (audit row and a message to the superusers); nothing is corrected. Returns the
    number of drifting figures."""
    return len(counters_check(org_path_sample(COUNTER_SAMPLE)))
