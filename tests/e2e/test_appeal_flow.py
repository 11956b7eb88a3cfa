"""An appeal (诉求) in a real browser: a member submits it on the phone, an officer of the union
accepts and replies on the officer pages, the member reads the reply and rates it. An anonymous
appeal goes the same way, and no officer page shows who submitted it (DESIGN.md rule 2): its
author follows it with the 查询码 shown once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from gonghui.core.crypto import mask_id_number, mask_phone
from gonghui.voice.models import Appeal, AppealStatus, Rating
from gonghui.voice.services import appeals as voice
from tests.conftest import Cast
from tests.e2e.conftest import Tab
from tests.factories import WORKER_ID, WORKER_LOGIN, WORKER_NAME, WORKER_PHONE, worker

pytestmark = pytest.mark.e2e

TITLE = "车间拖欠加班工资"
CONTENT = "车间连续三个月没有发放加班工资，希望工会帮助协调。"
REPLY = "已约谈车间负责人，拖欠的加班工资将于本月发放。"


def card(page: Page, heading: str) -> Locator:
    """The officer's action form under ``heading`` (受理, 书面答复, ...)."""
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading, exact=True))


def submit_on_phone(phone_tab: Tab, *, anonymous: bool) -> None:
    page = phone_tab.page
    phone_tab.goto("/m/voice/new/")
    # The chairman's union is asked for a letter only, never for an appeal.
    chairman = page.get_by_label("写给哪个工会的主席", exact=False)
    expect(chairman).to_be_hidden()
    page.get_by_label("提交给").select_option(label="主席信箱")
    expect(chairman).to_be_visible()
    page.get_by_label("提交给").select_option(label="诉求")
    expect(chairman).to_be_hidden()
    page.get_by_label("类别").select_option(label="工资")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("内容").fill(CONTENT)
    if anonymous:
        page.get_by_label("匿名提交", exact=False).check()
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_load_state("load")


