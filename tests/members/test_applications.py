"""入会申请: a worker applies, the grassroots union approves (record + card + login linked) or
refuses with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gonghui.core.models import Notification
from gonghui.core.workflow import history_of
from gonghui.members.models import ApplicationStatus, JoinApplication, Member
from gonghui.members.services.applications import join_apply, join_approve, join_reject
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import ZHENGZHOU_1970, register


def apply(cast: Cast, worker: object, **kw: object) -> JoinApplication:
    values: dict[str, object] = {
        "union": cast.grassroots,
        "id_type": "resident",
        "id_number": ZHENGZHOU_1970,
        "name": "赵强",
        "consent_purpose": "会员实名制管理",
        "phone": "13600001111",
    }
    values.update(kw)
    return join_apply(applicant=worker, **values)  # type: ignore[arg-type]


def test_apply_then_approve_creates_the_member_linked_to_the_login(cast: Cast) -> None:
    application = apply(cast, cast.member)
    with pytest.raises(ValidationError, match="待审批"):
        apply(cast, cast.member)
    member = join_approve(actor=fresh(cast.grassroots_officer), application=application)
    assert member.account_id == cast.member.pk and member.cards.filter(status="active").exists()
    assert JoinApplication.objects.get().status == ApplicationStatus.APPROVED
    with pytest.raises(ValidationError, match="已是工会会员"):
        apply(cast, type(cast.member).objects.get(pk=cast.member.pk))


def test_reject_needs_a_reason_and_tells_the_worker(cast: Cast) -> None:
    application = apply(cast, cast.member)
    with pytest.raises(ValidationError):
        join_reject(actor=fresh(cast.grassroots_officer), application=application, reason=" ")
    join_reject(
        actor=fresh(cast.grassroots_officer), application=application, reason="非本单位职工"
    )
    note = Notification.objects.get(template="members.application.rejected")
    assert note.recipient_id == cast.member.pk and "非本单位职工" in note.body


def test_each_decision_is_a_declared_move_with_its_trail_row(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    application = join_reject(
        actor=officer, application=apply(cast, cast.member), reason="非本单位职工"
    )
    step = history_of(application).get()
    assert (step.transition, step.from_state, step.to_state) == ("reject", "pending", "rejected")
    assert (step.actor_id, step.reason) == (officer.pk, "非本单位职工")
    with pytest.raises(ValidationError, match="已处理"):
        join_approve(actor=officer, application=application)
    assert history_of(application).count() == 1


def test_only_the_union_in_scope_decides(cast: Cast) -> None:
    application = apply(cast, cast.member)
    with pytest.raises(PermissionDenied):
        join_approve(actor=fresh(cast.sibling_officer), application=application)
    with pytest.raises(PermissionDenied):
        join_approve(actor=fresh(cast.county_officer), application=application)


def test_officers_cannot_apply_and_existing_members_are_told_to_transfer(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        apply(cast, cast.county_officer)
    register(cast)
    with pytest.raises(ValidationError, match="转会"):
        apply(cast, cast.member)


def test_pages_apply_and_decide(cast: Cast) -> None:
    worker = Client()
    worker.force_login(cast.member)
    assert "申请加入工会" in worker.get("/m/").content.decode()
    response = worker.post(
        "/m/join/",
        {
            "union": "east-g1",
            "name": "赵强",
            "id_type": "resident",
            "id_number": ZHENGZHOU_1970,
            "phone": "",
            "consent_purpose": "会员实名制管理",
        },
    )
    assert response.status_code == 302
    officer = Client()
    officer.force_login(cast.grassroots_officer)
    assert "入会申请待审批" in officer.get("/").content.decode()
    assert "赵强" in officer.get("/members/applications/").content.decode()
    application = JoinApplication.objects.get()
    officer.post(f"/members/applications/{application.pk}/approve/")
    assert Member.objects.get().account_id == cast.member.pk
    assert "已批准" in worker.get("/m/join/").content.decode()
    sibling = Client()
    sibling.force_login(factories.make_officer(cast.sibling_grassroots, "chair", "w_chair"))
    assert sibling.post(f"/members/applications/{application.pk}/reject/").status_code == 404
