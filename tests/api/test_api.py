"""The JSON API: tokens, scoped reads (rule 1), the open directory, org creation with its
capability check (rule 9), audit (rule 2) and Chinese messages for bad input (rule 6)."""

from __future__ import annotations

import base64
import datetime as dt
from types import SimpleNamespace
from typing import Any

import django_ratelimit.core
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import ApiToken, User
from gonghui.accounts.services.accounts import token_issue
from gonghui.core import ratelimit
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Org, OrgKind
from tests import factories
from tests.conftest import Cast
from tests.factories import bearer

ORG_FIELDS = {"code", "name", "kind", "kind_label", "parent_code", "path", "depth"}
DIRECTORY_FIELDS = {"code", "name", "kind", "kind_label", "region_code", "parent_code"}


def get(client: Client, url: str, user: User | None = None, **params: Any) -> Any:
    return client.get(url, params, headers=bearer(user) if user else {})


def post(client: Client, url: str, data: Any, user: User | None = None) -> Any:
    return client.post(
        url, data, content_type="application/json", headers=bearer(user) if user else {}
    )


def new_org(parent: str = "EAST", **fields: Any) -> dict[str, Any]:
    return {
        "parent_code": parent,
        "code": "EAST-NEW",
        "name": "东区新建机械厂工会委员会",
        "kind": OrgKind.GRASSROOTS,
        **fields,
    }


# --- POST /api/auth/token ------------------------------------------------------------------


