"""Background jobs of the benefits module (django-tasks), declared in the schedule registry by
``BenefitsConfig.ready()``."""

from django_tasks import task

from gonghui.benefits.services.merchants import merchants_remind_agreements


@task()
def benefits_remind_agreements() -> int:
    """Remind the signing unions, once each, of merchant agreements about to end or ended."""
    return merchants_remind_agreements()
