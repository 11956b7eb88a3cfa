"""How a hardship case moves (core.workflow, ADR 0021) and the trail rows of its other steps;
the use cases in ``assistance.services.cases`` and ``assistance.services.archive`` call these
once the case is locked and the actor's right checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gonghui.assistance.models import HardshipCase
from gonghui.core import counters
from gonghui.core.scoping import Actor
from gonghui.core.workflow import history_record, transition
from gonghui.orgs.models import Org


def acting(org: Org) -> dict[str, Any]:
    """The union that took a step (the upper level for an approval), kept on its trail row."""
    return {"org_id": org.pk, "org_name": org.name}


def step(
    case: HardshipCase,
    kind: str,
    actor: Actor,
    *,
    from_status: str = "",
    opinion: str = "",
    data: dict[str, Any] | None = None,
    org: Org | None = None,
) -> None:
    """A trail row of a step that moves no state (applied, objection, category override,
    yearly review): core's one history (ADR 0021)."""
    history_record(
        case,
        kind,
        actor=actor,
        from_state=from_status,
        to_state=case.status,
        reason=opinion,
        data={**(data or {}), **acting(org or case.org)},
    )
    counters.recount_source("assistance", [case.org_path])  # every step passes here


# The moves of a case (core.workflow), each with its audit code; the trail names them by the
# step (StepKind), as the pages show them.
CASE_TRANSITIONS = {
    "visit": "assistance.case.visited",
    "pass_review": "assistance.case.reviewed",
    "end_publicity": "assistance.case.publicity_ended",
    "approve": "assistance.case.approved",
    "reject": "assistance.case.rejected",
    "propose_exit": "assistance.case.exit_proposed",
    "confirm_exit": "assistance.case.exited",
    "keep": "assistance.case.kept",
    "close": "assistance.case.closed",
}


def move(
    case: HardshipCase,
    name: str,
    actor: Actor | None,
    step: str,
    opinion: str,
    *,
    data: dict[str, Any] | None = None,
    org: Org | None = None,
    apply: Callable[[HardshipCase], None] | None = None,
) -> HardshipCase:
    """Move the case, locked and its actor's right checked by the use case, through the one
    transition service: the history row and the audit row in the same transaction."""
    moved = transition(
        case,
        name,
        actor=actor,
        capability=None,
        locked=True,
        step=step,
        reason=opinion,
        data={**(data or {}), **acting(org or case.org)},
        apply=apply,
    )
    counters.recount_source("assistance", [moved.org_path])
    return moved
