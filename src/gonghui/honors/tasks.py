"""Background jobs of the honours module (django-tasks), declared in the schedule registry by
``HonorsConfig.ready()``."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

# --- aftercare (hon2) ---


@task()
def honors_allowances_generate() -> int:
    """The month's allowance payables (on the 1st; idempotent: once per holder per month)."""
    from gonghui.honors.services.care import allowances_generate

    return allowances_generate(month=timezone.localdate())


@task()
def honors_term_reminders() -> int:
    """Tell holders' unions 90 days before a title's management term ends (once each)."""
    from gonghui.honors.services.terms import term_reminders_send

    return term_reminders_send()
