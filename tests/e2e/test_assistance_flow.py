"""A hardship case (困难职工档案) in a real browser, through the pages and buttons officers click
(DOMAIN.md §3): registered, 入户走访, 基层审核 with 公示, 公示期满 (refused before the notice period
ends), then 上级审批 by the county chair, who alone sees the approval buttons. A case the member
applied for on the phone goes the same way, and the member's phone page shows the outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from gonghui.assistance.models import CaseStatus, HardshipCase, StepKind
from gonghui.core.workflow import history_of
from gonghui.orgs.models import Org
from tests.conftest import Cast
from tests.e2e.conftest import Clock, Tab
from tests.factories import HEAD_ID, chair, ensure_seeded, register

pytestmark = pytest.mark.e2e

COUNTY_CHAIR = "east_chair"


def badge(page: Page) -> Locator:
    """The status badge, first beside the household head's name (the category follows it)."""
    return page.locator("h1 .badge").first


def click_step(tab: Tab, button: str, **fields: str) -> None:
    """Fill the step's fields (by their accessible name) and press its button."""
    page = tab.page
    for name, value in fields.items():
        page.get_by_label(name, exact=True).fill(value)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")


def review_to_approval(tab: Tab, case: HardshipCase, clock: Clock) -> HardshipCase:
    """The grassroots chair visits, reviews and ends the 公示; the county chair approves.
    Each step is checked on the page and in the database."""
    page = tab.page
    detail = f"/assistance/{case.pk}/"
    tab.goto(detail)
    expect(badge(page)).to_have_text("待入户走访")

    click_step(tab, "记录入户走访", 走访人员="王主席、李委员", 走访情况="入户核实，家中一人重病")
    expect(page.get_by_role("alert")).to_contain_text("已办理")
    expect(badge(page)).to_have_text("待基层审核")
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.VISITED

    click_step(tab, "审核通过并公示", 审核意见="情况属实，同意公示")
    expect(badge(page)).to_have_text("公示中")
    case = HardshipCase.objects.get(pk=case.pk)
    assert case.status == CaseStatus.PUBLICITY
    assert case.publicity_start == timezone.localdate() and case.publicity_end is not None
    end = case.publicity_end
    expect(page.locator("body")).to_contain_text(f"至 {end.isoformat()}")

    # Before the notice period ends, the upper level may not be asked: refused, nothing moves.
    click_step(tab, "公示期满，报上级审批", 公示结果="无异议")
    expect(page.get_by_role("alert")).to_contain_text(f"公示期至{end.isoformat()}")
    expect(badge(page)).to_have_text("公示中")
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.PUBLICITY

    # The day after the last day of the notice.
    clock.advance((end - timezone.localdate() + dt.timedelta(days=1)).total_seconds())
    tab.goto(detail)
    click_step(tab, "公示期满，报上级审批", 公示结果="公示期内无异议")
    expect(badge(page)).to_have_text("待上级审批")
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.PENDING_APPROVAL
    # The union that reviewed the case does not approve it (upper-level approval only).
    expect(page.get_by_role("button", name="批准建档", exact=True)).to_have_count(0)

    page.context.clear_cookies()
    tab.login(COUNTY_CHAIR)  # a chair of the county federation
    tab.goto(detail)
    click_step(tab, "批准建档", 审批意见="同意建档，纳入帮扶")
    expect(page.get_by_role("alert")).to_contain_text("已办理")
    expect(badge(page)).to_have_text("已建档")
    case = HardshipCase.objects.get(pk=case.pk)
    assert case.status == CaseStatus.ARCHIVED
    assert case.archived_on == timezone.localdate()
    kinds = list(history_of(case).values_list("transition", flat=True))
    assert kinds[-4:] == [
        StepKind.VISITED,
        StepKind.REVIEWED,
        StepKind.PUBLICITY_ENDED,
        StepKind.APPROVED,
    ]
    approval = history_of(case).get(transition=StepKind.APPROVED)
    assert approval.actor is not None and approval.data.get("org_id") is not None
    org_code = Org.objects.get(pk=approval.data["org_id"]).code
    assert (approval.actor.username, org_code) == (COUNTY_CHAIR, "EAST")
    expect(page.locator("body")).to_contain_text("同意建档，纳入帮扶")
    tab.assert_no_console_errors()
    return case


