"""Revocation (撤销): proposed by the holder's union (or by the term engine after the 民主评议),
reviewed above it, decided by the conferring level; the honour is revoked in the deciding
transaction, benefits stop from the decision date, medal and certificate recovery is recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor, require_capability, unscoped, within
from gonghui.core.workflow import transition
from gonghui.honors import rules
from gonghui.honors.models.revocations import Revocation, RevocationCause, RevocationState
from gonghui.honors.models.roster import Honour, HonourStatus
from gonghui.honors.models.terms import Assessment
from gonghui.honors.services.moves import move

REVOCATION_TRANSITIONS = {
    "review": "honors.revocation.reviewed",
    "decide": "honors.revocation.decided",
    "dismiss": "honors.revocation.dismissed",
}
DECIDE = "honors.care.decide"
ASSESSMENT_CAUSE = "assessment"


def _open_exists(honour: Honour) -> bool:
    with unscoped("one open proceeding per honour, checked in the service"):
        return Revocation.objects.filter(
            honour=honour, state__in=[RevocationState.PROPOSED, RevocationState.REVIEWED]
        ).exists()


def _create(
    *,
    honour: Honour,
    cause: RevocationCause,
    facts: str,
    actor: Actor | None,
    assessment: Assessment | None = None,
) -> Revocation:
    if honour.status == HonourStatus.REVOKED:
        raise ValidationError(_("该荣誉称号已撤销"))
    if not cause.active:
        raise ValidationError({"cause": _("该撤销事由已停用")})
    if not facts.strip():
        raise ValidationError({"facts": _("请填写事实与依据")})
    if _open_exists(honour):
        raise ValidationError(_("该荣誉已有未办结的撤销提请"))
    revocation = Revocation.objects.create(
        honour=honour,
        cause=cause,
        facts=facts.strip(),
        assessment=assessment,
        org=honour.org,
        org_path=honour.org_path,
        proposed_by=actor if getattr(actor, "pk", None) else None,
        proposed_on=timezone.localdate(),
    )
    audit_record(
        action="honors.revocation.proposed",
        actor=actor,
        target=revocation,
        org_path=revocation.org_path,
        after={"honour": honour.pk, "cause": cause.code},
    )
    return revocation


@transaction.atomic
def revocation_propose(
    *, actor: Actor, honour: Honour, cause: RevocationCause, facts: str
) -> Revocation:
    """提请撤销 by the holder's union (or a level above it)."""
    require_capability(actor, "honors.care.manage", honour.org_path)
    return _create(honour=honour, cause=cause, facts=facts, actor=actor)


def revocation_propose_by_assessment(*, assessment: Assessment, reasons: str) -> Revocation | None:
    """The term engine's proposal after the 民主评议 (no person acts); none while another
    proceeding is open."""
    cause = RevocationCause.objects.filter(code=ASSESSMENT_CAUSE).first()
    if cause is None or _open_exists(assessment.honour):
        return None
    return _create(
        honour=assessment.honour,
        cause=cause,
        facts=_("%(year)s 年度民主评议：%(reasons)s")
        % {"year": assessment.year, "reasons": reasons},
        actor=None,
        assessment=assessment,
    )


def _above(actor: Actor, path: str) -> list[str]:
    """The actor's posts strictly above ``path`` (a union never reviews its own proposal)."""
    return [p for p in actor.scope_paths() if within(path, p) and p != path]


def _may_decide(actor: Actor, row: Revocation) -> bool:
    """The conferring level decides: an officer posted at the conferring org; a title
    conferred by a body outside the tree, by an officer above the holder's union."""
    conferring = row.honour.conferring_org
    if conferring is not None:
        return conferring.path in actor.scope_paths() and actor.has_capability(
            DECIDE, conferring.path
        )
    return any(actor.has_capability(DECIDE, p) for p in _above(actor, row.org_path))


