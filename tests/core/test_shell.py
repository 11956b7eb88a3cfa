"""The officer's shell: the sidebar by capability, the acting-org switcher, the 工作台, buttons
shown only to those the service accepts, and the 权限矩阵 read from the data."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from django.test import Client

from gonghui.accounts.models import User
from gonghui.core import navigation, registry
from gonghui.core.acting import SESSION_KEY
from gonghui.core.registry import TodoItem
from gonghui.orgs.models import PostRole
from gonghui.orgs.services.orgs import post_assign
from tests import factories
from tests.conftest import Cast, fresh

ALL_VIEWS = {
    "组织树", "查找组织", "用人单位", "会员名册", "转会", "普惠商户", "优惠", "优惠活动",
    "核销记录", "投诉", "普惠报表", "困难职工档案", "职代会", "厂务公开", "表决", "诉求",
    "合理化建议", "统计概览", "权限矩阵",
    "委员会与换届", "建会", "会费", "工会经费", "经费审查",
    "评选", "荣誉库", "荣誉类型", "撤销荣誉", "荣誉津贴", "关爱慰问名单", "创新工作室",
}  # fmt: skip


def _page(client: Client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _sidebar(body: str) -> dict[str, list[str]]:
    """Section label -> entry labels, as the sidebar shows them."""
    aside = re.search(r'<aside id="gh-sidebar".*?</aside>', body, re.S)
    if aside is None:
        return {}
    sections: dict[str, list[str]] = {}
    for block in re.findall(r"<details.*?</details>", aside.group(0), re.S):
        summary = re.search(r"<summary>(?:<span[^>]*>[^<]*</span>)?([^<]+)</summary>", block)
        assert summary is not None
        sections[summary.group(1).strip()] = [
            html.unescape(t).strip() for t in re.findall(r"<li><a[^>]*>([^<]+)</a>", block)
        ]
    return sections


def _links(body: str) -> list[str]:
    aside = re.search(r'<aside id="gh-sidebar".*?</aside>', body, re.S)
    assert aside is not None
    return re.findall(r'<li><a[^>]*href="([^"]+)"', aside.group(0))


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # 上级工会 管理员: sees everything, manages accounts and the tree, registers no member.
        ("province_officer", ALL_VIEWS | {"干部账号", "操作日志"}),
        # 上级工会 主席: no 干部账号 (not an account manager by default), no 登记会员.
        ("town_officer", ALL_VIEWS | {"操作日志"}),
        # 基层工会 主席: registers members, manages accounts of the union.
        ("grassroots_officer", ALL_VIEWS | {"登记会员", "干部账号", "操作日志"}),
    ],
)
def test_sidebar_shows_exactly_what_the_account_may_use(
    cast: Cast, who: str, expected: set[str]
) -> None:
    user = getattr(cast, who)
    body = _page(_client(user))
    shown = _sidebar(body)
    assert {label for labels in shown.values() for label in labels} == expected
    assert list(shown) == [
        "组织",
        "会员",
        "普惠",
        "帮扶",
        "组织建设",
        "评先评优",
        "民主管理",
        "诉求",
        "统计",
        "系统",
    ]
    # Every entry shown opens for this account (none is a refusal after the click).
    for url in _links(body):
        assert _client(user).get(url).status_code == 200, url


def test_sidebar_of_a_federation_committee_member_has_no_system_management(cast: Cast) -> None:
    member_of_committee = factories.make_officer(cast.county, PostRole.COMMITTEE)
    shown = _sidebar(_page(_client(member_of_committee)))
    assert shown["系统"] == ["权限矩阵"]
    assert "登记会员" not in shown["会员"]


def test_sidebar_of_the_installation_admin_adds_the_operations_pages(cast: Cast) -> None:
    shown = _sidebar(_page(_client(factories.superuser())))
    assert {"定时任务", "任务队列", "工作日历", "干部账号"} <= set(shown["系统"])
    assert "登记会员" in shown["会员"]


def test_a_section_registered_later_slots_in_by_capability(cast: Cast) -> None:
    navigation.register_section("later", "劳模", order=65)
    navigation.register_items(
        "later",
        [
            navigation.NavItem("劳模评选", "core:inbox", "democracy.manage"),
            navigation.NavItem("劳模名录", "core:calendar_list", "democracy.view", order=5),
        ],
    )
    try:
        grassroots = _sidebar(_page(_client(cast.grassroots_officer)))
        federation = _sidebar(_page(_client(cast.town_officer)))
    finally:
        navigation._sections.pop("later")
        for key in [k for k in navigation._items if k[0] == "later"]:
            navigation._items.pop(key)
    assert list(grassroots).index("劳模") == list(grassroots).index("诉求") + 1
    assert grassroots["劳模"] == ["劳模名录", "劳模评选"]
    assert federation["劳模"] == ["劳模名录"]  # a federation chair holds no democracy.manage


def test_a_member_account_gets_no_sidebar(cast: Cast) -> None:
    body = _page(_client(cast.member), "/inbox/")
    assert 'id="gh-sidebar"' not in body


# --- the acting org and its switcher -------------------------------------------------------------


@pytest.fixture
def two_posts(cast: Cast) -> User:
    """The county admin also chairs a grassroots union (and holds a second post there)."""
    admin = factories.superuser()
    post_assign(actor=admin, user=cast.county_officer, org=cast.sibling_grassroots, role="chair")
    post_assign(actor=admin, user=cast.county_officer, org=cast.sibling_grassroots, role="staff")
    return fresh(cast.county_officer)


def _breadcrumb_current(body: str) -> str:
    found = re.search(r'<li class="breadcrumb-item active" aria-current="page">([^<]+)</li>', body)
    assert found is not None
    return found.group(1)


def test_switcher_lists_each_org_once_and_switches_the_acting_org(
    cast: Cast, two_posts: User
) -> None:
    client = _client(two_posts)
    body = _page(client)
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', body)
    assert [label for _, _, label in options] == [
        f"{cast.county.name} · 管理员",
        f"{cast.sibling_grassroots.name} · 主席、干事",
    ]
    assert options[0][1] == " selected"
    assert _breadcrumb_current(body) == cast.county.name
    assert "登记会员" not in str(_sidebar(body))

    response = client.post("/accounts/switch/", {"post": options[1][0]})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == cast.sibling_grassroots.pk
    body = _page(client)
    assert _breadcrumb_current(body) == cast.sibling_grassroots.name
    assert "西区总工会" in body  # the ancestors are in the breadcrumbs
    # At the union the account chairs, the sidebar follows the capabilities held there.
    assert "登记会员" in _sidebar(body)["会员"]


def test_switcher_refuses_a_post_that_is_not_the_accounts(cast: Cast, two_posts: User) -> None:
    client = _client(two_posts)
    _page(client)
    others = cast.grassroots_officer.active_posts[0].pk
    assert client.post("/accounts/switch/", {"post": others}).status_code == 404
    assert client.post("/accounts/switch/", {"post": "x"}).status_code == 404
    assert client.get("/accounts/switch/").status_code == 405
    assert SESSION_KEY not in client.session
    assert _breadcrumb_current(_page(client)) == cast.county.name


def test_one_org_shows_no_switcher(cast: Cast) -> None:
    assert "accounts/switch" not in _page(_client(cast.grassroots_officer))


# --- the 工作台 ----------------------------------------------------------------------------------


@pytest.fixture
def fixed_todos() -> Iterator[None]:
    def provider(viewer: object) -> list[TodoItem]:
        return [
            TodoItem("三份申请待审", "/members/", count=3, due="2026-01-10", overdue=True),
            TodoItem("两件诉求待办", "/voice/", count=2, due="2099-05-01"),
        ]

    registry.register_todo_provider("tests.fixed", provider)
    yield
    registry._todo_providers[:] = [p for p in registry._todo_providers if p[0] != "tests.fixed"]


def test_workbench_counts_equal_the_todo_sources(cast: Cast, fixed_todos: None) -> None:
    user = cast.province_officer
    items = registry.todo_items(fresh(user))
    assert len(items) >= 3  # the fixed ones and the real 未建会 drive of the province
    body = _page(_client(user))
    total = re.search(r"data-todo-total>(\d+)<", body)
    overdue = re.search(r"data-todo-overdue>(\d+)<", body)
    assert total is not None and int(total.group(1)) == sum(i.count for i in items)
    assert overdue is not None and int(overdue.group(1)) == sum(i.count for i in items if i.overdue)
    assert [int(n) for n in re.findall(r"data-todo-count>(\d+)<", body)] == [i.count for i in items]
    assert "最近期限 2026-01-10" in body
    assert "已逾期" in body


def test_workbench_shows_key_figures_of_the_acting_subtree(cast: Cast) -> None:
    from gonghui.stats import selectors

    factories.make_employer(cast.town, name="东区第二纺织厂", employees=40)
    body = _page(_client(cast.county_officer))
    figures = selectors.stats_for(viewer=fresh(cast.county_officer), code=cast.county.code)
    found = re.search(
        r'<div class="small text-muted">用人单位</div>\s*<div class="gh-figure"><a[^>]*>(\d+)<',
        body,
    )
    assert found is not None
    assert int(found.group(1)) == figures["figures"]["employers"] == 2
    assert "东区总工会及下级" in body


def test_workbench_shows_recent_notices(cast: Cast) -> None:
    from gonghui.core import notify

    notify.notify(
        template="core.deadline.overdue",
        data={"count": 2, "items": "甲、乙"},
        to_user=cast.county_officer,
    )
    body = _page(_client(cast.county_officer))
    notices = re.search(r'id="recent-notices".*?</ul>', body, re.S)
    assert notices is not None and "2项待办已逾期" in notices.group(0)


# --- buttons an account cannot use are not shown -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "label", "capability"),
    [
        ("/members/", "登记会员", "members.manage"),
        ("/voice/", "代为登记", "voice.handle"),
        ("/benefits/", "登记商户", "benefits.manage"),
        ("/assistance/", "登记申请", "assistance.manage"),
    ],
)
def test_action_buttons_follow_the_service_capability(
    cast: Cast, url: str, label: str, capability: str
) -> None:
    for who in ("province_officer", "county_officer", "town_officer", "grassroots_officer"):
        user = fresh(getattr(cast, who))
        path = user.active_posts[0].org_path
        body = _page(_client(user), url)
        assert (f">{label}</a>" in body) == user.has_capability(capability, path), (who, label)


def test_register_button_hidden_from_an_admin_the_service_refuses(cast: Cast) -> None:
    """The bug of the issue: a 管理员 saw 登记会员 and was refused after filling the form."""
    admin = cast.county_officer
    assert not admin.has_capability("members.manage", cast.grassroots.path)
    assert ">登记会员</a>" not in _page(_client(admin), "/members/")
    assert ">登记会员</a>" in _page(_client(cast.grassroots_officer), "/members/")


# --- the 权限矩阵 --------------------------------------------------------------------------------


def _matrix_cell(body: str, capability_label: str, level: str, role: str) -> bool:
    row = re.search(rf"<tr><th[^>]*>{capability_label}<br>.*?</tr>", body, re.S)
    assert row is not None
    cell = re.search(rf'data-level="{level}" data-role="{role}">(.*?)</td>', row.group(0), re.S)
    assert cell is not None
    return "✓" in cell.group(1)


def _column_headers(body: str) -> list[tuple[str, str]]:
    thead = re.search(r"<thead>.*?</thead>", body, re.S)
    assert thead is not None
    groups = re.findall(r'<th colspan="(\d+)" scope="colgroup">([^<]+)</th>', thead.group(0))
    roles = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', thead.group(0))
    levels = [label for span, label in groups for _ in range(int(span))]
    return list(zip(levels, roles, strict=True))


def test_capability_matrix_columns_match_the_capability_check(cast: Cast) -> None:
    province_chair = factories.make_officer(cast.province, PostRole.CHAIR)
    grassroots_chair = cast.grassroots_officer
    body = _page(_client(cast.province_officer), "/accounts/capabilities/")

    for user, org, level in (
        (province_chair, cast.province, "上级工会"),
        (grassroots_chair, cast.grassroots, "基层工会"),
    ):
        for label, code in (("查看完整个人信息", "reveal_pii"), ("管理会员", "members.manage")):
            assert _matrix_cell(body, label, level, "主席") == fresh(user).has_capability(
                code, org.path
            ), (level, label)
    # The truth the old page inverted: the grassroots 主席 may reveal IDs, the province's not.
    assert _matrix_cell(body, "查看完整个人信息", "基层工会", "主席")
    assert not _matrix_cell(body, "查看完整个人信息", "上级工会", "主席")
    # The group headers sit over the columns whose cells they name.
    headers = _column_headers(body)
    cells = re.findall(r'data-level="([^"]+)" data-role="([^"]+)"', body)
    assert headers == cells[: len(headers)]


def test_merchant_actions_shown_only_to_who_may_manage_the_merchant(cast: Cast) -> None:
    from tests.factories import signed_merchant

    merchant = signed_merchant(cast)
    url = f"/benefits/merchants/{merchant.pk}/"
    viewer_only = factories.make_officer(cast.county, PostRole.COMMITTEE)
    assert not fresh(viewer_only).has_capability("benefits.manage", merchant.org_path)
    assert ">暂停</button>" not in _page(_client(viewer_only), url)
    assert ">录入优惠</a>" not in _page(_client(viewer_only), url)
    assert fresh(cast.grassroots_officer).has_capability("benefits.manage", merchant.org_path)
    assert ">暂停</button>" in _page(_client(cast.grassroots_officer), url)
    assert ">录入优惠</a>" in _page(_client(cast.grassroots_officer), url)
