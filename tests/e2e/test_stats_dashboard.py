"""A town officer opens the statistics dashboard in Chromium: the figures, the year-ago change
and both ECharts charts render under the strict CSP, with no console error (issue 11)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.stats.services.reports import snapshot_take
from tests.conftest import Cast
from tests.e2e.conftest import Tab
from tests.factories import join

pytestmark = pytest.mark.e2e


def test_dashboard_draws_its_charts_and_drills_down(tab: Tab, cast: Cast) -> None:
    """Rule: one page shows the subtree's figures, trend and ranking; a click drills down."""
    today = timezone.localdate()
    join(cast, "41010519850101102")
    snapshot_take(label=f"{today.year - 1}-{today.month:02d}")  # a year ago: 1 member
    join(cast, "41010519860101102", joined_on=today)
    snapshot_take(label=f"{today:%Y-%m}")
    tab.login("town")
    tab.goto("/stats/EAST-T1/")
    page = tab.page
    expect(page.locator('[data-figure="members"]')).to_have_text("2")
    expect(page.locator('[data-change="members"]')).to_have_text("+100.0%")
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    expect(page.locator("#chart-ranking canvas")).to_have_count(1)
    page.get_by_role("link", name="东方机械有限公司工会委员会").click()
    expect(page.locator("h1")).to_contain_text("东方机械有限公司工会委员会")
    tab.assert_no_console_errors()
