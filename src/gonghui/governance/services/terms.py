"""Terms: the next election's due date, postponements approved by the upper union, and the
periodic reminder of a coming or overdue 换届 (sent once per committee and due date)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.reminders import Notice, claim_once, tell_officers
from gonghui.core.scoping import Actor
from gonghui.governance import rules
from gonghui.governance.models import Committee, CommitteeStatus, Postponement
from gonghui.governance.services.elections import APPROVE, rule_for

REMINDER_SOURCE = "governance.term"
REMINDER_TEMPLATE = "governance.term.due"


def term_postpone(
    *, actor: Actor, committee: Committee, until: dt.date, reason: str, approval_ref: str
) -> Postponement:
    """延期换届 with the upper union's approval, at most the rule's maximum past the term."""
    if not reason.strip() or not approval_ref.strip():
        raise ValidationError(_("请填写延期原因和批复文号"))
    with transaction.atomic():
        locked = Committee.objects.select_for_update().select_related("org").get(pk=committee.pk)
        parent = locked.org.parent
        if parent is None or not actor.has_capability(APPROVE, parent.path):
            raise PermissionDenied(APPROVE)
        if locked.status != CommitteeStatus.IN_OFFICE:
            raise ValidationError(_("该届委员会已离任"))
        term_end = rules.add_years(locked.took_office_on, locked.term_years)
        decision = rules.postponement_decision(
            due_on=term_end,
            until=until,
            max_months=rule_for(locked.org).max_postpone_months,
            already_until=locked.election_due_on if locked.election_due_on != term_end else None,
        )
        if not decision.ok:
            raise ValidationError({"until": decision.reason})
        row = Postponement.objects.create(
            committee=locked,
            org_path=locked.org_path,
            approved_by=parent,
            approval_ref=approval_ref.strip(),
            previous_due_on=locked.election_due_on,
            until=until,
            reason=reason.strip(),
        )
        before = locked.election_due_on
        locked.election_due_on = until
        locked.save(update_fields=["election_due_on"])
        audit_record(
            action="governance.term.postponed",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            before={"election_due_on": before},
            after={"election_due_on": until, "approval_ref": row.approval_ref},
        )
    return row


def _notices(today: dt.date) -> list[Notice]:
    """Committees whose reminder window (months ahead, as data) has begun: the union is told,
    and once overdue its parent too. The key holds the due date: a postponement is a new one."""
    notices: list[Notice] = []
    rows = (
        Committee.objects.unscoped(reason="periodic reminder over every union")
        .filter(status=CommitteeStatus.IN_OFFICE)
        .select_related("org", "org__parent")
        .order_by("election_due_on")
    )
    horizon = rules.add_months(today, 12)  # no rule reminds earlier than a year ahead
    for committee in rows.filter(election_due_on__lte=horizon).iterator():
        months = rule_for(committee.org).remind_months
        if today < rules.reminder_from(committee.election_due_on, months):
            continue
        title = _("%(org)s%(kind)s应于%(due)s换届") % {
            "org": committee.org.name,
            "kind": committee.get_kind_display(),
            "due": committee.election_due_on.isoformat(),
        }
        url = reverse("governance:committee", args=[committee.pk])
        key = f"{committee.pk}:{committee.election_due_on.isoformat()}"
        notices.append(
            Notice(f"{key}:own", committee.org_path, "governance.manage", title, None, url)
        )
        parent = committee.org.parent
        if committee.election_due_on < today and parent is not None:
            notices.append(Notice(f"{key}:upper", parent.path, APPROVE, title, None, url))
    return notices


def terms_remind(*, today: dt.date | None = None, limit: int = 1000) -> int:
    """The periodic job: each coming 换届 is told once to the union (and once more to the
    upper union when overdue); a rerun or a concurrent run tells nobody twice (claim_once)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        fresh = claim_once(source=REMINDER_SOURCE, notices=_notices(today), limit=limit)
        tell_officers(fresh, template=REMINDER_TEMPLATE, url=reverse("governance:index"))
        Committee.objects.unscoped(reason="stamp the reminded committees").filter(
            pk__in=[int(n.key.split(":")[0]) for n in fresh]
        ).update(reminded_on=today)
    return len(fresh)