@transaction.atomic
def revocation_review(*, actor: Actor, revocation: Revocation, opinion: str) -> Revocation:
    """审查: by an officer above the proposing union (never the proposer's own level)."""
    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写审查意见")})

    def permits(row: Revocation) -> bool:
        return any(actor.has_capability(DECIDE, p) for p in _above(actor, row.org_path))

    def apply(row: Revocation) -> None:
        row.review_opinion = opinion.strip()
        row.reviewed_on = timezone.localdate()

    return transition(
        revocation, "review", actor=actor, capability=permits, reason=opinion.strip(), apply=apply
    )


@transaction.atomic
def revocation_decide(
    *, actor: Actor, revocation: Revocation, decision_no: str, decided_on: dt.date | None = None
) -> Revocation:
    """决定撤销 by the conferring level: the honour is revoked (transition, history, audit);
    allowances from the month after the decision are stopped."""
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("决定日期不能晚于今天")})
    if not decision_no.strip():
        raise ValidationError({"decision_no": _("请填写决定文号")})

    def apply(row: Revocation) -> None:
        row.decided_on = decided_on
        row.decision_no = decision_no.strip()

    def revoke_honour(row: Revocation, _entry: Any) -> None:
        with unscoped("the honour of the revocation being decided"):
            honour = Honour.objects.select_for_update().get(pk=row.honour_id)

        def stamp(h: Honour) -> None:
            h.status_changed_on = decided_on

        move(
            honour,
            "revoke",
            actor,
            reason=f"{row.cause.name}：{row.decision_no}",
            data={"revocation": row.pk},
            apply=stamp,
        )
        from gonghui.honors.services.care import allowances_stop

        allowances_stop(
            honour=honour, stop_month=rules.allowance_stop_month(decided_on), actor=actor
        )

    return transition(
        revocation,
        "decide",
        actor=actor,
        capability=lambda row: _may_decide(actor, row),
        reason=decision_no.strip(),
        apply=apply,
        on_move=revoke_honour,
    )


@transaction.atomic
def revocation_dismiss(*, actor: Actor, revocation: Revocation, opinion: str) -> Revocation:
    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写不予撤销的理由")})

    def apply(row: Revocation) -> None:
        row.review_opinion = opinion.strip()

    return transition(
        revocation, "dismiss", actor=actor, capability=DECIDE, reason=opinion.strip(), apply=apply
    )


@transaction.atomic
def revocation_recover(
    *,
    actor: Actor,
    revocation: Revocation,
    medal_on: dt.date | None,
    certificate_on: dt.date | None,
    note: str = "",
) -> Revocation:
    """收缴 of the medal and the certificate after the decision, dated; recorded once each."""
    require_capability(actor, "honors.care.manage", revocation.org_path)
    with unscoped("the caller found the revocation in its scope"):
        row = Revocation.objects.select_for_update().get(pk=revocation.pk)
    if row.state != RevocationState.DECIDED:
        raise ValidationError(_("撤销决定作出后才能登记收缴"))
    today = timezone.localdate()
    for name, day in (("medal_on", medal_on), ("certificate_on", certificate_on)):
        if day is not None and (day > today or (row.decided_on and day < row.decided_on)):
            raise ValidationError({name: _("收缴日期应在决定日期之后、今天之前")})
    before = {"medal": row.medal_recovered_on, "certificate": row.certificate_recovered_on}
    row.medal_recovered_on = medal_on or row.medal_recovered_on
    row.certificate_recovered_on = certificate_on or row.certificate_recovered_on
    row.recovery_note = note.strip()[:200]
    row.save(update_fields=["medal_recovered_on", "certificate_recovered_on", "recovery_note"])
    audit_record(
        action="honors.revocation.recovered",
        actor=actor,
        target=row,
        org_path=row.org_path,
        before=before,
        after={"medal": row.medal_recovered_on, "certificate": row.certificate_recovered_on},
    )
    return row
