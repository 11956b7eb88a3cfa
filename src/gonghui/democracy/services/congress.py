"""Services of the congress: rules, terms, delegates (补选 with history), composition checks,
sessions and their FSM, attendance and the 2/3 quorum that a ballot engine asks about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from gonghui.core import counters
from gonghui.core.audit import audit_record
from gonghui.core.deadlines import Deadline
from gonghui.core.scoping import Actor, require_capability, within
from gonghui.core.workflow import history_record, transition
from gonghui.democracy.models import (
    REPRESENTATIVE_THRESHOLD,
    Attendance,
    CheckInMethod,
    Congress,
    CongressKind,
    Delegate,
    OccupationGroup,
    Session,
    SessionState,
    Term,
)
from gonghui.democracy.rules import Quorum, quorum
from gonghui.democracy.services.rules import MANAGE, composition_check, rule_for
from gonghui.members.models import Gender, Member
from gonghui.members.rules import Suffrage, suffrage
from gonghui.orgs.models import Org

CHECKIN_SALT = "democracy.checkin"


# --- congress, terms, delegates -----------------------------------------------------------------


def congress_create(
    *, actor: Actor, org: Org, name: str, staff_count: int, female_staff_count: int = 0
) -> Congress:
    require_capability(actor, MANAGE, org.path)
    if female_staff_count > staff_count:
        raise ValidationError({"female_staff_count": _("女职工人数不能多于职工人数")})
    if Congress.objects.filter(org=org).exists():
        raise ValidationError({"name": _("该组织已建立职代会")})
    kind = (
        CongressKind.REPRESENTATIVE
        if staff_count >= REPRESENTATIVE_THRESHOLD
        else CongressKind.GENERAL
    )
    with transaction.atomic():
        congress = Congress.objects.create(
            org=org,
            org_path=org.path,
            name=name,
            kind=kind,
            staff_count=staff_count,
            female_staff_count=female_staff_count,
        )
        audit_record(
            action="democracy.congress.created",
            actor=actor,
            target=congress,
            org_path=org.path,
            after={"kind": kind, "staff_count": staff_count},
        )
    return congress


def _years_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 365.25


def term_create(*, actor: Actor, congress: Congress, starts_on: dt.date, ends_on: dt.date) -> Term:
    """A 届 lasts 3 to 5 years (DOMAIN.md §5)."""
    require_capability(actor, MANAGE, congress.org_path)
    years = _years_between(starts_on, ends_on)
    if not 2.99 <= years <= 5.01:
        raise ValidationError({"ends_on": _("每届任期为三至五年")})
    with transaction.atomic():
        Congress.objects.select_for_update().get(pk=congress.pk)
        number = (congress.terms.aggregate(n=Max("number"))["n"] or 0) + 1
        term = Term.objects.create(
            congress=congress,
            org_path=congress.org_path,
            number=number,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        counters.recount_source("democracy", [congress.org_path])
        audit_record(
            action="democracy.term.created",
            actor=actor,
            target=term,
            org_path=congress.org_path,
            after={"number": number, "starts_on": starts_on, "ends_on": ends_on},
        )
    return term


def _suffrage_now(member: Any) -> Suffrage:
    """The member's rights by the status stored now (the caller's copy may be older)."""
    status = Member.objects.filter(pk=member.pk).values_list("status", flat=True).first()
    return suffrage(status or "")


def delegate_elect(
    *,
    actor: Actor,
    term: Term,
    name: str,
    gender: str,
    group: str,
    constituency: str,
    elected_on: dt.date,
    member: Any = None,
    replaces: Delegate | None = None,
) -> Delegate:
    """Record an elected delegate; with ``replaces`` it is a 补选 for a delegate who left."""
    require_capability(actor, MANAGE, term.org_path)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("请填写姓名")
    if gender not in Gender.values:
        errors["gender"] = _("请选择性别")
    if group not in OccupationGroup.values:
        errors["group"] = _("请选择职工类别")
    if not constituency.strip():
        errors["constituency"] = _("请填写选区")
    if member is not None and not within(member.org_path, term.org_path):
        errors["member"] = _("关联的会员不属于本单位工会")
    elif member is not None and not (right := _suffrage_now(member)).may_stand:
        errors["member"] = right.reason
    if replaces is not None and (replaces.term_id != term.pk or replaces.in_office):
        errors["replaces"] = _("补选只能接替本届已离任的代表")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        delegate = Delegate.objects.create(
            term=term,
            org_path=term.org_path,
            name=name.strip(),
            gender=gender,
            group=group,
            constituency=constituency.strip(),
            member=member,
            elected_on=elected_on,
            by_election=replaces is not None,
            replaces=replaces,
        )
        audit_record(
            action=("democracy.delegate.by_elected" if replaces else "democracy.delegate.elected"),
            actor=actor,
            target=delegate,
            org_path=term.org_path,
            after={"group": group, "constituency": constituency, "replaces": replaces},
        )
    return delegate


def delegate_leave(*, actor: Actor, delegate: Delegate, left_on: dt.date, reason: str) -> Delegate:
    require_capability(actor, MANAGE, delegate.org_path)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写离任原因")})
    with transaction.atomic():
        delegate = Delegate.objects.select_for_update().get(pk=delegate.pk)
        if not delegate.in_office:
            raise ValidationError(_("该代表已离任"))
        if left_on < delegate.elected_on:
            raise ValidationError({"left_on": _("离任日期不能早于当选日期")})
        delegate.left_on = left_on
        delegate.leave_reason = reason.strip()
        delegate.save(update_fields=["left_on", "leave_reason"])
        audit_record(
            action="democracy.delegate.left",
            actor=actor,
            target=delegate,
            org_path=delegate.org_path,
            after={"left_on": left_on, "reason": reason},
        )
    return delegate


# --- sessions ------------------------------------------------------------------------------------


# The session's workflow (core.workflow): transition name -> audit code.
SESSION_TRANSITIONS = {
    "send_materials": "democracy.session.materials",
    "open": "democracy.session.opened",
    "close": "democracy.session.closed",
}


def session_create(
    *,
    actor: Actor,
    term: Term,
    title: str,
    scheduled_for: dt.date,
    location: str = "",
    agenda: str = "",
    materials: str = "",
) -> Session:
    require_capability(actor, MANAGE, term.org_path)
    if not title.strip():
        raise ValidationError({"title": _("请填写会议名称")})
    with transaction.atomic():
        Term.objects.select_for_update().get(pk=term.pk)
        number = (term.sessions.aggregate(n=Max("number"))["n"] or 0) + 1
        session = Session.objects.create(
            term=term,
            org_path=term.org_path,
            number=number,
            title=title.strip(),
            scheduled_for=scheduled_for,
            location=location,
            agenda=agenda,
            materials=materials,
        )
        history_record(session, "created", actor=actor, to_state=SessionState.PLANNED)
        audit_record(
            action="democracy.session.created",
            actor=actor,
            target=session,
            org_path=term.org_path,
            after={"scheduled_for": scheduled_for},
        )
    return session


EDITABLE = ("title", "scheduled_for", "location", "agenda", "materials")


def session_update(*, actor: Actor, session: Session, **values: Any) -> Session:
    """Agenda, date and materials change only while the session is being prepared: once the
    materials went out, delegates hold what they were sent."""
    require_capability(actor, MANAGE, session.org_path)
    if not str(values.get("title", session.title)).strip():
        raise ValidationError({"title": _("请填写会议名称")})
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.state != SessionState.PLANNED:
            raise ValidationError(_("会议材料已送达，不能再修改议程和材料"))
        before = {k: getattr(locked, k) for k in EDITABLE if k in values}
        for key in before:
            setattr(locked, key, values[key])
        locked.save()
        audit_record(
            action="democracy.session.updated",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            before=before,
            after={k: values[k] for k in before},
        )
    return locked


def materials_due(session: Session) -> dt.date:
    """Materials reach delegates at least N (7) days before the session (第三十条)."""
    return materials_deadline(session).due


def materials_deadline(session: Session) -> Deadline:
    """The day by which the materials must be sent, counted back from the session date."""
    days = rule_for(session.term.congress.org).materials_days
    due = session.scheduled_for - dt.timedelta(days=days)
    rule = _("会议材料须于召开%(n)d日前送达代表（上海市职工代表大会条例第三十条）") % {"n": days}
    return Deadline(due, due, "calendar", days, True, rule)


def _transition(*, actor: Actor, session: Session, method: str, comment: str = "") -> Session:
    quorum: list[Any] = []

    def check(locked: Session) -> None:
        if method == "open":
            quorum.append(session_quorum(locked))
            if not quorum[0].can_sit:
                raise ValidationError(
                    _("出席代表%(present)d名，未达在任代表%(in_office)d名的三分之二，不能开会")
                    % {"present": quorum[0].present, "in_office": quorum[0].in_office}
                )

    def apply(locked: Session) -> None:
        if method == "send_materials":
            locked.materials_sent_on = timezone.localdate()
        elif method == "open":
            locked.in_office_at_open = quorum[0].in_office
            locked.opened_at = timezone.now()
        elif method == "close":
            locked.closed_at = timezone.now()

    with transaction.atomic():
        locked = transition(
            session, method, actor=actor, capability=MANAGE, reason=comment, check=check,
            apply=apply,
        )  # fmt: skip
        if method == "send_materials":
            _tell_delegates(locked)
    return locked


def _tell_delegates(session: Session) -> None:
    """Materials are out: delegates with a phone account get a message with the date."""
    from gonghui.core import notify

    seats = session.term.delegates.filter(
        left_on__isnull=True, member__account__isnull=False
    ).select_related("member__account")
    for seat in seats:
        assert seat.member is not None
        notify.notify(
            template="democracy.session.materials",
            data={"title": session.title, "date": session.scheduled_for.isoformat()},
            to_user=seat.member.account,
            url=reverse("democracy_m:home"),
        )


def session_send_materials(*, actor: Actor, session: Session) -> Session:
    return _transition(actor=actor, session=session, method="send_materials")


def session_open(*, actor: Actor, session: Session) -> Session:
    return _transition(actor=actor, session=session, method="open")


def session_close(*, actor: Actor, session: Session) -> Session:
    return _transition(actor=actor, session=session, method="close")


def session_quorum(session: Session) -> Quorum:
    """The 2/3 quorum (``democracy.rules.quorum``) of the delegates in office when the session
    opens (fixed then), else of those in office now."""
    frozen = session.in_office_at_open is not None
    if session.in_office_at_open is not None:
        in_office = session.in_office_at_open
    else:
        in_office = session.term.delegates.filter(left_on__isnull=True).count()
    present = session.attendances.filter(left_at__isnull=True).count()
    return quorum(in_office, present, frozen=frozen)


def session_may_vote(session: Session) -> bool:
    """What a ballot engine asks: the session is open and a 2/3 quorum is present now."""
    session = Session.objects.get(pk=session.pk)
    return session.state == SessionState.OPEN and session_quorum(session).can_sit


def session_preflight(session: Session) -> list[str]:
    """What an officer should fix before opening (warnings; only the quorum blocks)."""
    notes = list(composition_check(session.term).warnings)
    due = materials_due(session)
    sent = session.materials_sent_on
    if sent is None:
        notes.append(_("会议材料尚未送达代表（应于%(due)s前送达）") % {"due": due.isoformat()})
    elif sent > due:
        notes.append(
            _("会议材料于%(sent)s送达，晚于%(due)s") % {"sent": sent.isoformat(), "due": due}
        )
    quorum = session_quorum(session)
    if not quorum.can_sit:
        notes.append(
            _("已签到%(present)d名，须有%(needed)d名（在任%(in_office)d名的三分之二）方可开会")
            % {"present": quorum.present, "needed": quorum.needed, "in_office": quorum.in_office}
        )
    return notes


# --- attendance ----------------------------------------------------------------------------------


def checkin_token(session: Session, delegate: Delegate) -> str:
    """A short code (typeable when a camera fails): the delegate's id and a MAC over it and the
    session, so a code works for one delegate at one session only."""
    mac = salted_hmac(CHECKIN_SALT, f"{session.pk}:{delegate.pk}").hexdigest()[:10]
    return f"{delegate.pk}-{mac.upper()}"


def checkin_delegate_from_token(session: Session, token: str) -> Delegate:
    pk, _sep, mac = token.strip().upper().partition("-")
    delegate = None
    if pk.isdigit() and len(pk) < 19:
        delegate = Delegate.objects.filter(pk=int(pk), term_id=session.term_id).first()
    if delegate is None or not constant_time_compare(mac, checkin_token(session, delegate)[-10:]):
        raise ValidationError({"token": _("签到码无效，或不属于本次会议")})
    return delegate


def attendance_check_in(
    *, actor: Actor, session: Session, delegate: Delegate, method: str = CheckInMethod.OFFICER
) -> Attendance:
    """Check a delegate in, or back in after leaving the hall (the live quorum counts them)."""
    require_capability(actor, MANAGE, session.org_path)
    if delegate.term_id != session.term_id or not delegate.in_office:
        raise ValidationError(_("只有本届在任代表可以签到"))
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.state == SessionState.CLOSED:
            raise ValidationError(_("会议已闭会"))
        attendance = Attendance.objects.filter(session=locked, delegate=delegate).first()
        if attendance is not None and attendance.left_at is None:
            raise ValidationError(_("%(name)s已签到") % {"name": delegate.name})
        if attendance is not None:
            attendance.left_at = None
            attendance.save(update_fields=["left_at"])
            action = "democracy.session.returned"
        else:
            attendance = Attendance.objects.create(
                session=locked,
                delegate=delegate,
                org_path=locked.org_path,
                checked_in_at=timezone.now(),
                method=method,
                recorded_by=actor,
            )
            action = "democracy.session.checked_in"
        audit_record(
            action=action,
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"delegate": delegate.pk, "method": method},
            target_label=f"{locked} · {delegate.name}",
        )
    return attendance


def attendance_leave(*, actor: Actor, session: Session, delegate: Delegate) -> Attendance:
    """A delegate leaves the hall: the live quorum (and so ``session_may_vote``) drops."""
    require_capability(actor, MANAGE, session.org_path)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.state == SessionState.CLOSED:
            raise ValidationError(_("会议已闭会"))
        attendance = Attendance.objects.filter(
            session=locked, delegate=delegate, left_at__isnull=True
        ).first()
        if attendance is None:
            raise ValidationError(_("%(name)s不在会场") % {"name": delegate.name})
        attendance.left_at = timezone.now()
        attendance.save(update_fields=["left_at"])
        audit_record(
            action="democracy.session.left",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"delegate": delegate.pk},
            target_label=f"{locked} · {delegate.name}",
        )
    return attendance


def dissolve_guard(org: Org) -> list[str]:
    """An org whose congress is in session or still has motions being handled stays."""
    from gonghui.democracy.models import Motion, MotionState

    reasons = []
    if Session.objects.filter(org_path=org.path, state=SessionState.OPEN).exists():
        reasons.append(_("职代会正在开会"))
    handling = Motion.objects.filter(
        org_path=org.path,
        state__in=[MotionState.SUBMITTED, MotionState.ACCEPTED, MotionState.ASSIGNED],
    ).count()
    if handling:
        reasons.append(_("%(n)d件职代会提案尚在办理") % {"n": handling})
    return reasons
