"""A merchant complaint is answered once, through core.workflow: the history row and the audit
row are written with the move, a second answer or an officer outside the subtree is refused and
writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.benefits.models import Complaint, ComplaintStatus
from gonghui.benefits.services import merchants as services
from gonghui.core.models import AuditEvent
from gonghui.core.workflow import history_of
from tests.conftest import Cast, fresh
from tests.factories import members, signed_merchant

pytestmark = pytest.mark.django_db


def _complaint(cast: Cast) -> Complaint:
    merchant = signed_merchant(cast)
    (member,) = members(cast, 1)
    member.account = cast.member
    member.save(update_fields=["account"])
    return services.complaint_submit(
        actor=fresh(cast.member), merchant=merchant, content="收银员拒绝会员卡优惠"
    )


def test_handling_moves_once_with_history_and_audit(cast: Cast) -> None:
    complaint = _complaint(cast)
    handled = services.complaint_handle(
        actor=cast.grassroots_officer, complaint=complaint, reply="  已约谈商户，补发优惠  "
    )
    assert handled.status == ComplaintStatus.HANDLED
    assert Complaint.objects.unscoped(reason="test").get().reply == "已约谈商户，补发优惠"
    (entry,) = history_of(handled)
    assert (entry.transition, entry.from_state, entry.to_state) == ("handle", "open", "handled")
    assert entry.actor == cast.grassroots_officer and entry.reason == "已约谈商户，补发优惠"
    audit = AuditEvent.objects.get(action="benefits.complaint.handled")
    assert audit.target_id == str(complaint.pk)
    assert audit.after["status"] == "handled"

    with pytest.raises(ValidationError) as refused:
        services.complaint_handle(actor=cast.grassroots_officer, complaint=complaint, reply="再答")
    assert "已处理" in " ".join(refused.value.messages)
    assert len(history_of(complaint)) == 1
    assert Complaint.objects.unscoped(reason="test").get().reply == "已约谈商户，补发优惠"


def test_outside_the_subtree_or_without_a_reply_nothing_is_written(cast: Cast) -> None:
    complaint = _complaint(cast)
    with pytest.raises(PermissionDenied):
        services.complaint_handle(actor=cast.sibling_officer, complaint=complaint, reply="越权答复")
    with pytest.raises(ValidationError):
        services.complaint_handle(actor=cast.grassroots_officer, complaint=complaint, reply="  ")
    row = Complaint.objects.unscoped(reason="test").get()
    assert (row.status, row.reply) == (ComplaintStatus.OPEN, "")
    assert not history_of(complaint).exists()
    assert not AuditEvent.objects.filter(action="benefits.complaint.handled").exists()
