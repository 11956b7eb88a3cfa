"""会籍 lifecycle: dated records, declared transitions, transfers that never leave a member in
two unions or in none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.core.audit import AuditEvent
from gonghui.core.workflow import history_of
from gonghui.members.models import ChangeKind, Member, MemberStatus, Transfer, TransferStatus
from gonghui.members.selectors import transfer_list
from gonghui.members.services.members import (
    member_change_status,
    member_register,
    members_change_status_batch,
    transfer_accept,
    transfer_cancel,
    transfer_issue,
    transfer_reject,
)
from gonghui.orgs.models import OrgKind
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import ZHENGZHOU_1970, register, resident


def test_retain_restore_withdraw_leave_dated_records(cast: Cast) -> None:
    member = register(cast)
    officer = fresh(cast.grassroots_officer)
    member_change_status(actor=officer, member=member, action="retain", reason="退休")
    member_change_status(actor=officer, member=member, action="restore")
    member_change_status(actor=officer, member=member, action="withdraw", reason="本人申请")
    member.refresh_from_db()
    assert member.status == MemberStatus.WITHDRAWN
    kinds = list(member.changes.order_by("id").values_list("kind", "from_status", "to_status"))
    assert kinds == [
        (ChangeKind.JOINED, "", "active"),
        (ChangeKind.RETAINED, "active", "retained"),
        (ChangeKind.RESTORED, "retained", "active"),
        (ChangeKind.WITHDRAWN, "active", "withdrawn"),
    ]
    with pytest.raises(ValidationError, match="不能办理"):
        member_change_status(actor=officer, member=member, action="restore")


def test_a_status_move_writes_its_history_and_its_dated_record_in_one_call(cast: Cast) -> None:
    """ADR 0021: the move runs through core.workflow; the MembershipChange is written by the
    same call, and a refused move leaves neither row nor audit."""
    member = register(cast)
    officer = fresh(cast.grassroots_officer)
    day = dt.date(2025, 3, 1)
    member_change_status(
        actor=officer, member=member, action="retain", reason="退休", occurred_on=day
    )
    step = history_of(member).get()
    assert (step.transition, step.from_state, step.to_state) == ("retain", "active", "retained")
    assert (step.actor_id, step.reason) == (officer.pk, "退休")
    change = member.changes.get(kind=ChangeKind.RETAINED)
    assert (change.occurred_on, change.from_status, change.reason) == (day, "active", "退休")
    assert AuditEvent.objects.filter(action="members.member.retain").count() == 1
    with pytest.raises(ValidationError, match="不能办理"):
        member_change_status(actor=officer, member=member, action="retain", reason="再次")
    assert history_of(member).count() == 1
    assert member.changes.filter(kind=ChangeKind.RETAINED).count() == 1
    assert AuditEvent.objects.filter(action="members.member.retain").count() == 1


def test_an_accepted_transfer_leaves_one_trail_row_with_its_dated_record(cast: Cast) -> None:
    member = register(cast)
    receiver = factories.make_officer(cast.sibling_grassroots, "chair", "west_chair")
    transfer = transfer_issue(
        actor=fresh(cast.grassroots_officer),
        member=member,
        to_union=cast.sibling_grassroots,
        reason="调动工作",
    )
    transfer_accept(actor=fresh(receiver), transfer=transfer, note="欢迎")
    step = history_of(transfer).get()
    assert (step.transition, step.from_state, step.to_state) == ("accept", "issued", "accepted")
    assert (step.org_path, step.reason) == (cast.sibling_grassroots.path, "欢迎")
    assert member.changes.filter(kind=ChangeKind.TRANSFERRED).count() == 1
    audit = AuditEvent.objects.get(action="members.transfer.accepted")
    assert audit.org_path == cast.sibling_grassroots.path


def test_withdraw_and_expel_need_a_reason(cast: Cast) -> None:
    member = register(cast)
    with pytest.raises(ValidationError) as exc:
        member_change_status(actor=fresh(cast.grassroots_officer), member=member, action="expel")
    assert "reason" in exc.value.message_dict


def test_batch_is_all_or_nothing(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    first = register(cast)
    second = register(cast, number=resident("11010519800101002"), name="李娜", phone="")
    member_change_status(actor=officer, member=second, action="retain", reason="退休")
    with pytest.raises(ValidationError, match="李娜"):
        members_change_status_batch(
            actor=officer, members=[first, second], action="retain", reason="退休"
        )
    first.refresh_from_db()
    assert first.status == MemberStatus.ACTIVE
    assert (
        members_change_status_batch(actor=officer, members=[first], action="retain", reason="退休")
        == 1
    )


def test_transfer_moves_the_member_only_on_acceptance(cast: Cast) -> None:
    member = register(cast)
    receiver = factories.make_officer(cast.sibling_grassroots, "chair", "west_chair")
    transfer = transfer_issue(
        actor=fresh(cast.grassroots_officer),
        member=member,
        to_union=cast.sibling_grassroots,
        reason="调动工作",
    )
    member.refresh_from_db()
    assert member.union_id == cast.grassroots.pk  # still in the sending union
    assert list(transfer_list(viewer=fresh(receiver), direction="in")) == [transfer]
    assert not transfer_list(viewer=fresh(receiver), direction="out").exists()
    with pytest.raises(PermissionDenied):  # the sender cannot accept for the receiver
        transfer_accept(actor=fresh(cast.grassroots_officer), transfer=transfer)
    transfer_accept(actor=fresh(receiver), transfer=transfer)
    member.refresh_from_db()
    assert (member.union_id, member.org_path) == (
        cast.sibling_grassroots.pk,
        cast.sibling_grassroots.path,
    )
    assert member.employer is None
    change = member.changes.get(kind=ChangeKind.TRANSFERRED)
    assert (change.from_union_id, change.to_union_id) == (
        cast.grassroots.pk,
        cast.sibling_grassroots.pk,
    )
    with pytest.raises(ValidationError, match="不能重复处理"):
        transfer_reject(actor=fresh(receiver), transfer=transfer, note="重复")


def test_a_member_has_one_open_transfer_and_status_changes_wait_for_it(cast: Cast) -> None:
    member = register(cast)
    officer = fresh(cast.grassroots_officer)
    transfer = transfer_issue(
        actor=officer, member=member, to_union=cast.sibling_grassroots, reason="调动"
    )
    with pytest.raises(ValidationError, match="已有待接收的转会"):
        transfer_issue(
            actor=officer, member=member, to_union=cast.sibling_grassroots, reason="再次"
        )
    with pytest.raises(ValidationError, match="请先撤回转会"):
        member_change_status(actor=officer, member=member, action="retain", reason="退休")
    transfer_cancel(actor=officer, transfer=transfer)
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.CANCELLED


def test_transfer_to_a_federation_or_the_same_union_is_refused(cast: Cast) -> None:
    member = register(cast)
    for union in (cast.county, cast.grassroots):
        with pytest.raises(ValidationError):
            transfer_issue(
                actor=fresh(cast.grassroots_officer), member=member, to_union=union, reason="x"
            )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)
@pytest.mark.django_db(transaction=True)
def test_two_officers_accepting_at_once_exactly_one_wins() -> None:
    """The row lock on the transfer serializes the two acceptances: one wins, one is told."""
    province = factories.make_org(None, OrgKind.PROVINCE, code="RP")
    sender = factories.make_org(province, OrgKind.GRASSROOTS, code="RP-S")
    receiver = factories.make_org(province, OrgKind.GRASSROOTS, code="RP-R")
    clerk = factories.make_officer(sender, "chair", "rp_sender")
    officers = [factories.make_officer(receiver, "chair", f"rp_r{i}") for i in range(2)]

    member = member_register(
        actor=fresh(clerk),
        union=sender,
        id_type="resident",
        id_number=ZHENGZHOU_1970,
        name="并发",
        joined_on=dt.date(2020, 1, 1),
        consent_purpose="实名登记",
    )
    transfer = transfer_issue(actor=fresh(clerk), member=member, to_union=receiver, reason="调动")
    calls = [
        lambda o=o: transfer_accept(actor=fresh(o), transfer=transfer)  # type: ignore[arg-type]
        for o in officers
    ]
    assert factories.at_once(calls, ValidationError) == ["refused", "won"]
    assert Member.objects.get(pk=member.pk).union_id == receiver.pk
    assert member.changes.filter(kind=ChangeKind.TRANSFERRED).count() == 1


def test_members_are_told_in_their_inbox_or_by_sms(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from gonghui.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        by_sms = register(cast)
    sms = Notification.objects.get(template="members.member.registered")
    assert sms.channel == "sms" and sms.phone == "13912340000" and sms.status == "sent"
    assert by_sms.cards.get().number in sms.body
    account = factories.make_account("member", "zhangwei")
    Member.objects.filter(pk=by_sms.pk).update(account=account)
    by_sms.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        member_change_status(
            actor=fresh(cast.grassroots_officer), member=by_sms, action="retain", reason="退休"
        )
    inbox = Notification.objects.get(template="members.member.status")
    assert inbox.channel == "inbox" and inbox.recipient_id == account.pk
    assert "保留会籍" in inbox.body


def test_batch_transfer_and_a_member_is_always_in_exactly_one_union(cast: Cast) -> None:
    from django.test import Client

    from gonghui.members.selectors import MemberFilters, member_list

    first = register(cast)
    second = register(cast, number=resident("11010519800101002"), name="李娜", phone="")
    receiver = fresh(factories.make_officer(cast.sibling_grassroots, "chair", "west_chair"))
    sender = fresh(cast.grassroots_officer)

    def seen_by(officer: object) -> set[int]:
        return {m.pk for m in member_list(viewer=officer, filters=MemberFilters())}  # type: ignore[arg-type]

    client = Client()
    client.force_login(cast.grassroots_officer)
    client.post(
        "/members/batch/",
        {
            "member": [first.pk, second.pk],
            "action": "transfer",
            "to_union": "WEST-G1",
            "reason": "整建制划转",
        },
    )
    assert Transfer.objects.filter(status=TransferStatus.ISSUED).count() == 2
    # while the transfers are open, each member is in the sending union only
    assert seen_by(sender) == {first.pk, second.pk} and seen_by(fresh(receiver)) == set()
    for transfer in Transfer.objects.order_by("pk"):
        transfer_accept(actor=fresh(receiver), transfer=transfer)
    assert seen_by(fresh(sender)) == set() and seen_by(fresh(receiver)) == {first.pk, second.pk}
    assert set(Member.objects.values_list("union_id", flat=True)) == {cast.sibling_grassroots.pk}
