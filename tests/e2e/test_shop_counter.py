"""The merchant's counter in a real browser (ADR 0012): scan a member's QR, see the offers, type
the bill and redeem — also more than a minute after the scan, when the QR itself has expired,
because the check's bill ticket lasts 5 minutes; after 5 minutes the counter must scan again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from gonghui.benefits.models import Redemption
from gonghui.benefits.services.shop import BILL_TICKET_SECONDS
from gonghui.members.services.cards import card_token, card_verify
from tests.conftest import Cast
from tests.e2e.conftest import Clock, Tab
from tests.factories import approved_offer, card_of, members, signed_merchant

pytestmark = pytest.mark.e2e


def scan(tab: Tab, token: str) -> None:
    """What the counter's camera script does once jsQR reads the code: fill the token, submit."""
    tab.page.evaluate(
        "token => { document.getElementById('gh-token').value = token;"
        " document.getElementById('gh-verify').submit(); }",
        token,
    )
    tab.page.wait_for_load_state("load")


def bill(tab: Tab, amount: str) -> None:
    tab.page.get_by_placeholder("消费金额（元）").fill(amount)
    tab.page.get_by_role("button", name="核销", exact=True).click()
    tab.page.wait_for_load_state("load")


def test_the_bill_ticket_outlives_the_qr_for_five_minutes_and_no_longer(
    phone_tab: Tab, cast: Cast, clock: Clock
) -> None:
    assert BILL_TICKET_SECONDS == 300
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)  # 10 yuan off
    (member,) = members(cast, 1)
    number = card_of(member)
    page = phone_tab.page
    phone_tab.login(cast.merchant.username)
    phone_tab.goto("/shop/")
    expect(page.locator("body")).to_contain_text(merchant.name)

    # A scan, then the cashier takes more than 5 minutes: refused, nothing redeemed.
    scan(phone_tab, card_token(number, now=clock.timestamp()))
    expect(page.locator("body")).to_contain_text(offer.title)
    expect(page.locator("body")).to_contain_text("核验后5分钟内可录入消费金额并核销")
    clock.advance(BILL_TICKET_SECONDS + 1)
    bill(phone_tab, "35.50")
    expect(page.get_by_role("alert")).to_contain_text("核验已超过5分钟，请重新核验会员卡")
    assert not Redemption.objects.exists()

    # Scanned again; 90 s later the QR is dead, yet the bill typed now is redeemed.
    token = card_token(number, now=clock.timestamp())
    scan(phone_tab, token)
    expect(page.locator("body")).to_contain_text(offer.title)
    clock.advance(90)
    assert not card_verify(guesser="user:test", token=token, now=clock.timestamp()).valid
    bill(phone_tab, "35.50")
    expect(page.get_by_role("status")).to_contain_text("核销成功")
    expect(page.get_by_role("status")).to_contain_text("实收 25.50")
    redemption = Redemption.objects.get()
    assert (redemption.member_id, redemption.merchant_id) == (member.pk, merchant.pk)
    assert redemption.paid_amount == Decimal("25.50")
    phone_tab.assert_no_horizontal_overflow()
    phone_tab.assert_no_console_errors()
