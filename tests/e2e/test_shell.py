"""The officer's shell in Chromium: a folded sidebar section stays folded on the next page, the
acting-org switcher changes the breadcrumbs and the sidebar, and on a phone the sidebar opens
from the menu button without widening the page (issue 17.5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gonghui.orgs.services.orgs import post_assign
from tests import factories
from tests.conftest import Cast
from tests.e2e.conftest import Tab

pytestmark = pytest.mark.e2e


def test_sidebar_section_folds_and_stays_folded(tab: Tab, cast: Cast) -> None:
    tab.login("grass")
    page = tab.page
    sidebar = page.locator("#gh-sidebar")
    members = sidebar.locator('details[data-nav-section="members"]')
    register = members.get_by_role("link", name="登记会员", exact=True)
    expect(register).to_be_visible()

    members.locator("summary").click()
    expect(register).to_be_hidden()
    # The next page (a click in another section) keeps the section folded.
    sidebar.get_by_role("link", name="组织树", exact=True).click()
    expect(page).to_have_url(tab.url("/orgs/"))
    expect(sidebar.get_by_role("link", name="组织树", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(sidebar.locator('details[data-nav-section="members"]')).not_to_have_attribute("open", "")
    expect(sidebar.get_by_role("link", name="登记会员", exact=True)).to_be_hidden()

    sidebar.locator('details[data-nav-section="members"] summary').click()
    page.reload()
    expect(sidebar.get_by_role("link", name="登记会员", exact=True)).to_be_visible()
    tab.assert_no_console_errors()


def test_switcher_changes_the_acting_org(tab: Tab, cast: Cast) -> None:
    post_assign(
        actor=factories.superuser(), user=cast.county_officer, org=cast.grassroots, role="chair"
    )
    tab.login("east")
    page = tab.page
    crumbs = page.get_by_role("navigation", name="当前组织")
    expect(crumbs.locator('[aria-current="page"]')).to_have_text(cast.county.name)
    sidebar = page.locator("#gh-sidebar")
    expect(sidebar.get_by_role("link", name="登记会员", exact=True)).to_have_count(0)

    page.get_by_label("切换任职组织").select_option(label=f"{cast.grassroots.name} · 主席")
    page.get_by_role("button", name="切换", exact=True).click()
    expect(crumbs.locator('[aria-current="page"]')).to_have_text(cast.grassroots.name)
    expect(sidebar.get_by_role("link", name="登记会员", exact=True)).to_be_visible()
    tab.goto("/members/")
    expect(page.get_by_role("link", name="登记会员", exact=True).first).to_be_visible()
    tab.assert_no_console_errors()


def test_sidebar_on_a_phone_opens_from_the_menu_button(phone_tab: Tab, cast: Cast) -> None:
    phone_tab.login("east")
    page = phone_tab.page
    link = page.locator("#gh-sidebar").get_by_role("link", name="组织树", exact=True)
    expect(link).to_be_hidden()
    phone_tab.assert_no_horizontal_overflow()
    page.get_by_role("button", name="菜单").click()
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(phone_tab.url("/orgs/"))
    phone_tab.assert_no_horizontal_overflow()
    phone_tab.assert_no_console_errors()
