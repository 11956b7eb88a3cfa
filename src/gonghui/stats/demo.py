"""Demo data of the statistics app, seeded by gonghui.demo once the counters are rebuilt.

Two frozen years: the one before last filed and accepted at every level up to the province
(so 年度对比 has two years), and last year's in progress at every level: at 经八路街道工会
(``jbl_chair``) the company union with its own officer has submitted and been accepted, two
unions without an officer were filled in by the town (代填报) and two wait for it; at 金水区总工会
(``js_chair``) two of its direct unions were filled in and two wait; the other unions have
submitted and wait for their review, and no federation has submitted yet.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import FEDERATION_KINDS
from gonghui.stats.models import OrgReport, ReportStatus
from gonghui.stats.services import reports

TOWN, COUNTY = "ZZJS-JBL", "ZZJS"


def seed(builder: Any) -> None:
    this_year = timezone.localdate().year
    admin = builder.actor
    _file_everything(reports.period_freeze(actor=admin, year=this_year - 2).year, admin)
    year = reports.period_freeze(actor=admin, year=this_year - 1).year
    grassroots = _grassroots(year)
    town_chair, county_chair = _user("jbl_chair"), _user("js_chair")
    for report in grassroots.get(TOWN, []):  # the company union files its own; the town reviews
        if reports.holds_at(_user("gr_chair"), "stats.report", report.org_path):
            reports.report_submit(actor=_user("gr_chair"), report=report)
            reports.report_review(actor=town_chair, report=_fresh(report), accept=True)
    grassroots = _grassroots(year)  # as they now stand
    for parent, officer in ((TOWN, town_chair), (COUNTY, county_chair)):
        waiting = [r for r in grassroots.get(parent, []) if r.status == ReportStatus.DRAFT]
        for report in waiting[:2]:  # 代填报: two filled in, the rest left in the queue
            reports.report_submit(actor=officer, report=report)
    for parent, rows in grassroots.items():
        if parent in (TOWN, COUNTY):
            continue
        for report in rows:  # submitted by the superuser for unions without demo accounts
            reports.report_submit(actor=admin, report=report)


def _file_everything(year: int, admin: User) -> None:
    """A year filed and accepted bottom-up, deepest reports first."""
    rows = list(
        OrgReport.objects.filter(period__year=year).select_related("org").order_by("-org_path")
    )
    for report in sorted(rows, key=lambda r: -len(r.org_path)):
        report = reports.report_submit(actor=admin, report=_fresh(report))
        if report.status == ReportStatus.SUBMITTED:
            reports.report_review(actor=admin, report=report, accept=True)


def _grassroots(year: int) -> dict[str, list[OrgReport]]:
    """Last year's grassroots reports by their parent's code."""
    found: dict[str, list[OrgReport]] = {}
    rows = (
        OrgReport.objects.filter(period__year=year)
        .exclude(org__kind__in=FEDERATION_KINDS)
        .select_related("org__parent")
        .order_by("org_path")
    )
    for report in rows:
        parent = report.org.parent
        if parent is not None:
            found.setdefault(parent.code, []).append(report)
    return found


def _fresh(report: OrgReport) -> OrgReport:
    return OrgReport.objects.select_related("org", "period").get(pk=report.pk)


def _user(username: str) -> User:
    return User.objects.get(username=username)
