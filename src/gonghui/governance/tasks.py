"""Background jobs of the governance module (django-tasks), declared in the schedule registry by
``GovernanceConfig.ready()``."""

from django_tasks import task

from gonghui.governance.services.terms import terms_remind


@task()
def governance_terms_remind() -> int:
    """Tell each union once when its 换届 comes within the reminder window, and its upper union
    once when the term is overdue."""
    return terms_remind()
