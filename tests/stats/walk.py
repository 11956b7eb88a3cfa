"""A frozen year with the other county's reports, for tests/test_scoping_walk.py."""

from __future__ import annotations

from tests.conftest import Cast

SECRETS: list[str] = []


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    from gonghui.stats.models import ReportPeriod
    from gonghui.stats.services.reports import period_freeze
    from tests.factories import superuser

    if not ReportPeriod.objects.filter(year=2026).exists():
        period_freeze(actor=superuser(), year=2026)
    return {"stats:report_action": {"action": ["edit", "submit", "accept", "return"]}}
