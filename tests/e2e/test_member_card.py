"""A member opens their card on a phone in a real browser (Chromium via Playwright).

Rules checked: the card page shows an SVG QR and the 6-digit dynamic code, which verify; the
page re-fetches its fragment by itself (static script, no CSP violation); it fits a phone
screen; the printable card prints without the page chrome; 挂失 asks for confirmation and then
the card stops verifying.
"""

from __future__ import annotations

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from gonghui.members.models import CardStatus
from gonghui.members.services.cards import card_verify
from tests.conftest import Cast
from tests.e2e.conftest import Tab
from tests.factories import register

# A card check by one counter account (the typed-code limit is counted per account).
check_card = partial(card_verify, guesser="user:test")

pytestmark = pytest.mark.e2e


def test_member_card_refreshes_prints_and_is_reported_lost(phone_tab: Tab, cast: Cast) -> None:
    member = register(cast, account=cast.member)
    card = member.cards.get(status=CardStatus.ACTIVE)
    page = phone_tab.page

    phone_tab.goto("/m/login/")
    page.locator("input[name=username]").fill("member")
    page.locator("input[name=password]").fill("Test-pass-2026")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(phone_tab.url("/m/"))
    page.get_by_role("link", name="会员卡", exact=True).click()
    expect(page).to_have_url(phone_tab.url("/m/card/"))

    live = page.locator("#gh-card-live")
    expect(live.locator("svg.segno")).to_be_visible()
    expect(live.locator("[data-countdown]")).to_contain_text("秒")
    code = page.locator("[data-card-code]").inner_text()
    assert re.fullmatch(r"\d{3} \d{3}", code)
    assert check_card(card_no=card.number, code=code.replace(" ", "")).valid
    phone_tab.shoot("member-card-390")
    phone_tab.assert_no_horizontal_overflow()

    # The minute turns (simulated): the script fetches a fresh fragment and swaps it in.
    with page.expect_response(phone_tab.url("/m/card/live/")) as response:
        page.evaluate(
            "() => document.getElementById('gh-card-live').setAttribute('data-refresh-at', '0')"
        )
    assert response.value.ok
    expect(page.locator("#gh-card-live")).not_to_have_attribute("data-refresh-at", "0")
    expect(page.locator("#gh-card-live svg.segno")).to_be_visible()
    phone_tab.assert_no_console_errors()

    # The printable card: printed without the navigation and buttons.
    phone_tab.goto("/m/card/print/")
    page.emulate_media(media="print")
    expect(page.locator(".gh-print-card")).to_be_visible()
    expect(page.locator(".gh-print-card")).to_contain_text(card.number)
    expect(page.locator("nav").first).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    page.emulate_media(media="screen")

    # 挂失: the box must be ticked and the browser's confirmation accepted.
    phone_tab.goto("/m/card/lost/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("我确认会员卡已遗失，立即挂失").check()
    page.get_by_role("button", name="确认挂失").click()
    expect(page).to_have_url(phone_tab.url("/m/card/"))
    expect(page.locator("body")).to_contain_text("已挂失")
    card.refresh_from_db()
    assert card.status == CardStatus.LOST
    assert not card_verify(
        guesser="user:test", card_no=card.number, code=code.replace(" ", "")
    ).valid
    phone_tab.assert_no_console_errors()