def test_officer_registers_a_case_and_it_is_approved_into_the_archive(
    tab: Tab, cast: Cast, clock: Clock
) -> None:
    ensure_seeded()
    chair(cast.county, COUNTY_CHAIR)
    page = tab.page
    tab.login("grass")
    tab.goto("/assistance/new/")
    expect(page.get_by_label("所属基层工会编码")).to_have_value("EAST-G1")
    page.get_by_label("户主姓名").fill("困难户甲")
    page.get_by_label("身份证号码").fill(HEAD_ID)
    page.get_by_label("家庭人口").fill("4")
    page.get_by_label("家庭年度可支配收入（元）").fill("36000")
    page.get_by_label("刚性支出：医疗（元/年）").fill("6000")
    page.get_by_label("因病", exact=True).check()
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("alert")).to_contain_text("已登记困难职工申请：困难户甲")

    case = HardshipCase.objects.get()
    assert (case.name, case.id_number, case.org_id) == ("困难户甲", HEAD_ID, cast.grassroots.pk)
    assert case.household_size == 4 and case.causes == ["illness"]
    assert case.status == CaseStatus.APPLIED
    assert case.category  # computed at once, so that the review may pass it
    assert page.url == tab.url(f"/assistance/{case.pk}/")
    # The officer's page masks the ID number (DESIGN.md rule 3).
    expect(page.locator("body")).not_to_contain_text(HEAD_ID)

    review_to_approval(tab, case, clock)


def test_member_applies_on_the_phone_and_sees_the_case_archived(
    tab: Tab, phone_tab: Tab, cast: Cast, clock: Clock
) -> None:
    ensure_seeded()
    chair(cast.county, COUNTY_CHAIR)
    member = register(cast, number=HEAD_ID, name="困难户甲", account=cast.member)
    phone = phone_tab.page
    phone_tab.login("member")
    phone_tab.goto("/m/assistance/")
    expect(phone.get_by_role("heading", name="困难职工帮扶申请")).to_be_visible()
    phone.get_by_label("身份证号码").fill(HEAD_ID)
    phone.get_by_label("家庭人口").fill("4")
    phone.get_by_label("家庭年度可支配收入（元）").fill("36000")
    phone.get_by_label("刚性支出：医疗（元/年）").fill("6000")
    phone.get_by_label("因病", exact=True).check()
    phone.get_by_role("button", name="提交申请", exact=True).click()
    phone.wait_for_load_state("load")
    expect(phone.get_by_role("alert")).to_contain_text("申请已提交，请上传证明材料")
    case = HardshipCase.objects.get()
    assert (case.member_id, case.applicant_id) == (member.pk, cast.member.pk)
    assert case.org_id == cast.grassroots.pk and case.status == CaseStatus.APPLIED
    expect(phone.locator("main")).to_contain_text("待入户走访")
    phone_tab.assert_no_horizontal_overflow()

    tab.login("grass")
    review_to_approval(tab, case, clock)

    phone_tab.goto("/m/assistance/")
    expect(phone.locator("main")).to_contain_text("已建档")
    phone.get_by_role("link", name="已建档").click()
    expect(phone).to_have_url(phone_tab.url(f"/m/assistance/{case.pk}/"))
    main = phone.locator("main")
    expect(main.locator("strong")).to_have_text("已建档")
    for step in ("提出申请", "入户走访", "基层审核", "公示期满", "上级审批"):
        expect(main.get_by_role("listitem").filter(has_text=step)).to_have_count(1)
    # The officers' opinions stay on their pages.
    expect(main).not_to_contain_text("同意建档，纳入帮扶")
    phone_tab.assert_no_horizontal_overflow()
    phone_tab.assert_no_console_errors()
