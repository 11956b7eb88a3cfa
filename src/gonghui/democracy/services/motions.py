"""Services of motions (提案): drafting and seconding by delegates, the committee's decision
(立案, return, hand-off as a 意见建议), 承办, reply, the proposer's rating and implementation.

Every state change locks the motion row, goes through a declared transition and leaves a
history row and an audit event in the same transaction (core.workflow)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from gonghui.core import notify, registry
from gonghui.core.audit import audit_record
from gonghui.core.deadlines import Deadline, add_working_days
from gonghui.core.scoping import Actor, require_capability, within
from gonghui.core.workflow import history_record, transition
from gonghui.democracy.models import (
    Congress,
    Delegate,
    Department,
    Milestone,
    Motion,
    MotionSigner,
    MotionState,
    Rating,
    Session,
)
from gonghui.democracy.services.rules import MANAGE, rule_for

APPEAL_HANDOFF = "voice.appeal.suggestion"


def motion_deadline(motion: Motion) -> Deadline | None:
    """The reply deadline as a ``core.deadlines.Deadline`` for ``core/deadline.html``."""
    if motion.due_on is None or motion.state != MotionState.ASSIGNED:
        return None
    start = motion.assigned_on or motion.due_on
    return Deadline(start, motion.due_on, "working", 0, motion.due_confirmed, motion.due_rule)


def delegate_seats(user: Actor) -> list[Delegate]:
    """The seats in office of the delegate linked to ``user``'s member record."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Delegate.objects.filter(member__account=user, left_on__isnull=True).select_related(
            "term__congress"
        )
    )


def _is_delegate_user(actor: Actor, delegate: Delegate) -> bool:
    member = delegate.member
    return member is not None and member.account_id is not None and member.account_id == actor.pk


def _require_delegate(actor: Actor, delegate: Delegate) -> None:
    """The delegate in person, or an officer entering it on the delegate's behalf."""
    if _is_delegate_user(actor, delegate):
        return
    require_capability(actor, MANAGE, delegate.org_path)


