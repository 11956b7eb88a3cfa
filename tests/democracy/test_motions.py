"""Motions (提案): 一事一议, 附议, 立案, 承办, 答复, 评价 (不满意 reopens once), 落实."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import AuditEvent
from gonghui.core.workflow import history_of
from gonghui.democracy.models import Motion, MotionState
from gonghui.democracy.services import motions as svc
from tests.conftest import Cast, fresh
from tests.factories import (
    elect,
    fake_appeal_receiver,
    link_member,
    make_account,
    make_congress,
    officer,
)


def drafted(cast: Cast) -> tuple[Motion, list, object]:  # type: ignore[type-arg]
    _congress, term = make_congress(cast)
    proposer, second, third = elect(cast, term, 3)
    account = make_account("member", f"delegate{proposer.pk}")
    link_member(cast, proposer, account, "41010519800101001")
    motion = svc.motion_draft(
        actor=account, delegate=proposer, title="增设夜班班车", content="夜班职工下班后无公交。"
    )
    return motion, [proposer, second, third], account


def submitted(cast: Cast) -> tuple[Motion, object]:
    motion, (_p, second, third), account = drafted(cast)
    actor = officer(cast)  # the officer enters the paper signatures on the delegates' behalf
    svc.motion_second(actor=actor, motion=motion, delegate=second)
    svc.motion_second(actor=actor, motion=motion, delegate=third)
    return svc.motion_submit(actor=account, motion=motion), account


def assigned(cast: Cast) -> tuple[Motion, object]:
    motion, account = submitted(cast)
    actor = officer(cast)
    svc.motion_accept(actor=actor, motion=motion)
    department = svc.department_add(actor=actor, congress=motion.congress, name="行政部")
    return svc.motion_assign(actor=actor, motion=motion, department=department), account


def test_full_path_from_draft_to_satisfied_and_fully_implemented(cast: Cast) -> None:
    motion, (proposer, second, third), account = drafted(cast)
    actor = officer(cast)
    svc.motion_second(actor=actor, motion=motion, delegate=second)
    with pytest.raises(ValidationError, match="须有2名代表附议"):
        svc.motion_submit(actor=account, motion=motion)
    with pytest.raises(ValidationError, match="不能附议自己"):
        svc.motion_second(actor=actor, motion=motion, delegate=proposer)
    svc.motion_second(actor=actor, motion=motion, delegate=third)
    motion = svc.motion_submit(actor=account, motion=motion)
    assert motion.state == MotionState.SUBMITTED and motion.number == 1
    motion = svc.motion_accept(actor=actor, motion=motion)
    department = svc.department_add(actor=actor, congress=motion.congress, name="行政部")
    motion = svc.motion_assign(actor=actor, motion=motion, department=department, working_days=10)
    assert motion.state == MotionState.ASSIGNED and motion.due_on and motion.due_rule
    svc.milestone_add(actor=actor, motion=motion, title="调研线路", percent=30)
    motion = svc.motion_reply(actor=actor, motion=motion, reply="已与公交公司协商开通夜班线路。")
    assert motion.state == MotionState.REPLIED and motion.replied_on_time
    motion = svc.motion_rate(actor=account, motion=motion, rating="satisfied")
    assert motion.state == MotionState.IMPLEMENTING and motion.rating == "satisfied"
    with pytest.raises(ValidationError):  # progress never goes back
        svc.milestone_add(actor=actor, motion=motion, title="倒退", percent=20)
    svc.milestone_add(actor=actor, motion=motion, title="班车开通", percent=100)
    motion.refresh_from_db()
    assert motion.state == MotionState.COMPLETED and motion.progress == 100
    path = list(history_of(motion).values_list("to_state", flat=True))
    assert path == [
        "draft",
        "submitted",
        "accepted",
        "assigned",
        "replied",
        "implementing",
        "completed",
    ]
    assert (
        AuditEvent.objects.filter(
            target_id=str(motion.pk), action__startswith="democracy.motion"
        ).count()
        >= 8
    )


def test_dissatisfied_reopens_once(cast: Cast) -> None:
    motion, account = assigned(cast)
    actor = officer(cast)
    motion = svc.motion_reply(actor=actor, motion=motion, reply="暂无条件。")
    motion = svc.motion_rate(actor=account, motion=motion, rating="dissatisfied", comment="未解决")
    assert motion.state == MotionState.ASSIGNED and motion.reopened
    motion = svc.motion_reply(actor=actor, motion=motion, reply="下季度开通。")
    motion = svc.motion_rate(actor=account, motion=motion, rating="dissatisfied")
    # The second 不满意 is recorded and the motion moves on: it reopens only once.
    assert motion.state == MotionState.IMPLEMENTING and motion.rating == "dissatisfied"
    log = history_of(motion).filter(from_state="replied")
    assert [row.to_state for row in log] == ["assigned", "implementing"]


def test_only_the_proposer_or_an_officer_rates(cast: Cast) -> None:
    motion, _account = assigned(cast)
    motion = svc.motion_reply(actor=officer(cast), motion=motion, reply="答复")
    with pytest.raises(PermissionDenied):
        svc.motion_rate(actor=make_account("member", "stranger"), motion=motion, rating="satisfied")


def test_return_needs_a_reason(cast: Cast) -> None:
    motion, _account = submitted(cast)
    with pytest.raises(ValidationError):
        svc.motion_return(actor=officer(cast), motion=motion, reason=" ")
    motion = svc.motion_return(actor=officer(cast), motion=motion, reason="不属于职代会职权")
    assert motion.state == MotionState.RETURNED and motion.return_reason


def test_convert_hands_the_motion_to_the_appeals_module(cast: Cast) -> None:
    motion, _account = submitted(cast)
    with fake_appeal_receiver() as calls:
        motion = svc.motion_convert(actor=officer(cast), motion=motion)
    assert motion.state == MotionState.CONVERTED and motion.appeal_ref == "/voice/appeals/77/"
    (call,) = calls
    assert call["org"] == cast.grassroots and call["title"] == "增设夜班班车"
    assert call["source"] == "职代会提案 第1号" and call["member"] == motion.proposer.member


def test_convert_without_a_receiver_changes_nothing(cast: Cast) -> None:
    from gonghui.core import registry

    motion, _account = submitted(cast)
    saved = list(registry._handoffs)
    registry._handoffs[:] = [h for h in saved if h[0] != svc.APPEAL_HANDOFF]
    try:
        with pytest.raises(ValidationError):
            svc.motion_convert(actor=officer(cast), motion=motion)
    finally:
        registry._handoffs[:] = saved
    motion.refresh_from_db()
    assert motion.state == MotionState.SUBMITTED


def test_a_non_delegate_member_cannot_draft(cast: Cast) -> None:
    _congress, term = make_congress(cast)
    (delegate,) = elect(cast, term, 1)
    with pytest.raises(PermissionDenied):
        svc.motion_draft(actor=fresh(cast.member), delegate=delegate, title="x", content="y")
