"""The member API: scoped, masked search and detail (rules 1 and 3), registration with its
capability check (rule 9) and Chinese messages (rule 6), and card verification at a counter."""

from __future__ import annotations

import base64
import time
from types import SimpleNamespace
from typing import Any

import django_ratelimit.core
import pytest
from django.test import Client

from gonghui.accounts.models import User
from gonghui.members import api as members_api
from gonghui.members.models import CardStatus, Member
from gonghui.members.services.cards import card_code, card_token
from tests.conftest import Cast
from tests.factories import ZHENGZHOU_1970, bearer, new_member, register, resident

PHONE = "13912340000"
ITEM_FIELDS = {
    "id",
    "name",
    "gender",
    "gender_label",
    "birth_year",
    "id_type",
    "id_type_label",
    "id_number_masked",
    "phone_masked",
    "union_code",
    "union_name",
    "status",
    "status_label",
    "joined_on",
    "card_no_masked",
}


class Api:
    """A client that keeps every response body, so a test can check none shows plaintext."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.bodies: list[str] = []

    def _keep(self, response: Any) -> Any:
        self.bodies.append(response.content.decode())
        return response

    def get(self, url: str, user: User, **params: Any) -> Any:
        return self._keep(self.client.get(url, params, headers=bearer(user)))

    def post(self, url: str, data: Any, user: User) -> Any:
        return self._keep(
            self.client.post(url, data, content_type="application/json", headers=bearer(user))
        )

    def search(self, user: User, **params: Any) -> Any:
        """Search with the terms in the body (a full ID or phone number never in a URL)."""
        return self.post("/api/members/search", params, user)


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


def card_of(member: Member) -> str:
    return member.cards.get(status=CardStatus.ACTIVE).number


# --- search --------------------------------------------------------------------------------


def test_county_officer_finds_a_member_by_name_id_phone_and_card(cast: Cast, api: Api) -> None:
    member = register(cast)
    number = card_of(member)
    for q in ["张", "张伟", ZHENGZHOU_1970, ZHENGZHOU_1970.lower(), PHONE, number]:
        response = api.search(cast.county_officer, q=q)
        assert response.status_code == 200, q
        assert [i["id"] for i in response.json()["items"]] == [member.pk], q
    for q in ["张伟", number]:  # a name or a card number may still be a GET
        response = api.get("/api/members", cast.county_officer, q=q)
        assert [i["id"] for i in response.json()["items"]] == [member.pk], q
    in_subtree = api.get("/api/members", cast.county_officer, org="EAST-T1").json()
    assert [i["id"] for i in in_subtree["items"]] == [member.pk]
    assert api.get("/api/members", cast.county_officer, q="李").json()["items"] == []


def test_rule1_the_sibling_officer_finds_nothing_by_any_route(cast: Cast, api: Api) -> None:
    member = register(cast)
    for q in ["", "张伟", ZHENGZHOU_1970, PHONE, card_of(member)]:
        response = api.search(cast.sibling_officer, q=q)
        assert response.status_code == 200
        assert response.json() == {"items": [], "next": None}, q
    assert api.get(f"/api/members/{member.pk}", cast.sibling_officer).status_code == 404
    for org in ["EAST", "EAST-G1", "NOWHERE"]:
        response = api.get("/api/members", cast.sibling_officer, org=org)
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到"}
    assert api.get("/api/members", cast.member, q="张伟").json()["items"] == []
    assert api.get(f"/api/members/{member.pk}", cast.member).status_code == 404


def test_rule3_items_and_detail_are_masked(cast: Cast, api: Api) -> None:
    member = register(cast, employer=cast.employer, education="本科")
    number = card_of(member)
    item = api.get("/api/members", cast.county_officer).json()["items"][0]
    assert set(item) == ITEM_FIELDS
    assert item["id_number_masked"] == ZHENGZHOU_1970[:4] + "*" * 12 + ZHENGZHOU_1970[-2:]
    assert item["phone_masked"] == "139******00"
    assert item["card_no_masked"] == "*" * 9 + number[-4:]
    assert (item["birth_year"], item["gender"], item["gender_label"]) == (1970, "M", "男")
    assert (item["union_code"], item["status"], item["status_label"]) == (
        "EAST-G1",
        "active",
        "正常",
    )
    assert (item["id_type"], item["id_type_label"]) == ("resident", "居民身份证")
    detail = api.get(f"/api/members/{member.pk}", cast.county_officer).json()
    assert {k: detail[k] for k in ITEM_FIELDS} == item
    assert (detail["ethnicity"], detail["ethnicity_label"]) == ("01", "汉族")
    assert detail["political_status"] == "01" and "党员" in detail["political_status_label"]
    assert detail["education_label"] == "大学本科"
    assert (detail["skill_level"], detail["skill_level_label"]) == ("", "")
    assert detail["employer_name"] == "东方精密制造厂"
    api.search(cast.grassroots_officer, q=PHONE)
    for body in api.bodies:
        assert ZHENGZHOU_1970 not in body and PHONE not in body and number not in body
        assert "1970-03-15" not in body


def test_cursor_walk_covers_every_member_once(cast: Cast, api: Api) -> None:
    members = [
        register(cast, resident(f"4101051980010{i}00{i}"), name=f"王{i}", phone="")
        for i in range(1, 8)
    ]
    seen: list[int] = []
    cursor = ""
    for _page in range(10):
        page = api.get("/api/members", cast.county_officer, limit=2, cursor=cursor).json()
        assert len(page["items"]) <= 2
        seen += [i["id"] for i in page["items"]]
        if page["next"] is None:
            break
        cursor = page["next"]
    assert seen == sorted((m.pk for m in members), reverse=True)
    prefixed = api.get("/api/members", cast.county_officer, q="王", limit=50).json()
    assert len(prefixed["items"]) == 7 and prefixed["next"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "%%%",
        base64.urlsafe_b64encode(b"-1").decode(),
        "MA==",
        "OTk5OTk5OTk5OTk5OTk5OTk5OTk5",
    ],
)
def test_a_garbage_cursor_is_an_empty_page_not_500(cast: Cast, api: Api, cursor: str) -> None:
    register(cast)
    response = api.get("/api/members", cast.county_officer, cursor=cursor)
    assert response.status_code == 200
    assert response.json() == {"items": [], "next": None}


def test_bad_query_parameters_are_422_in_chinese(cast: Cast, api: Api) -> None:
    response = api.get("/api/members", cast.county_officer, limit=0)
    assert response.status_code == 422
    assert response.json()["detail"] == ["limit: 不能小于1"]
    assert api.get("/api/members", cast.county_officer, q="张\x00").status_code == 422
    assert api.get("/api/members/0", cast.county_officer).status_code == 422
    assert api.get(f"/api/members/{2**70}", cast.county_officer).status_code == 422
    assert api.get("/api/members/999999", cast.county_officer).status_code == 404


# --- registration --------------------------------------------------------------------------


def test_the_grassroots_chair_registers_a_member(cast: Cast, api: Api) -> None:
    response = api.post(
        "/api/members", new_member(employer_id=cast.employer.pk), cast.grassroots_officer
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    member = Member.objects.get(pk=body["id"])
    assert (member.name, member.gender, member.org_path) == ("李娜", "F", cast.grassroots.path)
    assert member.consent_purpose == "工会会员实名登记"
    assert body["birth_year"] == 1985 and body["phone_masked"] == "137******11"
    assert body["education"] == "21" and body["employer_name"] == "东方精密制造厂"
    assert body["card_no_masked"].endswith(card_of(member)[-4:])
    assert new_member()["id_number"] not in response.content.decode()
    assert "13700001111" not in response.content.decode()


def test_rule9_a_county_officer_may_not_register_at_a_grassroots_union(
    cast: Cast, api: Api
) -> None:
    response = api.post("/api/members", new_member(), cast.county_officer)
    assert response.status_code == 403
    assert response.json() == {"detail": "无权执行此操作"}
    assert not Member.objects.exists()


def test_rule1_registering_outside_scope_is_404(cast: Cast, api: Api) -> None:
    for code in ["WEST-G1", "NOWHERE"]:
        response = api.post("/api/members", new_member(union_code=code), cast.grassroots_officer)
        assert response.status_code == 404
    assert not Member.objects.exists()


def test_rule6_bad_input_is_422_naming_the_field_in_chinese(cast: Cast, api: Api) -> None:
    good = new_member()["id_number"]
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = api.post("/api/members", new_member(id_number=bad_check), cast.grassroots_officer)
    assert response.status_code == 422
    [message] = response.json()["detail"]
    assert message.startswith("id_number: ") and "校验码" in message
    response = api.post(
        "/api/members",
        new_member(gender="M", phone="12345", ethnicity="火星族", consent_purpose=" "),
        cast.grassroots_officer,
    )
    assert response.status_code == 422
    fields = {m.split(":")[0] for m in response.json()["detail"]}
    assert fields == {"gender", "phone", "ethnicity", "consent_purpose"}
    response = api.post(
        "/api/members",
        new_member(employer_id=cast.sibling_employer.pk),
        cast.grassroots_officer,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0].startswith("employer_id: ")
    response = api.post("/api/members", {"union_code": "EAST-G1"}, cast.grassroots_officer)
    assert response.status_code == 422
    assert "id_number: 必填" in response.json()["detail"]
    assert not Member.objects.exists()


def test_the_same_person_twice_is_422(cast: Cast, api: Api) -> None:
    assert api.post("/api/members", new_member(), cast.grassroots_officer).status_code == 201
    again = api.post("/api/members", new_member(name="李娜二"), cast.grassroots_officer)
    assert again.status_code == 422
    assert "一人只能有一条会员记录" in again.json()["detail"][0]


# --- card verification ---------------------------------------------------------------------


def verify(api: Api, user: User, **body: str) -> Any:
    return api.post("/api/cards/verify", body, user)


def test_a_fresh_token_is_valid_for_merchants_and_officers(cast: Cast, api: Api) -> None:
    number = card_of(register(cast))
    for user in [cast.merchant, cast.county_officer, cast.sibling_officer]:
        response = verify(api, user, token=card_token(number))
        assert response.status_code == 200
        assert response.json() == {
            "valid": True,
            "reason": "有效",
            "masked_name": "张*",
            "union_name": "东方机械有限公司工会委员会",
            "status": "active",
        }
    typed = verify(api, cast.merchant, card_no=f" {number} ", code=card_code(number))
    assert typed.json()["valid"] is True


def test_refusals_say_why(cast: Cast, api: Api) -> None:
    number = card_of(register(cast))
    expired = verify(api, cast.merchant, token=card_token(number, time.time() - 600)).json()
    assert expired["valid"] is False and "过期" in expired["reason"]
    assert expired["masked_name"] == ""
    forged = card_token(number)[:-2] + "AA"
    assert verify(api, cast.merchant, token=forged).json()["reason"] == "二维码无效"
    alone = verify(api, cast.merchant, card_no=number).json()
    assert alone["valid"] is False and "动态码" in alone["reason"]
    other_code = f"{(int(card_code(number)) + 1) % 1_000_000:06d}"
    wrong = verify(api, cast.merchant, card_no=number, code=other_code).json()
    assert wrong["valid"] is False and "动态码" in wrong["reason"]
    assert verify(api, cast.merchant).json()["valid"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"token": "1.--5.x"},
        {"token": "1.²³.x"},
        {"token": "1.1.签名"},
        {"token": "https://example.com/?q=1"},
        {"card_no": "4100000000017", "code": "一二三四五六"},
        {"card_no": "卡号", "code": "123456"},
    ],
)
def test_odd_input_is_refused_not_500(cast: Cast, api: Api, body: dict[str, str]) -> None:
    response = verify(api, cast.merchant, **body)
    assert response.status_code == 200
    assert response.json()["valid"] is False


def test_member_accounts_may_not_verify(cast: Cast, api: Api) -> None:
    number = card_of(register(cast))
    response = verify(api, cast.member, token=card_token(number))
    assert response.status_code == 403
    assert response.json() == {"detail": "无权执行此操作"}


def test_verification_is_rate_limited_per_account(
    cast: Cast, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000.0)
    )
    monkeypatch.setattr(members_api, "VERIFY_RATE", "3/60")
    number = card_of(register(cast))
    for _attempt in range(3):
        assert verify(api, cast.merchant, token=card_token(number)).status_code == 200
    blocked = verify(api, cast.merchant, token=card_token(number))
    assert blocked.status_code == 429
    assert "稍后再试" in blocked.json()["detail"]
    assert verify(api, cast.county_officer, token=card_token(number)).status_code == 200


def test_a_full_id_or_phone_number_is_refused_in_the_url(cast: Cast, api: Api) -> None:
    """Issue 16 item 8: such a search is POSTed; a GET carrying one is refused, not served."""
    register(cast)
    for q in [ZHENGZHOU_1970, PHONE]:
        response = api.get("/api/members", cast.county_officer, q=q)
        assert response.status_code == 422, q
        assert "POST /api/members/search" in response.json()["detail"][0]
