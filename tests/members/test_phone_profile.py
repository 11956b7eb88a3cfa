"""My profile (masked), correction requests decided by the member's union, my history, joining
through the org directory, and the home page's tiles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client

from gonghui.core import registry
from gonghui.core.models import AuditEvent, Notification
from gonghui.members.models import CorrectionRequest, CorrectionStatus, JoinApplication, Member
from gonghui.members.services.corrections import correction_approve, correction_request
from gonghui.members.services.members import id_index
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import ZHENGZHOU_1970, register, resident

CORRECT_ID = resident("41010519750612123")  # the right number: born 1975, male


@pytest.fixture
def member(cast: Cast) -> Member:
    return register(cast, account=cast.member)


def phone(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_profile_shows_masked_pii_only(cast: Cast, member: Member) -> None:
    html = phone(cast.member).get("/m/profile/").content.decode()
    assert member.masked_id_number in html and "139******00" in html
    assert ZHENGZHOU_1970 not in html and "13912340000" not in html
    assert member.union.name in html and "汉族" in html


def test_correction_requested_on_the_phone_and_approved_by_the_union(
    cast: Cast, member: Member
) -> None:
    client = phone(cast.member)
    response = client.post(
        "/m/profile/correct/",
        {"id_number": CORRECT_ID, "ethnicity": "回族", "note": "录错了", "name": ""},
    )
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.fields == "id_number,ethnicity" and correction.org_path == member.org_path
    with connection.cursor() as cursor:  # old and new values are encrypted at rest
        cursor.execute("SELECT changes FROM members_correctionrequest")
        assert CORRECT_ID not in cursor.fetchone()[0]
    event = AuditEvent.objects.get(action="members.correction.requested")
    assert CORRECT_ID not in str(event.after) and ZHENGZHOU_1970 not in str(event.after)
    assert "待审核" in client.get("/m/profile/").content.decode()
    # A second request waits for the first.
    again = client.post("/m/profile/correct/", {"name": "张三"})
    assert "待审核的更正申请" in again.content.decode()

    officer = phone(cast.grassroots_officer)
    assert "信息更正申请待审核" in officer.get("/").content.decode()
    assert member.name in officer.get("/members/corrections/").content.decode()
    detail = officer.get(f"/members/corrections/{correction.pk}/").content.decode()
    assert "证件号码" in detail and CORRECT_ID not in detail  # masked on the page
    response = officer.post(f"/members/corrections/{correction.pk}/approve/", {"note": "已核对"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.id_number == CORRECT_ID and member.id_index == id_index(CORRECT_ID)
    assert member.birth_date == dt.date(1975, 6, 12) and member.ethnicity == "03"
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED
    assert correction.decided_by_id == cast.grassroots_officer.pk
    approved = AuditEvent.objects.get(action="members.correction.approved")
    assert CORRECT_ID not in str(approved.after) and "4101**" in str(approved.after)
    note = Notification.objects.get(template="members.correction.decided")
    assert note.recipient_id == cast.member.pk and "已更正" in note.body


def test_approval_rechecks_checksum_and_uniqueness(cast: Cast, member: Member) -> None:
    with pytest.raises(ValidationError, match="校验"):
        correction_request(
            actor=cast.member, member=member, values={"id_number": "410105197506121230"}
        )
    correction = correction_request(
        actor=cast.member, member=member, values={"id_number": CORRECT_ID}
    )
    # Meanwhile the union registers someone else under that number: approval refuses.
    register(cast, number=CORRECT_ID, name="李四", phone="")
    with pytest.raises(ValidationError, match="已登记为会员"):
        correction_approve(actor=fresh(cast.grassroots_officer), correction=correction)
    member.refresh_from_db()
    assert member.id_number == ZHENGZHOU_1970
    assert CorrectionRequest.objects.get().status == CorrectionStatus.PENDING


def test_a_taken_id_is_refused_at_request_time(cast: Cast, member: Member) -> None:
    register(cast, number=CORRECT_ID, name="李四", phone="")
    with pytest.raises(ValidationError, match="已登记为会员"):
        correction_request(actor=cast.member, member=member, values={"id_number": CORRECT_ID})


def test_rejection_needs_a_reason_and_only_the_members_union_decides(
    cast: Cast, member: Member
) -> None:
    correction = correction_request(actor=cast.member, member=member, values={"name": "张卫"})
    sibling = phone(cast.sibling_officer)
    assert sibling.get(f"/members/corrections/{correction.pk}/").status_code == 404
    assert sibling.post(f"/members/corrections/{correction.pk}/approve/").status_code == 404
    with pytest.raises(PermissionDenied):
        correction_approve(actor=fresh(cast.county_officer), correction=correction)
    officer = phone(cast.grassroots_officer)
    officer.post(f"/members/corrections/{correction.pk}/reject/", {"note": ""})
    assert CorrectionRequest.objects.get().status == CorrectionStatus.PENDING
    officer.post(f"/members/corrections/{correction.pk}/reject/", {"note": "与户口簿不符"})
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.REJECTED
    assert "与户口簿不符" in phone(cast.member).get("/m/profile/").content.decode()
    member.refresh_from_db()
    assert member.name == "张伟"


def test_only_the_member_requests_for_their_own_record(cast: Cast, member: Member) -> None:
    with pytest.raises(PermissionDenied):
        correction_request(actor=cast.merchant, member=member, values={"name": "王五"})
    with pytest.raises(ValidationError, match="至少填写一项"):
        correction_request(actor=cast.member, member=member, values={"name": "张伟"})


def test_history_lists_the_members_own_changes_and_transfers(cast: Cast, member: Member) -> None:
    html = phone(cast.member).get("/m/history/").content.decode()
    assert "入会" in html and "2020-01-01" in html
    assert member.cards.get().number in html
    other = factories.make_account("member", "worker3")
    assert "还没有会员记录" in phone(other).get("/m/history/").content.decode()


def test_home_shows_tiles_from_the_registry(cast: Cast, member: Member) -> None:
    registry.register_member_tile(
        "tests.extra", registry.MemberTile("测试服务", "members_m:history", order=50)
    )
    try:
        html = phone(cast.member).get("/m/").content.decode()
    finally:
        registry._member_tiles[:] = [
            (n, t) for n, t in registry._member_tiles if n != "tests.extra"
        ]
    for text in ("会员卡", "我的信息", "我的会籍", "消息通知", "测试服务"):
        assert text in html
    assert phone(cast.county_officer).get("/m/").status_code == 404
    assert phone(cast.merchant).get("/m/profile/").status_code == 404
    assert Client().get("/m/")["Location"].startswith("/m/login/")


def test_join_finds_the_employers_union_and_joint_unions(cast: Cast) -> None:
    joint = factories.make_org(cast.county, "joint", "东区科技园联合工会", "EAST-J1")
    covered = factories.make_org(joint, "grassroots", "东区科技园联合工会委员会", "EAST-J1-01")
    client = phone(cast.member)
    html = client.get("/m/join/?find=东方机械").content.decode()
    assert cast.grassroots.name in html and "?union=EAST-G1" in html
    html = client.get("/m/join/?find=&joint=on").content.decode()
    assert covered.name in html and cast.grassroots.name not in html
    html = client.get("/m/join/?union=EAST-J1-01").content.decode()
    assert 'value="EAST-J1-01"' in html
    response = client.post(
        "/m/join/",
        {
            "union": "EAST-J1-01",
            "name": "赵强",
            "id_type": "resident",
            "id_number": ZHENGZHOU_1970,
            "consent_purpose": "会员实名制管理",
        },
    )
    assert response.status_code == 302
    assert JoinApplication.objects.get().union == covered
    assert "待审批" in client.get("/m/join/").content.decode()


def test_a_pending_request_follows_the_member_to_the_new_union(cast: Cast, member: Member) -> None:
    from gonghui.members.services.members import transfer_accept, transfer_issue

    correction = correction_request(actor=cast.member, member=member, values={"name": "张卫"})
    second = factories.make_org(cast.town, "grassroots", "东区第二工会委员会", "EAST-G2")
    second_officer = factories.make_officer(second, "chair", "g2_chair")
    transfer = transfer_issue(
        actor=fresh(cast.grassroots_officer), member=member, to_union=second, reason="调动"
    )
    transfer_accept(actor=fresh(second_officer), transfer=transfer)
    assert (
        phone(cast.grassroots_officer).get(f"/members/corrections/{correction.pk}/").status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        correction_approve(actor=fresh(cast.grassroots_officer), correction=correction)
    correction_approve(actor=fresh(second_officer), correction=correction)
    member.refresh_from_db()
    assert member.name == "张卫"
    assert CorrectionRequest.objects.get().org_path == second.path
