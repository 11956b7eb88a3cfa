"""The demo's annual reports: a previous year filed to the top, last year's in progress at
every level with 代填报 left in the town's and the county's queues (issue 26 item 4)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.demo import generator
from gonghui.orgs.models import FEDERATION_KINDS, Post
from gonghui.stats.models import OrgReport, ReportStatus


@pytest.mark.django_db
def test_demo_reports_show_two_years_and_work_at_every_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 300)
    generator.seed_demo(seed=11)
    year = timezone.localdate().year - 1
    before = OrgReport.objects.filter(period__year=year - 1)
    assert before.exists() and not before.exclude(status=ReportStatus.ACCEPTED).exists()
    last = OrgReport.objects.filter(period__year=year)
    for kind in ("province", "city", "county", "town"):  # in progress at every level
        assert last.filter(org__kind=kind, status=ReportStatus.DRAFT).exists(), kind
    assert last.filter(org__kind="grassroots", status=ReportStatus.SUBMITTED).exists()
    client = Client()
    for username, code in (("jbl_chair", "ZZJS-JBL"), ("js_chair", "ZZJS")):
        children = last.filter(org__parent__code=code).exclude(org__kind__in=FEDERATION_KINDS)
        on_behalf = children.filter(history__reason="上级工会代填报")
        assert on_behalf.count() == 2 and not on_behalf.exclude(status="accepted").exists()
        staffed = Post.objects.filter(org__parent__code=code).values("org")
        waiting = last.filter(org__parent__code=code, status=ReportStatus.DRAFT).exclude(
            org__in=staffed
        )
        assert waiting.count() >= 2, username  # left in the queue for the officer to fill in
        client.force_login(User.objects.get(username=username))
        page = client.get(f"/stats/reports/{year}/{code}/").content.decode()
        assert page.count("可代填报") == waiting.count(), username
        assert "已审核" in page
    client.force_login(User.objects.get(username="prov_chair"))
    compare = client.get(f"/stats/compare/HA/?from={year - 1}&to={year}").content.decode()
    assert f"{year - 1}" in compare and "会员数" in compare
    assert "尚未冻结任何年度" not in client.get("/stats/reports/").content.decode()