def accept_and_reply(tab: Tab, appeal: Appeal) -> None:
    """The union's chair finds the appeal in the list, accepts it and replies in writing."""
    page = tab.page
    tab.goto("/voice/")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("待受理")
    row.get_by_role("link", name=appeal.number).click()
    expect(page).to_have_url(tab.url(f"/voice/{appeal.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)

    accept = card(page, "受理")
    accept.get_by_label("意见").fill("属实，受理")
    accept.get_by_role("button", name="受理", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("已受理")
    expect(page.locator("table")).to_contain_text("办理中")
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ACCEPTED

    reply = card(page, "书面答复")
    reply.get_by_label("答复意见").fill(REPLY)
    reply.get_by_role("button", name="答复", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("已答复")
    expect(page.locator("table")).to_contain_text("已答复")
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert (appeal.status, appeal.reply) == (AppealStatus.REPLIED, REPLY)
    # Replied: nothing left to accept or reply.
    expect(card(page, "书面答复")).to_have_count(0)


def rate_on_phone(phone_tab: Tab) -> None:
    page = phone_tab.page
    main = page.locator("main")
    expect(main).to_contain_text("已答复")
    expect(main).to_contain_text(REPLY)
    page.get_by_role("combobox", name=re.compile("^评价")).select_option(label="满意")
    page.get_by_label("评价意见").fill("解决及时")
    page.get_by_role("button", name="评价", exact=True).click()
    page.wait_for_load_state("load")
    expect(main).to_contain_text("感谢您的评价")
    expect(main).to_contain_text("已办结")
    # 满意 settles it: the member sees their rating, and no form to reopen the appeal.
    expect(main).to_contain_text("我的评价")
    expect(main).to_contain_text("解决及时")
    expect(page.get_by_role("button", name="申请重新办理")).to_have_count(0)


def test_member_submits_officer_replies_member_rates(tab: Tab, phone_tab: Tab, cast: Cast) -> None:
    voice.category_get("wage")  # the seeded categories, should a flush have emptied them
    worker(cast)
    phone = phone_tab.page
    phone_tab.login(WORKER_LOGIN)
    submit_on_phone(phone_tab, anonymous=False)
    appeal = Appeal.objects.get()
    expect(phone.get_by_role("alert")).to_contain_text(f"已提交，编号 {appeal.number}")
    expect(phone).to_have_url(phone_tab.url(f"/m/voice/{appeal.pk}/"))
    assert (appeal.title, appeal.org_id, appeal.anonymous) == (TITLE, cast.grassroots.pk, False)
    assert (appeal.status, appeal.contact_name) == (AppealStatus.SUBMITTED, WORKER_NAME)
    expect(phone.locator("main")).to_contain_text("待受理")

    tab.login("grass")
    tab.goto(f"/voice/{appeal.pk}/")
    # A signed appeal names its submitter to the union handling it.
    expect(tab.page.locator("table")).to_contain_text(WORKER_NAME)
    accept_and_reply(tab, appeal)

    phone_tab.goto("/m/voice/")
    phone.get_by_role("link").filter(has_text=TITLE).click()
    expect(phone).to_have_url(phone_tab.url(f"/m/voice/{appeal.pk}/"))
    rate_on_phone(phone_tab)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert (appeal.status, appeal.rating) == (AppealStatus.CLOSED, Rating.SATISFIED)
    assert appeal.rating_comment == "解决及时"

    tab.goto(f"/voice/{appeal.pk}/")
    expect(tab.page.locator("table")).to_contain_text("满意 解决及时")
    phone_tab.assert_no_horizontal_overflow()
    phone_tab.assert_no_console_errors()
    tab.assert_no_console_errors()


def test_anonymous_appeal_hides_its_submitter_from_the_officer(
    tab: Tab, phone_tab: Tab, cast: Cast
) -> None:
    voice.category_get("wage")
    worker(cast)
    phone = phone_tab.page
    phone_tab.login(WORKER_LOGIN)
    submit_on_phone(phone_tab, anonymous=True)
    expect(phone.get_by_role("heading", name="匿名诉求已提交")).to_be_visible()
    code = phone.get_by_test_id("follow-code").inner_text().strip()
    appeal = Appeal.objects.get()
    assert appeal.anonymous and (appeal.contact_name, appeal.contact_phone) == ("", "")
    assert appeal.status == AppealStatus.SUBMITTED and appeal.org_id == cast.grassroots.pk
    # Not linked to the account: the member's own list does not hold it.
    phone_tab.goto("/m/voice/")
    expect(phone.locator("main")).not_to_contain_text(TITLE)

    tab.login("grass")
    page = tab.page
    identity = [WORKER_NAME, WORKER_PHONE, mask_phone(WORKER_PHONE), WORKER_ID, WORKER_LOGIN]
    identity.append(mask_id_number(WORKER_ID))
    tab.goto("/voice/")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row.get_by_role("cell", name="匿名", exact=True)).to_have_count(1)
    tab.goto(f"/voice/{appeal.pk}/")
    submitter = page.locator("th", has_text="提出人").locator("xpath=following-sibling::td[1]")
    expect(submitter).to_have_text("匿名")
    for shown in (page.locator("body").inner_text(), page.content()):
        assert [s for s in identity if s in shown] == []
    accept_and_reply(tab, appeal)
    for shown in (page.locator("body").inner_text(), page.content()):
        assert [s for s in identity if s in shown] == []

    # The author follows the appeal with the code alone, reads the reply and rates it.
    phone_tab.goto("/m/voice/follow/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询", exact=True).click()
    phone.wait_for_load_state("load")
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    rate_on_phone(phone_tab)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert (appeal.status, appeal.rating) == (AppealStatus.CLOSED, Rating.SATISFIED)
    phone_tab.assert_no_console_errors()
    tab.assert_no_console_errors()
