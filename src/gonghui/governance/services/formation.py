"""建会: the formation rule applied to a union or an employer, and the upper union's approval of
a new union recorded (工会法 第十一条、第十二条)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import counters
from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor, require_capability, within
from gonghui.governance import rules
from gonghui.governance.models import FormationApproval
from gonghui.governance.services.committees import member_count
from gonghui.orgs.models import Employer, Org

APPROVE = "governance.approve"


def union_formation(org: Org) -> rules.Formation:
    """What the law requires of a union from its member count."""
    return rules.formation(member_count(org))


def employer_formation(employer: Employer) -> rules.Formation:
    """What the law requires of an employer without a union, from its staff count (those who
    would be members once it forms one)."""
    return rules.formation(employer.employee_count)


def formation_approve(
    *,
    actor: Actor,
    org: Org,
    approval_ref: str,
    approved_on: dt.date,
    employer: Employer | None = None,
) -> FormationApproval:
    """The upper union (the new union's parent) approves its formation (第十二条)."""
    parent = org.parent
    if parent is None:
        raise ValidationError(_("最上级工会的成立不在本系统审批"))
    require_capability(actor, APPROVE, parent.path)
    if not approval_ref.strip():
        raise ValidationError({"approval_ref": _("请填写批复文号")})
    if employer is not None and employer.union_id not in (None, org.pk):
        raise ValidationError({"employer": _("该单位已由其他工会覆盖")})
    if employer is not None and not within(employer.org_path, parent.path):
        raise ValidationError({"employer": _("该单位不在本会范围内")})
    with transaction.atomic():
        if FormationApproval.objects.filter(org=org).exists():
            raise ValidationError(_("该工会的成立已批复"))
        approval = FormationApproval.objects.create(
            org=org,
            org_path=org.path,
            approved_by=parent,
            employer=employer,
            member_count=member_count(org),
            approval_ref=approval_ref.strip(),
            approved_on=approved_on,
        )
        counters.recount_source("governance", [org.path])
        audit_record(
            action="governance.formation.approved",
            actor=actor,
            target=approval,
            org_path=org.path,
            after={"approval_ref": approval.approval_ref, "approved_on": approved_on},
        )
    return approval
