"""In a real browser: a delegate votes in an election on the phone and sees the receipt; the
officer's ballot page renders without CSP violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gonghui.democracy.services import ballots as svc
from tests.conftest import Cast
from tests.e2e.conftest import Tab
from tests.factories import officer, open_ballot, open_session, voter

pytestmark = pytest.mark.e2e


def _election(cast: Cast) -> int:
    session, seats = open_session(cast, in_office=5)
    account = voter(cast, seats[0])
    account.username = "e2e_voter"
    account.save(update_fields=["username"])
    ballot = svc.ballot_create(
        actor=officer(cast),
        session=session,
        kind="election",
        title="选举工会委员",
        seats=2,
        options=["张建华", "李秀英", "王志强"],
    )
    open_ballot(officer(cast), ballot)
    return ballot.pk


def test_delegate_votes_on_the_phone(phone_tab: Tab, cast: Cast) -> None:
    ballot = _election(cast)
    phone_tab.login("e2e_voter")
    phone_tab.goto(f"/m/democracy/ballots/{ballot}/")
    phone_tab.page.get_by_label("张建华").check()
    phone_tab.page.get_by_label("王志强").check()
    phone_tab.shoot("democracy-ballot-vote")
    phone_tab.assert_no_horizontal_overflow()
    phone_tab.page.get_by_role("button", name="投票").click()
    expect(phone_tab.page.get_by_text("投票成功")).to_be_visible()
    phone_tab.shoot("democracy-ballot-receipt")
    phone_tab.assert_no_console_errors()


def test_officer_ballot_page(tab: Tab, cast: Cast) -> None:
    ballot = _election(cast)
    tab.login("grass")
    tab.goto(f"/democracy/ballots/{ballot}/")
    expect(tab.page.get_by_text("已投 0 / 5")).to_be_visible()
    expect(tab.page.get_by_text("本次投票公钥指纹")).to_be_visible()
    tab.shoot("democracy-ballot-officer")
    tab.assert_no_console_errors()