def _lock(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().select_related("congress__org").get(pk=motion.pk)


# The motion's workflow (core.workflow): transition name -> audit code.
MOTION_TRANSITIONS = {
    "submit": "democracy.motion.submitted",
    "accept": "democracy.motion.accepted",
    "return_": "democracy.motion.returned",
    "convert": "democracy.motion.converted",
    "assign": "democracy.motion.assigned",
    "answer": "democracy.motion.replied",
    "close_rating": "democracy.motion.rated",
    "reopen": "democracy.motion.reopened",
    "complete": "democracy.motion.completed",
}


def _move(
    *, actor: Actor, motion: Motion, method: str, comment: str = "", **changes: Any
) -> Motion:
    """Apply one declared transition to a motion the caller locked, after checking the actor
    (a delegate in person or an officer), with history and audit (core.workflow)."""

    def apply(locked: Motion) -> None:
        for key, value in changes.items():
            setattr(locked, key, value)

    return transition(
        motion, method, actor=actor, capability=None, reason=comment, apply=apply, locked=True
    )


def _tell_proposer(motion: Motion, template: str, **data: Any) -> None:
    member = motion.proposer.member
    if member is not None and member.account_id is not None:
        notify.notify(
            template=template,
            data={"title": motion.title, **data},
            to_user=member.account,
            url=reverse("democracy_m:motion", args=[motion.pk]),
        )


def motion_draft(
    *, actor: Actor, delegate: Delegate, title: str, content: str, session: Session | None = None
) -> Motion:
    _require_delegate(actor, delegate)
    errors = {}
    if not delegate.in_office:
        errors["title"] = _("只有在任代表可以提出提案")
    if not title.strip():
        errors["title"] = _("请填写案由（一事一议）")
    if not content.strip():
        errors["content"] = _("请填写理由和建议")
    if session is not None and session.term_id != delegate.term_id:
        errors["session"] = _("会议不属于代表所在的届")
    if errors:
        raise ValidationError(errors)
    congress = delegate.term.congress
    with transaction.atomic():
        motion = Motion.objects.create(
            congress=congress,
            session=session,
            org_path=congress.org_path,
            title=title.strip(),
            content=content.strip(),
            proposer=delegate,
        )
        history_record(motion, "drafted", actor=actor, to_state=motion.state)
        audit_record(
            action="democracy.motion.drafted",
            actor=actor,
            target=motion,
            org_path=motion.org_path,
            after={"proposer": delegate.pk},
        )
    return motion


def motion_second(*, actor: Actor, motion: Motion, delegate: Delegate) -> MotionSigner:
    """附议: another delegate in office of the same term co-signs a draft."""
    _require_delegate(actor, delegate)
    with transaction.atomic():
        motion = _lock(motion)
        if motion.state != MotionState.DRAFT:
            raise ValidationError(_("提案已提交，不能再附议"))
        if delegate.pk == motion.proposer_id:
            raise ValidationError(_("提案人不能附议自己的提案"))
        if delegate.term_id != motion.proposer.term_id or not delegate.in_office:
            raise ValidationError(_("只有本届在任代表可以附议"))
        try:
            with transaction.atomic():
                signer = MotionSigner.objects.create(motion=motion, delegate=delegate)
        except IntegrityError as exc:
            raise ValidationError(_("您已附议该提案")) from exc
        audit_record(
            action="democracy.motion.seconded",
            actor=actor,
            target=motion,
            org_path=motion.org_path,
            after={"delegate": delegate.pk},
        )
    return signer


def motion_submit(*, actor: Actor, motion: Motion) -> Motion:
    _require_delegate(actor, motion.proposer)
    with transaction.atomic():
        motion = _lock(motion)
        needed = rule_for(motion.congress.org).min_cosigners
        have = motion.signers.count()
        if have < needed:
            raise ValidationError(
                _("须有%(needed)d名代表附议，现有%(have)d名") % {"needed": needed, "have": have}
            )
        number = (
            Motion.objects.filter(congress_id=motion.congress_id).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        return _move(
            actor=actor,
            motion=motion,
            method="submit",
            number=number,
            submitted_at=timezone.now(),
        )


def motion_accept(*, actor: Actor, motion: Motion, comment: str = "") -> Motion:
    """The motion committee registers (立案) the motion."""
    require_capability(actor, MANAGE, motion.org_path)
    with transaction.atomic():
        return _move(
            actor=actor,
            motion=_lock(motion),
            method="accept",
            comment=comment,
        )


def motion_return(*, actor: Actor, motion: Motion, reason: str) -> Motion:
    require_capability(actor, MANAGE, motion.org_path)
    if not reason.strip():
        raise ValidationError({"reason": _("退回须说明理由")})
    with transaction.atomic():
        motion = _move(
            actor=actor,
            motion=_lock(motion),
            method="return_",
            comment=reason.strip(),
            return_reason=reason.strip(),
        )
        _tell_proposer(motion, "democracy.motion.returned", reason=reason.strip())
        return motion


def motion_convert(*, actor: Actor, motion: Motion, comment: str = "") -> Motion:
    """Not a motion but a suggestion: hand it to the appeals module as a 意见建议."""
    require_capability(actor, MANAGE, motion.org_path)
    with transaction.atomic():
        motion = _lock(motion)
        if not can_proceed(motion.convert):
            raise ValidationError(
                _("提案当前为“%(state)s”，不能办理此项") % {"state": motion.get_state_display()}
            )
        try:
            appeal = registry.handoff(
                APPEAL_HANDOFF,
                actor=actor,
                org=motion.congress.org,
                title=motion.title,
                content=motion.content,
                member=motion.proposer.member,
                source=_("职代会提案 %(label)s") % {"label": motion.label},
            )
        except LookupError as exc:
            raise ValidationError(_("诉求模块未启用，不能转为意见建议")) from exc
        url = appeal.get_absolute_url() if hasattr(appeal, "get_absolute_url") else ""
        return _move(
            actor=actor,
            motion=motion,
            method="convert",
            comment=comment or _("转为意见建议"),
            appeal_ref=str(url or appeal.pk),
        )


def motion_assign(
    *, actor: Actor, motion: Motion, department: Department, working_days: int | None = None
) -> Motion:
    """交办 a 承办部门 with a deadline in working days (the rule's default if not given)."""
    require_capability(actor, MANAGE, motion.org_path)
    if department.org_id != motion.congress.org_id:
        raise ValidationError({"department": _("承办部门不属于本单位")})
    with transaction.atomic():
        motion = _lock(motion)
        days = working_days or rule_for(motion.congress.org).reply_working_days
        today = timezone.localdate()
        deadline = add_working_days(today, days)
        return _move(
            actor=actor,
            motion=motion,
            method="assign",
            comment=department.name,
            department=department,
            assigned_on=today,
            due_on=deadline.due,
            due_rule=str(deadline.rule)[:300],
            due_confirmed=deadline.confirmed,
        )


def motion_reply(*, actor: Actor, motion: Motion, reply: str) -> Motion:
    """The 承办部门's written reply, entered by an officer on its behalf."""
    require_capability(actor, MANAGE, motion.org_path)
    if not reply.strip():
        raise ValidationError({"reply": _("请填写答复内容")})
    with transaction.atomic():
        motion = _lock(motion)
        today = timezone.localdate()
        on_time = motion.replied_on_time
        if on_time is None:  # the first reply decides the on-time rate
            on_time = motion.due_on is None or today <= motion.due_on
        motion = _move(
            actor=actor,
            motion=motion,
            method="answer",
            comment=reply.strip()[:500],
            reply=reply.strip(),
            replied_on=today,
            replied_by=actor,
            replied_on_time=on_time,
        )
        department = motion.department.name if motion.department else ""
        _tell_proposer(motion, "democracy.motion.replied", department=department)
        return motion


def motion_rate(*, actor: Actor, motion: Motion, rating: str, comment: str = "") -> Motion:
    """The proposer rates the reply; the first 不满意 reopens the motion once."""
    if rating not in Rating.values:
        raise ValidationError({"rating": _("请选择评价")})
    if not _is_delegate_user(actor, motion.proposer):
        # An officer may record a rating the proposer gave on paper.
        require_capability(actor, MANAGE, motion.org_path)
    with transaction.atomic():
        motion = _lock(motion)
        if motion.state != MotionState.REPLIED:
            raise ValidationError(_("提案尚未答复，不能评价"))
        note = " ".join(p for p in (str(Rating(rating).label), comment.strip()) if p)
        if rating == Rating.DISSATISFIED and not motion.reopened:
            days = rule_for(motion.congress.org).reply_working_days
            deadline = add_working_days(timezone.localdate(), days)
            return _move(
                actor=actor,
                motion=motion,
                method="reopen",
                comment=note,
                rating=rating,
                reopened=True,
                due_on=deadline.due,
                due_rule=str(deadline.rule)[:300],
                due_confirmed=deadline.confirmed,
            )
        motion = _move(
            actor=actor,
            motion=motion,
            method="close_rating",
            comment=note,
            rating=rating,
        )
        if motion.progress >= 100:
            motion = _move(actor=actor, motion=motion, method="complete")
        return motion


def milestone_add(
    *, actor: Actor, motion: Motion, title: str, percent: int, done_on: dt.date | None = None
) -> Milestone:
    """A step of implementation; progress only goes up, and 100% after rating completes it."""
    require_capability(actor, MANAGE, motion.org_path)
    if not title.strip():
        raise ValidationError({"title": _("请填写落实事项")})
    with transaction.atomic():
        motion = _lock(motion)
        if motion.state not in (
            MotionState.ASSIGNED,
            MotionState.REPLIED,
            MotionState.IMPLEMENTING,
        ):
            raise ValidationError(_("提案交办后才能登记落实进度"))
        if not motion.progress <= percent <= 100:
            raise ValidationError(
                {"percent": _("进度应在%(p)d%%到100%%之间") % {"p": motion.progress}}
            )
        milestone = Milestone.objects.create(
            motion=motion,
            title=title.strip(),
            percent=percent,
            done_on=done_on or timezone.localdate(),
            recorded_by=actor,
        )
        motion.progress = percent
        motion.save(update_fields=["progress"])
        audit_record(
            action="democracy.motion.progress",
            actor=actor,
            target=motion,
            org_path=motion.org_path,
            after={"title": title, "percent": percent},
        )
        if percent == 100 and motion.state == MotionState.IMPLEMENTING:
            _move(actor=actor, motion=motion, method="complete")
    return milestone


def department_add(*, actor: Actor, congress: Congress, name: str, contact: str = "") -> Department:
    require_capability(actor, MANAGE, congress.org_path)
    if not name.strip():
        raise ValidationError({"name": _("请填写部门名称")})
    with transaction.atomic():
        department, created = Department.objects.get_or_create(
            org=congress.org,
            name=name.strip(),
            defaults={"org_path": congress.org_path, "contact": contact},
        )
        if created:
            audit_record(
                action="democracy.department.added",
                actor=actor,
                target=department,
                org_path=congress.org_path,
            )
    return department


def require_member_of(actor: Actor, org_path: str) -> None:
    """Members follow the motions and disclosures of their own union's subtree only."""
    member = getattr(actor, "member", None) if getattr(actor, "is_authenticated", False) else None
    if member is None or not within(member.org_path, org_path):
        raise PermissionDenied
