"""统计年报 with 逐级上报 (issue 11): freeze, fill, submit, review level by level, compare."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gonghui.stats.models import OrgReport, ReportStatus
from gonghui.stats.services import reports
from tests.conftest import Cast, fresh
from tests.factories import join, make_officer, make_org, superuser


def report(code: str, year: int = 2026) -> OrgReport:
    return OrgReport.objects.select_related("org").get(period__year=year, org__code=code)


def test_returned_report_is_editable_and_the_resubmitted_one_sums_into_the_county(
    cast: Cast,
) -> None:
    direct = make_org(cast.county, "grassroots", "东区直属机关工会", "EAST-G9")
    direct_officer = make_officer(direct, "chair", "g9")
    county_chair = make_officer(cast.county, "chair", "east_chair")
    join(cast, "41010519850101102")
    join(cast, "41010519860101102")
    join(cast, "41010519870101102", union=direct)
    period = reports.period_freeze(actor=superuser(), year=2026)
    assert report("EAST-G1").figures["members"] == 2 and report("EAST").figures == {}
    assert (
        not OrgReport.objects.filter(period=period, org__code="WEST-G1")
        .exclude(figures__members=0)
        .exists()
    )

    grass, town = fresh(cast.grassroots_officer), fresh(cast.town_officer)
    reports.report_submit(actor=grass, report=report("EAST-G1"))
    with pytest.raises(PermissionDenied):  # the town reviews its children, not the county's
        reports.report_review(actor=town, report=report("EAST-G9"), accept=True)
    reports.report_review(actor=town, report=report("EAST-G1"), accept=True)
    reports.report_submit(actor=town, report=report("EAST-T1"))
    assert report("EAST-T1").figures["members"] == 2
    reports.report_review(actor=fresh(county_chair), report=report("EAST-T1"), accept=True)

    g9 = fresh(direct_officer)
    reports.report_submit(actor=g9, report=report("EAST-G9"))
    with pytest.raises(ValidationError):  # a submitted report cannot be corrected
        reports.report_edit(actor=g9, report=report("EAST-G9"), figures={"members": 5})
    with pytest.raises(ValidationError):  # returning needs a reason
        reports.report_review(actor=fresh(county_chair), report=report("EAST-G9"), accept=False)
    reports.report_review(
        actor=fresh(county_chair), report=report("EAST-G9"), accept=False, reason="会员数漏报"
    )
    returned = report("EAST-G9")
    assert returned.status == ReportStatus.RETURNED and returned.editable
    with pytest.raises(ValidationError):  # the county submits only when all children are in
        reports.report_submit(actor=fresh(county_chair), report=report("EAST"))
    reports.report_edit(actor=g9, report=returned, figures={"members": 5}, note="补报离退休会员")
    reports.report_submit(actor=g9, report=report("EAST-G9"))
    reports.report_review(actor=fresh(county_chair), report=report("EAST-G9"), accept=True)

    county = reports.report_submit(actor=fresh(county_chair), report=report("EAST"))
    assert county.status == ReportStatus.SUBMITTED
    assert county.figures["members"] == 2 + 5  # the correction sums into the county's report
    assert county.figures["unions_grassroots"] == 2
    assert [s.to_state for s in report("EAST-G9").history.all()] == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_report_pages_fill_submit_review_and_compare_years(cast: Cast) -> None:
    join(cast, "41010519850101102")
    reports.period_freeze(actor=superuser(), year=2025)
    join(cast, "41010519860101102")
    join(cast, "41010519870101102")
    reports.period_freeze(actor=superuser(), year=2026)
    client = Client()
    client.force_login(cast.grassroots_officer)
    page = client.get("/stats/reports/2026/EAST-G1/").content.decode()
    assert 'name="members" value="3"' in page
    client.post("/stats/reports/2026/EAST-G1/edit/", {"members": "4", "note": "核实"})
    client.post("/stats/reports/2026/EAST-G1/submit/")
    assert report("EAST-G1").status == "submitted" and report("EAST-G1").figures["members"] == 4
    client.force_login(cast.town_officer)
    town = client.get("/stats/reports/2026/EAST-T1/").content.decode()
    assert "审核通过" in town
    client.post("/stats/reports/2026/EAST-G1/return/", {"reason": "请附说明"})
    assert report("EAST-G1").return_reason == "请附说明"
    compare = client.get("/stats/compare/EAST-T1/?from=2025&to=2026").content.decode()
    assert 'data-change="members">200.0%' in compare
    assert client.get("/stats/reports/2026/EAST-T1/?format=xlsx").status_code == 200
    client.force_login(cast.sibling_officer)
    assert client.get("/stats/reports/2026/EAST-G1/").status_code == 404
    assert client.post("/stats/reports/2026/EAST-G1/submit/").status_code == 404
