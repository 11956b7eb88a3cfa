"""How the honours engine's rows move (core.workflow, ADR 0021): the transitions services may
call, each with its audit code. The use cases lock the row and check the actor's right first."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from gonghui.core import counters
from gonghui.core.scoping import Actor
from gonghui.core.workflow import transition

CALL_TRANSITIONS = {
    "close_nominations": "honors.call.closed",
    "publish": "honors.call.published",
    "approve": "honors.call.approved",
    "cancel": "honors.call.cancelled",
}

NOMINATION_TRANSITIONS = {
    "propose": "honors.nomination.proposed",
    "recommend": "honors.nomination.recommended",
    "drop": "honors.nomination.dropped",
    "publish": "honors.nomination.published",
    "confer": "honors.nomination.conferred",
    "reject": "honors.nomination.rejected",
    "withdraw": "honors.nomination.withdrawn",
}

# Lapse (end of the term) and revocation: called by hon2's term and revocation services.
HONOUR_TRANSITIONS = {
    "lapse": "honors.honour.lapsed",
    "revoke": "honors.honour.revoked",
}


def move(
    obj: Model,
    name: str,
    actor: Actor | None,
    *,
    step: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    apply: Any = None,
) -> Any:
    """Run one declared transition of an already locked row: history and audit rows in the
    caller's transaction."""
    moved = transition(
        obj,
        name,
        actor=actor,
        capability=None,
        locked=True,
        step=step or name,
        reason=reason,
        data=data or {},
        apply=apply,
    )
    if obj._meta.label == "honors.Honour":
        # The roster's counters follow every change of status (lapse, revocation).
        counters.recount_source("honors", [getattr(moved, "org_path", "")])
    return moved
