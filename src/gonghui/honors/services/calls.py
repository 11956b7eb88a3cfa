"""The conferring level's side of a call (评选): issue it, cascade quotas down the tree, close
the nominations, publish the list (公示), approve it (certificates and the roster)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.deadlines import add_working_days
from gonghui.core.scoping import Actor, ExplainedRefusal, require_capability, within
from gonghui.honors import rules
from gonghui.honors.models import (
    AwardCall,
    AwardType,
    CompositionRule,
    Nomination,
    NominationStatus,
    Objection,
    Quota,
)
from gonghui.honors.services import roster
from gonghui.honors.services.moves import move
from gonghui.orgs.models import Org

MANAGE = "honors.manage"
APPROVE = "honors.approve"


def _today() -> dt.date:
    return timezone.localdate()


def call_issue(
    *,
    actor: Actor,
    award_type: AwardType,
    org: Org,
    year: int,
    seats: int,
    nominations_due: dt.date,
    title: str = "",
    issued_on: dt.date | None = None,
) -> AwardCall:
    """A call for nominations, issued by the org that confers (or recommends to the national
    level); the cycle's composition rule is the type's row for that year, if any."""
    require_capability(actor, APPROVE, org.path)
    if not award_type.active:
        raise ValidationError({"award_type": _("该荣誉类型已停用")})
    if seats < 1:
        raise ValidationError({"seats": _("表彰名额至少为1名")})
    issued = issued_on or _today()
    if nominations_due < issued:
        raise ValidationError({"nominations_due": _("推荐截止日期不能早于发布日期")})
    rule = CompositionRule.objects.filter(award_type=award_type, year=year).first()
    with transaction.atomic():
        call = AwardCall.objects.create(
            award_type=award_type,
            org=org,
            org_path=org.path,
            year=year,
            title=title or f"{year}年{award_type.name}评选",
            seats=seats,
            rule=rule,
            issued_on=issued,
            nominations_due=nominations_due,
            created_by=actor,
        )
        audit_record(
            action="honors.call.issued",
            actor=actor,
            target=call,
            org_path=call.org_path,
            after={"seats": seats, "rule": rule.pk if rule else None},
        )
    return call


def _seats_of(call: AwardCall, org: Org) -> int | None:
    if org.pk == call.org_id:
        return call.seats
    quota = Quota.objects.filter(call=call, org=org).first()
    return quota.seats if quota else None


def quota_give(*, actor: Actor, call: AwardCall, org: Org, seats: int) -> Quota:
    """An org with seats in the call gives part of them to a child; the children's seats
    together never exceed its own (the quota cascades down the tree)."""
    giver = org.parent
    if giver is None or not within(org.path, call.org_path) or org.pk == call.org_id:
        raise ValidationError({"org": _("只能向评选范围内的下级组织分配名额")})
    require_capability(actor, APPROVE, giver.path)
    with transaction.atomic():
        locked = AwardCall.objects.select_for_update().get(pk=call.pk)
        if locked.status != "open":
            raise ExplainedRefusal(_("推荐已截止，不能再分配名额"))
        own = _seats_of(locked, giver)
        if own is None:
            raise ExplainedRefusal(_("%(org)s没有本次评选的名额，不能向下分配") % {"org": giver})
        others = Quota.objects.filter(call=locked, org__parent=giver).exclude(org=org)
        refusal = rules.cascade_refusal(own, [q.seats for q in others] + [seats])
        if refusal:
            raise ValidationError({"seats": refusal})
        quota, _created = Quota.objects.update_or_create(
            call=locked,
            org=org,
            defaults={
                "org_path": org.path,
                "seats": seats,
                "given_by": giver,
                "given_on": _today(),
            },
        )
        audit_record(
            action="honors.quota.given",
            actor=actor,
            target=quota,
            org_path=org.path,
            after={"call": call.pk, "seats": seats},
        )
    return quota


def _locked(call: AwardCall) -> AwardCall:
    return AwardCall.objects.select_for_update().get(pk=call.pk)


def call_close_nominations(*, actor: Actor, call: AwardCall) -> AwardCall:
    require_capability(actor, APPROVE, call.org_path)
    with transaction.atomic():
        return move(_locked(call), "close_nominations", actor)


def call_publish(*, actor: Actor, call: AwardCall, start: dt.date | None = None) -> AwardCall:
    """公示: the list that reached the conferring level is published for the type's working
    days; candidates still below it were not recommended in time."""
    require_capability(actor, APPROVE, call.org_path)
    start = start or _today()
    with transaction.atomic():
        locked = _locked(call)
        listed = list(
            Nomination.objects.select_for_update().filter(
                call=locked,
                at_org_id=locked.org_id,
                status__in=[NominationStatus.DRAFT, NominationStatus.PROPOSED],
            )
        )
        if not listed:
            raise ExplainedRefusal(_("没有可公示的人选"))
        if len(listed) > locked.seats:
            raise ExplainedRefusal(
                _("公示人选%(n)d名，超出表彰名额%(seats)d名")
                % {"n": len(listed), "seats": locked.seats}
            )
        end = add_working_days(start, locked.award_type.publicity_days).due

        def dates(c: AwardCall) -> None:
            c.publicity_start, c.publicity_end = start, end

        moved = move(locked, "publish", actor, apply=dates, data={"end": end.isoformat()})
        for nomination in listed:
            move(nomination, "publish", actor)
        stale = Nomination.objects.select_for_update().filter(
            call=locked, status__in=[NominationStatus.DRAFT, NominationStatus.PROPOSED]
        )
        for nomination in stale:
            move(nomination, "drop", actor, reason=_("未在推荐截止前报至评选单位"))
    return moved


def call_approve(*, actor: Actor, call: AwardCall, today: dt.date | None = None) -> AwardCall:
    """The conferring level approves after 公示: refused while an objection is unanswered.
    Candidates whose objection was upheld were rejected when it was answered; the others are
    conferred, numbered and entered on the roster."""
    require_capability(actor, APPROVE, call.org_path)
    today = today or _today()
    with transaction.atomic():
        locked = _locked(call)
        unanswered = Objection.objects.filter(
            nomination__call=locked, answered_on__isnull=True
        ).count()
        refusals = rules.approval_refusals(
            unanswered_objections=unanswered, publicity_end=locked.publicity_end, today=today
        )
        if refusals:
            raise ExplainedRefusal("；".join(refusals))

        def approved(c: AwardCall) -> None:
            c.approved_on = today

        moved = move(locked, "approve", actor, apply=approved)
        listed = Nomination.objects.select_for_update().filter(
            call=locked, status=NominationStatus.PUBLICITY
        )
        for nomination in listed.order_by("org_path", "id"):
            roster.honour_confer(actor=actor, call=moved, nomination=nomination, on=today)
    return moved


def require_conferring(actor: Actor, call: AwardCall) -> None:
    if not actor.has_capability(APPROVE, call.org_path):
        raise PermissionDenied(_("只有评选单位可以办理此步骤"))
