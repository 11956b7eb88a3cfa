"""Officers' member pages through the test client."""

from __future__ import annotations

from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.members.models import Member, MemberStatus, Transfer
from tests import factories
from tests.conftest import Cast
from tests.factories import ZHENGZHOU_1970, register, resident


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_register_through_the_form_then_find_and_reveal(cast: Cast) -> None:
    client = client_for(cast.grassroots_officer)
    assert 'value="EAST-G1"' in client.get("/members/new/").content.decode()
    response = client.post(
        "/members/new/",
        {
            "union": "EAST-G1",
            "name": "王芳",
            "id_type": "resident",
            "id_number": ZHENGZHOU_1970,
            "gender": "",
            "phone": "13700001111",
            "joined_on": "2021-05-01",
            "ethnicity": "01",
            "consent_purpose": "工会会员实名制管理",
        },
    )
    member = Member.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/members/{member.pk}/"
    listing = client.get("/members/?q=王").content.decode()
    assert "王芳" in listing and ZHENGZHOU_1970 not in listing and "137******11" in listing
    detail = client.get(f"/members/{member.pk}/").content.decode()
    assert ZHENGZHOU_1970 not in detail and "显示" in detail
    revealed = client.post(f"/members/{member.pk}/reveal/id_number/").content.decode()
    assert ZHENGZHOU_1970 in revealed
    assert AuditEvent.objects.filter(action="members.member.revealed").count() == 1


def test_bad_registration_shows_chinese_errors_and_saves_nothing(cast: Cast) -> None:
    client = client_for(cast.grassroots_officer)
    response = client.post(
        "/members/new/",
        {
            "union": "EAST-G1",
            "name": "王芳",
            "id_type": "resident",
            "id_number": ZHENGZHOU_1970[:-1] + ("0" if ZHENGZHOU_1970[-1] != "0" else "1"),
            "joined_on": "2021-05-01",
            "consent_purpose": "实名制",
        },
    )
    assert response.status_code == 200 and "校验码" in response.content.decode()
    assert not Member.objects.exists()


def test_federation_officer_sees_masked_members_but_cannot_reveal(cast: Cast) -> None:
    member = register(cast)
    client = client_for(cast.county_officer)
    detail = client.get(f"/members/{member.pk}/").content.decode()
    assert "张伟" in detail and "/reveal/" not in detail
    assert client.post(f"/members/{member.pk}/reveal/phone/").status_code == 403


def test_status_change_batch_and_transfer_pages(cast: Cast) -> None:
    first = register(cast)
    second = register(cast, number=resident("11010519800101002"), name="李娜", phone="")
    client = client_for(cast.grassroots_officer)
    client.post(
        "/members/batch/", {"member": [first.pk, second.pk], "action": "retain", "reason": "退休"}
    )
    assert set(Member.objects.values_list("status", flat=True)) == {MemberStatus.RETAINED}
    client.post(f"/members/{first.pk}/status/", {"action": "restore", "reason": ""})
    response = client.post(
        f"/members/{first.pk}/transfer/", {"to_union": "west-g1", "reason": "调动工作"}
    )
    transfer = Transfer.objects.get()
    assert response["Location"] == f"/members/transfers/{transfer.pk}/letter/"
    letter = client.get(response["Location"]).content.decode()
    assert "接转介绍信" in letter and "西山物流有限公司工会委员会" in letter
    receiver = factories.make_officer(cast.sibling_grassroots, "chair", "west_chair")
    inbox = client_for(receiver).get("/members/transfers/?direction=in").content.decode()
    assert "张伟" in inbox
    client_for(receiver).post(f"/members/transfers/{transfer.pk}/accept/")
    assert Member.objects.get(pk=first.pk).union_id == cast.sibling_grassroots.pk


def test_roster_is_masked_and_printable(cast: Cast) -> None:
    register(cast)
    body = client_for(cast.county_officer).get("/members/roster/EAST/").content.decode()
    assert "会员花名册" in body and "张伟" in body and ZHENGZHOU_1970 not in body


def test_list_filters_by_household_type_and_new_employment(cast: Cast) -> None:
    register(cast, household_type="农村", new_employment="外卖骑手")
    register(cast, number=resident("11010519800101002"), name="李娜", phone="")
    client = client_for(cast.county_officer)
    page = client.get("/members/?household_type=1&new_employment=06").content.decode()
    assert "张伟" in page and "李娜" not in page and "网约送餐员" in page
