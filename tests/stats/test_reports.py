"""统计年报 with 逐级上报 (issue 11): freeze, fill, submit, review level by level, compare."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gonghui.core.models import AuditEvent
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


def test_a_parent_files_for_its_unions_without_an_officer_up_to_the_province(cast: Cast) -> None:
    """代填报: a union with no officer account able to file its report (a grassroots union, a
    county) has it filled in and submitted by the union above, recorded as such; the chain then
    reaches the province. A union with its own officer files its own."""
    empty = make_org(cast.town, "grassroots", "东区五金加工厂工会委员会", "EAST-G8")
    join(cast, "41010519850101102")
    join(cast, "41010519860101102", union=empty)
    # The cast's county, city and province officers are 管理员 (accounts, not reports);
    # the city and the province have a 主席 who files; the county has none.
    city_chair = make_officer(cast.city, "chair", "city_chair")
    prov_chair = make_officer(cast.province, "chair", "prov_chair")
    reports.period_freeze(actor=superuser(), year=2026)
    town, grass = fresh(cast.town_officer), fresh(cast.grassroots_officer)
    with pytest.raises(PermissionDenied):  # EAST-G1 has its own officer: the town cannot
        reports.report_edit(actor=town, report=report("EAST-G1"), figures={"members": 9})
    filed = reports.report_edit(
        actor=town, report=report("EAST-G8"), figures={"members": 3}, note="电话核实：漏登2人"
    )
    assert filed.figures["members"] == 3
    edit = AuditEvent.objects.get(action="stats.report.edited", target_id=str(filed.pk))
    assert edit.actor_id == town.pk and edit.after["on_behalf"] is True
    filed = reports.report_submit(actor=town, report=report("EAST-G8"))
    assert filed.status == ReportStatus.ACCEPTED  # the town filed it: nothing left to review
    steps = [(h.to_state, h.reason, h.data) for h in filed.history.order_by("pk")]
    assert steps == [
        ("submitted", "上级工会代填报", {"on_behalf": True}),
        ("accepted", "代填报", {}),
    ]
    reports.report_submit(actor=grass, report=report("EAST-G1"))
    reports.report_review(actor=town, report=report("EAST-G1"), accept=True)
    reports.report_submit(actor=town, report=report("EAST-T1"))
    # The county has no officer: the city reviews the town's report and files the county's.
    city = fresh(city_chair)
    reports.report_review(actor=city, report=report("EAST-T1"), accept=True)
    with pytest.raises(PermissionDenied):  # the sibling county's reports are not the town's
        reports.report_submit(actor=town, report=report("EAST"))
    county = reports.report_submit(actor=city, report=report("EAST"))
    assert county.status == ReportStatus.ACCEPTED and county.figures["members"] == 1 + 3
    for code in ("WEST-G1", "WEST"):  # the sibling county has no filing officer either
        reports.report_submit(actor=city, report=report(code))
    reports.report_submit(actor=city, report=report("CITY"))
    reports.report_review(actor=fresh(prov_chair), report=report("CITY"), accept=True)
    top = reports.report_submit(actor=fresh(prov_chair), report=report("PROV"))
    assert top.status == ReportStatus.ACCEPTED and top.figures["members"] == 1 + 3


def test_freezing_a_year_is_the_provinces_statistics_officers_right(cast: Cast) -> None:
    prov_chair = make_officer(cast.province, "chair", "prov_chair")
    city_chair = make_officer(cast.city, "chair", "city_chair")
    with pytest.raises(PermissionDenied):  # stats.freeze held at a city is not the province's
        reports.period_freeze(actor=fresh(city_chair), year=2026)
    client = Client()
    client.force_login(fresh(city_chair))
    assert "freeze-year" not in client.get("/stats/reports/").content.decode()
    client.force_login(fresh(prov_chair))
    assert "freeze-year" in client.get("/stats/reports/").content.decode()
    response = client.post("/stats/reports/", {"year": "2026"}, follow=True)
    assert "已冻结2026年度数据并生成各级年报" in response.content.decode()
    assert report("EAST-G1").period.frozen_by_id == prov_chair.pk


def test_the_report_pages_offer_the_parent_the_forms_of_a_union_without_an_officer(
    cast: Cast,
) -> None:
    make_org(cast.town, "grassroots", "东区五金加工厂工会委员会", "EAST-G8")
    reports.period_freeze(actor=superuser(), year=2026)
    client = Client()
    client.force_login(fresh(cast.town_officer))
    town = client.get("/stats/reports/2026/EAST-T1/").content.decode()
    assert town.count("可代填报") == 1  # EAST-G8 only: EAST-G1 has its own officer
    page = client.get("/stats/reports/2026/EAST-G8/").content.decode()
    assert "由上级工会代填报" in page and 'name="members"' in page
    assert "/stats/reports/2026/EAST-G8/submit/" in page
    client.post("/stats/reports/2026/EAST-G8/edit/", {"members": "4", "note": "代填"})
    client.post("/stats/reports/2026/EAST-G8/submit/")
    filed = report("EAST-G8")
    assert filed.figures["members"] == 4 and filed.status == ReportStatus.ACCEPTED
    own = client.get("/stats/reports/2026/EAST-G1/").content.decode()
    assert "由上级工会代填报" not in own and 'name="members"' not in own
