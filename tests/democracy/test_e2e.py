"""In a real browser: an officer's session page and a delegate's phone pages render without CSP
violations or script errors, and the phone pages fit a phone screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.democracy.services import congress as svc
from gonghui.democracy.services import motions
from tests.conftest import Cast
from tests.e2e.conftest import Tab
from tests.factories import elect, link_member, make_account, make_congress, officer

pytestmark = pytest.mark.e2e


def _setup(cast: Cast) -> tuple[int, int]:
    _congress, term = make_congress(cast)
    people = elect(cast, term, 6)
    link_member(cast, people[0], make_account("member", "e2e_delegate"), "41010519870101001")
    session = svc.session_create(
        actor=officer(cast),
        term=term,
        title="一届二次职代会",
        scheduled_for=timezone.localdate() + dt.timedelta(days=10),
        agenda="一、工作报告",
    )
    for seat in people[1:5]:
        svc.attendance_check_in(actor=officer(cast), session=session, delegate=seat)
    motion = motions.motion_draft(
        actor=officer(cast), delegate=people[0], title="增设夜班班车", content="夜班无公交"
    )
    return session.pk, motion.pk


def test_officer_session_page(tab: Tab, cast: Cast) -> None:
    session, _motion = _setup(cast)
    tab.login("grass")
    tab.goto(f"/democracy/sessions/{session}/")
    expect(tab.page.get_by_text("已签到 4 / 在任 6（须 4 名）")).to_be_visible()
    tab.shoot("democracy-session")
    tab.goto("/democracy/reports/")
    tab.shoot("democracy-reports")
    tab.assert_no_console_errors()


def test_delegate_phone_pages(phone_tab: Tab, cast: Cast) -> None:
    session, motion = _setup(cast)
    phone_tab.login("e2e_delegate")
    phone_tab.goto("/m/democracy/")
    expect(phone_tab.page.get_by_text("我是职工代表")).to_be_visible()
    phone_tab.shoot("democracy-phone-home")
    phone_tab.assert_no_horizontal_overflow()
    phone_tab.goto(f"/m/democracy/sessions/{session}/checkin/")
    expect(phone_tab.page.locator("svg")).to_be_visible()
    phone_tab.shoot("democracy-phone-checkin")
    phone_tab.assert_no_horizontal_overflow()
    phone_tab.goto(f"/m/democracy/motions/{motion}/")
    phone_tab.shoot("democracy-phone-motion")
    phone_tab.assert_no_horizontal_overflow()
    phone_tab.assert_no_console_errors()