@pytest.mark.parametrize("login", ["east", "13800000001"])
def test_token_is_issued_for_username_or_phone_and_opens_the_api(
    cast: Cast, client: Client, login: str
) -> None:
    response = post(client, "/api/auth/token", {"username": login, "password": factories.PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("gh_")
    assert ApiToken.objects.filter(user=cast.county_officer, prefix=token[:10]).exists()
    detail = client.get("/api/orgs/EAST", headers={"Authorization": f"Bearer {token}"})
    assert detail.status_code == 200


def test_token_refuses_a_wrong_password_or_unknown_user(cast: Cast, client: Client) -> None:
    for login in ["east", "nobody"]:
        response = post(client, "/api/auth/token", {"username": login, "password": "wrong-pass"})
        assert response.status_code == 401
        assert "密码不正确" in response.json()["detail"]


def test_token_attempts_are_rate_limited_per_ip(
    cast: Cast, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One fixed window for the whole test, so a window boundary cannot reset the count.
    monkeypatch.setattr(
        django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000.0)
    )
    limit, _seconds = ratelimit.parse_rate(settings.GONGHUI_TOKEN_RATE)
    for _attempt in range(limit):
        response = post(client, "/api/auth/token", {"username": "west", "password": "wrong-pass"})
        assert response.status_code == 401
    blocked = post(client, "/api/auth/token", {"username": "east", "password": factories.PASSWORD})
    assert blocked.status_code == 429  # even with the right password
    assert "尝试次数过多" in blocked.json()["detail"]
    other_ip = client.post(
        "/api/auth/token",
        {"username": "east", "password": factories.PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.2",
    )
    assert other_ip.status_code == 200


# --- authentication -----------------------------------------------------------------------


def test_requests_without_a_valid_token_are_401(cast: Cast, client: Client) -> None:
    revoked = token_issue(user=cast.county_officer)
    ApiToken.objects.filter(prefix=revoked[:10]).update(revoked=True)
    expired = token_issue(user=cast.county_officer)
    ApiToken.objects.filter(prefix=expired[:10]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    for headers in [
        {},
        {"Authorization": "Bearer gh_unknown-token"},
        {"Authorization": "Bearer not-even-a-token"},
        {"Authorization": f"Bearer {revoked}"},
        {"Authorization": f"Bearer {expired}"},
    ]:
        for url in ["/api/orgs/EAST", "/api/orgs/EAST/children", "/api/directory"]:
            response = client.get(url, headers=headers)
            assert response.status_code == 401, (headers, url)
            assert response.json()["detail"] == "未登录或令牌无效、已过期"
        assert post(client, "/api/orgs", new_org()).status_code == 401
    assert not Org.objects.filter(code="EAST-NEW").exists()


# --- GET /api/orgs/{code} ------------------------------------------------------------------


def test_org_detail_returns_an_org_in_the_officers_subtree(cast: Cast, client: Client) -> None:
    response = get(client, "/api/orgs/EAST-G1", cast.county_officer)
    assert response.status_code == 200
    body = response.json()
    assert body.keys() >= ORG_FIELDS
    assert body["code"] == "EAST-G1"
    assert body["name"] == "东方机械有限公司工会委员会"
    assert body["kind"] == OrgKind.GRASSROOTS
    assert body["kind_label"] == str(OrgKind.GRASSROOTS.label)
    assert body["parent_code"] == "EAST-T1"
    assert body["path"] == cast.grassroots.path
    assert body["depth"] == cast.grassroots.depth


def test_org_detail_of_the_root_has_no_parent_code(cast: Cast, client: Client) -> None:
    body = get(client, "/api/orgs/PROV", cast.province_officer).json()
    assert body["parent_code"] is None
    assert body["depth"] == 0


def test_rule1_the_sibling_county_is_404_not_403(cast: Cast, client: Client) -> None:
    for url in [
        "/api/orgs/WEST-G1",
        "/api/orgs/WEST",
        "/api/orgs/WEST/children",
        "/api/orgs/CITY",
        "/api/orgs/NO-SUCH-ORG",
    ]:
        response = get(client, url, cast.county_officer)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "未找到"}
    for url in ["/api/orgs/EAST", "/api/orgs/EAST-G1", "/api/orgs/EAST/children"]:
        assert get(client, url, cast.sibling_officer).status_code == 404, url


@pytest.mark.parametrize("who", ["member", "merchant"])
def test_members_and_merchants_have_no_scope_but_read_the_directory(
    cast: Cast, client: Client, who: str
) -> None:
    user = getattr(cast, who)
    response = post(client, "/api/auth/token", {"username": who, "password": factories.PASSWORD})
    assert response.status_code == 200
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    assert client.get("/api/orgs/EAST", headers=headers).status_code == 404
    assert client.get("/api/orgs/EAST/children", headers=headers).status_code == 404
    directory = client.get("/api/directory", {"q": "东区"}, headers=headers)
    assert directory.status_code == 200
    assert "EAST" in {item["code"] for item in directory.json()["items"]}
    assert post(client, "/api/orgs", new_org(), user).status_code == 404


# --- GET /api/directory --------------------------------------------------------------------


def test_rule1_directory_finds_orgs_outside_scope_with_no_people_or_figures(
    cast: Cast, client: Client
) -> None:
    response = get(client, "/api/directory", cast.county_officer, q="西区")
    assert response.status_code == 200
    items = response.json()["items"]
    west = next(item for item in items if item["code"] == "WEST")
    assert west == {
        "code": "WEST",
        "name": "西区总工会",
        "kind": OrgKind.COUNTY,
        "kind_label": str(OrgKind.COUNTY.label),
        "region_code": "410102",
        "parent_code": "CITY",
    }
    assert all(item.keys() == DIRECTORY_FIELDS for item in items)


def test_directory_filters_by_kind_and_parent(cast: Cast, client: Client) -> None:
    response = get(
        client, "/api/directory", cast.sibling_officer, kind=OrgKind.COUNTY, parent="CITY"
    )
    assert {item["code"] for item in response.json()["items"]} == {"EAST", "WEST"}


# --- GET /api/orgs/{code}/children ---------------------------------------------------------


def test_children_are_paged_with_cursors_complete_and_without_duplicates(
    cast: Cast, client: Client
) -> None:
    for n in range(4):
        factories.make_org(cast.town, OrgKind.GRASSROOTS, f"东区第{n}工会", f"EAST-P{n}")
    expected = set(Org.objects.filter(parent=cast.town).values_list("code", flat=True))
    assert len(expected) == 5  # EAST-G1 and the four new ones: three pages of two

    headers = bearer(cast.county_officer)
    seen: list[str] = []
    pages = 0
    cursor = ""
    while True:
        response = client.get(
            "/api/orgs/EAST-T1/children", {"limit": 2, "cursor": cursor}, headers=headers
        )
        assert response.status_code == 200
        page = response.json()
        pages += 1
        assert len(page["items"]) <= 2
        assert all(item.keys() >= ORG_FIELDS for item in page["items"])
        assert all(item["parent_code"] == "EAST-T1" for item in page["items"])
        seen += [item["code"] for item in page["items"]]
        if page["next"] is None:
            break
        cursor = page["next"]
        assert pages < 10, "cursors do not advance"
    assert pages == 3
    assert len(seen) == len(set(seen))
    assert set(seen) == expected
    paths = [Org.objects.get(code=code).path for code in seen]
    assert paths == sorted(paths)


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%not-base64%%%",
        "////",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode("路径".encode()).decode(),
        base64.urlsafe_b64encode(b"A\x00B").decode(),
        "QQBC",  # "A\0B"
    ],
)
def test_a_garbage_cursor_yields_an_empty_page_not_500(
    cast: Cast, client: Client, cursor: str
) -> None:
    response = get(client, "/api/orgs/EAST-T1/children", cast.county_officer, cursor=cursor)
    assert response.status_code == 200
    assert response.json() == {"items": [], "next": None}


def test_children_limit_out_of_range_is_422_in_chinese(cast: Cast, client: Client) -> None:
    response = get(client, "/api/orgs/EAST/children", cast.county_officer, limit=0)
    assert response.status_code == 422
    assert response.json() == {"detail": ["limit: 不能小于1"]}


# --- POST /api/orgs ------------------------------------------------------------------------


def test_county_officer_creates_a_grassroots_union_and_it_is_audited(
    cast: Cast, client: Client
) -> None:
    response = post(
        client, "/api/orgs", new_org(code="east-new", chair_name="张三"), cast.county_officer
    )
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "EAST-NEW"
    assert body["parent_code"] == "EAST"
    assert body["kind"] == OrgKind.GRASSROOTS
    assert body["depth"] == cast.county.depth + 1
    org = Org.objects.get(code="EAST-NEW")
    assert org.path == body["path"]
    assert org.path.startswith(cast.county.path)
    event = AuditEvent.objects.get(action="orgs.org.created", target_id=str(org.pk))
    assert event.actor == cast.county_officer
    assert event.org_path == org.path


def test_creating_under_the_sibling_county_is_404(cast: Cast, client: Client) -> None:
    response = post(client, "/api/orgs", new_org(parent="WEST"), cast.county_officer)
    assert response.status_code == 404
    assert not Org.objects.filter(code="EAST-NEW").exists()


def test_rule9_an_officer_without_orgs_manage_is_403(cast: Cast, client: Client) -> None:
    committee = factories.make_officer(cast.county, "committee", "east-committee")
    assert not committee.has_capability("orgs.manage", cast.county.path)
    response = post(client, "/api/orgs", new_org(), committee)
    assert response.status_code == 403
    assert response.json() == {"detail": "无权执行此操作"}
    assert not Org.objects.filter(code="EAST-NEW").exists()
    assert not AuditEvent.objects.filter(action="orgs.org.created", actor=committee).exists()


def test_rule6_a_bad_uscc_is_422_naming_the_field_in_chinese(cast: Cast, client: Client) -> None:
    good = factories.make_uscc("81", "410105")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = post(client, "/api/orgs", new_org(uscc=bad), cast.county_officer)
    assert response.status_code == 422
    [message] = response.json()["detail"]
    assert message.startswith("uscc: ")
    assert "统一社会信用代码校验码错误" in message
    assert not Org.objects.filter(code="EAST-NEW").exists()


def test_rule6_a_duplicate_code_is_422_in_chinese(cast: Cast, client: Client) -> None:
    response = post(client, "/api/orgs", new_org(code="east-g1"), cast.county_officer)
    assert response.status_code == 422
    assert response.json()["detail"] == ["code: 组织编码 EAST-G1 已被使用"]


def test_rule6_schema_errors_are_422_naming_each_field_in_chinese(
    cast: Cast, client: Client
) -> None:
    payload = {
        "parent_code": "EAST",
        "name": "x" * 121,
        "kind": "nonsense",
        "founded_on": "not-a-date",
    }
    response = post(client, "/api/orgs", payload, cast.county_officer)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "code: 必填" in detail
    assert "name: 不能超过120个字符" in detail
    assert any(m.startswith("kind: 应为以下之一") for m in detail)
    assert "founded_on: 应为日期，格式 YYYY-MM-DD" in detail


def test_an_unparseable_body_is_400_in_chinese(cast: Cast, client: Client) -> None:
    response = client.post(
        "/api/orgs",
        "{not json",
        content_type="application/json",
        headers=bearer(cast.county_officer),
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容无法解析，应为 JSON"}


def test_nul_characters_are_422_not_a_database_error(cast: Cast, client: Client) -> None:
    """PostgreSQL cannot store or compare NUL: every text input refuses it up front."""
    officer = cast.county_officer
    assert get(client, "/api/orgs/EA%00ST", officer).status_code == 422
    assert get(client, "/api/orgs/EA%00ST/children", officer).status_code == 422
    for field in ["q", "kind", "parent"]:
        assert get(client, "/api/directory", officer, **{field: "a\x00b"}).status_code == 422
    response = post(client, "/api/orgs", new_org(name="东区\x00工会"), officer)
    assert response.status_code == 422
    assert response.json()["detail"] == ["name: 不能含有空字符（U+0000）"]
    token = post(client, "/api/auth/token", {"username": "ea\x00st", "password": "x"})
    assert token.status_code == 422
