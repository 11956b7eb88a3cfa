"""A county officer browses the union tree in a real browser (Chromium via Playwright).

Rules checked: the tree loads children lazily (htmx) and only within the viewer's scope; search
and detail pages stay in scope; pages render without CSP violations or script errors; the login
page and the tree fit a phone screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import Cast
from tests.e2e.conftest import Tab

pytestmark = pytest.mark.e2e

SIBLING = "西区总工会"


def _expand(tab: Tab, name: str, code: str) -> None:
    """Click a node's "+" toggle and wait for its lazily fetched children."""
    page = tab.page
    toggle = page.get_by_role("button", name=f"展开 {name}", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    with page.expect_response(tab.url(f"/orgs/{code}/children/")) as response:
        toggle.click()
    assert response.value.ok
    expect(toggle).to_have_attribute("aria-expanded", "true")


def test_county_officer_expands_tree_searches_and_opens_detail(tab: Tab, cast: Cast) -> None:
    """Rule: the tree is lazy and scoped; search finds an in-scope org; detail shows it."""
    page = tab.page
    tab.login("east")
    tab.shoot("home-1366")

    tab.goto("/orgs/")
    tree = page.locator(".gh-tree")
    expect(tree.get_by_role("link", name=cast.county.name, exact=True)).to_be_visible()
    # Lazy: the town below the county is not in the page until its node is expanded.
    expect(tree.get_by_role("link", name=cast.town.name, exact=True)).to_have_count(0)

    _expand(tab, cast.county.name, cast.county.code)
    expect(tree.get_by_role("link", name=cast.town.name, exact=True)).to_be_visible()
    _expand(tab, cast.town.name, cast.town.code)
    expect(tree.get_by_role("link", name=cast.grassroots.name, exact=True)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(SIBLING)
    tab.assert_no_console_errors()
    tab.shoot("tree-expanded-1366")

    # A second click folds the node instead of fetching it again.
    page.get_by_role("button", name=f"展开 {cast.town.name}", exact=True).click()
    expect(tree.get_by_role("link", name=cast.grassroots.name, exact=True)).to_have_count(0)

    tab.goto("/orgs/search/")
    box = page.locator("input[name=q]")
    box.fill("东方机械")
    box.press("Enter")
    results = page.locator("#search-results")
    hit = results.get_by_role("link", name=cast.grassroots.name, exact=True)
    expect(hit).to_be_visible()
    expect(page).to_have_url(re.compile(r"/orgs/search/\?q="))
    tab.assert_no_console_errors()
    tab.shoot("search-1366")

    hit.click()
    expect(page).to_have_url(tab.url(f"/orgs/{cast.grassroots.code}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(cast.grassroots.name)
    expect(page.locator("#org-code")).to_have_text(cast.grassroots.code)
    tab.assert_no_console_errors()
    tab.shoot("detail-1366")


def test_sibling_county_never_shown_to_east_officer(tab: Tab, cast: Cast) -> None:
    """Rule: an officer sees only their own subtree — the sibling county is nowhere to be found."""
    page = tab.page
    tab.login("east")

    tab.goto("/orgs/")
    _expand(tab, cast.county.name, cast.county.code)
    _expand(tab, cast.town.name, cast.town.code)
    expect(page.get_by_role("link", name=cast.grassroots.name, exact=True)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(SIBLING)
    expect(page.locator("body")).not_to_contain_text(cast.sibling_grassroots.name)

    tab.goto("/orgs/search/")
    results = page.locator("#search-results")
    for query in ("区总工会", "西区", cast.sibling_county.code):
        page.locator("input[name=q]").fill(query)
        page.locator("input[name=q]").press("Enter")
        if query == "区总工会":
            expect(results.get_by_role("link", name=cast.county.name, exact=True)).to_be_visible()
        else:
            expect(results).to_contain_text(f"在您的管辖范围内没有找到“{query}”")
        expect(page.locator("body")).not_to_contain_text(SIBLING)
    tab.assert_no_console_errors()

    response = tab.goto(f"/orgs/{cast.sibling_county.code}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(SIBLING)


def test_home_page_at_desktop_width(tab: Tab, cast: Cast) -> None:
    """Rule: the officer's home renders cleanly at 1366x768 (no overflow, no CSP errors)."""
    page = tab.page
    tab.login("east")
    expect(page).to_have_url(tab.url("/"))
    expect(page.get_by_role("link", name="智慧工会")).to_be_visible()
    expect(page.locator("#todo-panel")).to_be_visible()
    expect(page.get_by_role("heading", name=cast.county.name)).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    tab.assert_no_horizontal_overflow()
    tab.assert_no_console_errors()


def test_login_page_and_tree_fit_a_phone(phone_tab: Tab, cast: Cast) -> None:
    """Rule: at 390x844 the login page and the tree render without horizontal overflow."""
    tab = phone_tab
    page = tab.page
    tab.goto("/accounts/login/")
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    tab.assert_no_horizontal_overflow()
    tab.assert_no_console_errors()
    tab.shoot("login-390")

    tab.login("east")
    tab.shoot("home-390")
    tab.goto("/orgs/")
    _expand(tab, cast.county.name, cast.county.code)
    _expand(tab, cast.town.name, cast.town.code)
    expect(page.get_by_role("link", name=cast.grassroots.name, exact=True)).to_be_visible()
    tab.assert_no_horizontal_overflow()
    tab.assert_no_console_errors()
    tab.shoot("tree-expanded-390")

    tab.goto(f"/orgs/{cast.grassroots.code}/")
    expect(page.locator("#org-code")).to_have_text(cast.grassroots.code)
    tab.shoot("detail-390")


def test_login_page_at_desktop_width(tab: Tab, cast: Cast) -> None:
    """Rule: the login page renders without CSP violations at 1366x768."""
    tab.goto("/accounts/login/")
    expect(tab.page.get_by_role("heading", name="智慧工会")).to_be_visible()
    tab.assert_no_horizontal_overflow()
    tab.assert_no_console_errors()
    tab.shoot("login-1366")
