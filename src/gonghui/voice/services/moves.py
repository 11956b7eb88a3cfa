"""How an appeal moves (core.workflow, ADR 0021) and the deadlines a move sets (DESIGN.md
rule 5); the use cases in ``voice.services`` call these under the row lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core import counters
from gonghui.core.deadlines import Deadline, add_working_days
from gonghui.core.scoping import Actor
from gonghui.core.workflow import transition
from gonghui.voice.models import Appeal

# --- deadlines ----------------------------------------------------------------------------


def schedule(appeal: Appeal, start: dt.date) -> None:
    """Deadlines from ``start`` by the appeal's category (core.deadlines: working days)."""
    cat = appeal.category
    accept = add_working_days(start, cat.accept_days)
    reply = add_working_days(start, cat.reply_days)
    appeal.received_on = appeal.received_on or start
    appeal.accept_due = accept.due
    appeal.reply_due = reply.due
    appeal.escalate_due = add_working_days(accept.due, cat.escalate_days).due
    appeal.deadline_confirmed = accept.confirmed and reply.confirmed
    appeal.deadline_rule = "；".join(
        (_due_basis(_("受理期限"), accept), _due_basis(_("答复期限"), reply), _escalation(cat))
    )[:255]


def reschedule_reply(appeal: Appeal, start: dt.date) -> None:
    """A reopened appeal: a new reply deadline from ``start``, and its basis saying so."""
    reply = add_working_days(start, appeal.category.reply_days)
    appeal.reply_due = reply.due
    appeal.deadline_confirmed = reply.confirmed
    appeal.deadline_rule = "；".join(
        (_due_basis(_("重新办理答复期限"), reply), _escalation(appeal.category))
    )[:255]
    rearm_escalation(appeal)


def _due_basis(label: str, deadline: Deadline) -> str:
    """One deadline with its own date, start and rule, so the basis shown beside a date is
    the basis of that date."""
    return _("%(label)s%(due)s（%(start)s起，%(rule)s）") % {
        "label": label,
        "due": deadline.due.isoformat(),
        "start": deadline.start.isoformat(),
        "rule": deadline.rule,
    }


def _escalation(category: Any) -> str:
    return _("逾期%(e)d个工作日移交上级") % {"e": category.escalate_days}


def rearm_escalation(appeal: Appeal) -> None:
    """Once accepted, the second deadline counts from the reply deadline."""
    appeal.escalate_due = add_working_days(appeal.reply_due, appeal.category.escalate_days).due


def actor_name(actor: Actor | None) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:80]


# The moves of an appeal (core.workflow, ADR 0021), each with its audit code. Their history rows
# keep the trail's step names (StepAction), which the pages and the old trail use.
APPEAL_TRANSITIONS = {
    "accept": "voice.appeal.accepted",
    "decline": "voice.appeal.declined",
    "transfer": "voice.appeal.transferred",
    "escalate": "voice.appeal.escalated",
    "answer": "voice.appeal.replied",
    "close": "voice.appeal.rated",
    "reopen": "voice.appeal.reopened",
}


def move(
    appeal: Appeal,
    name: str,
    actor: Actor | None,
    step: str,
    opinion: str,
    *,
    apply: Callable[[Appeal], None] | None = None,
    anonymous: bool = False,
    label: str | None = None,
    org_name: str = "",
    **after: Any,
) -> Appeal:
    """Move the locked ``appeal`` (its handler or owner checked by the caller) through the one
    transition service; the trail row keeps the union that handled the step (``org_name`` when
    the step hands it to another)."""
    source_path = appeal.org_path
    moved = transition(
        appeal,
        name,
        actor=actor,
        capability=None,
        locked=True,
        step=step,
        reason=opinion,
        data={"org_name": org_name or appeal.org.name, **after},
        apply=apply,
        anonymous=anonymous,
        actor_label=label if label is not None else actor_name(actor),
        target_label=appeal.number,
    )
    counters.recount_source("voice", sorted({source_path, moved.org_path}))
    return moved
