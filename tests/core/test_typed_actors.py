"""ADR 0023: who acts is typed. No parameter named ``actor`` or ``viewer`` is ``Any``, and
``actor: Actor | None`` (nobody acts: the system, or an anonymous submitter with its code) is
accepted only by the functions listed here."""

from __future__ import annotations

import ast
from pathlib import Path

import gonghui

SRC = Path(gonghui.__file__).parent

# (module, function): where an actor may be None, each with the reason.
NOBODY_MAY_ACT = {
    ("core/audit.py", "audit_record"): "system jobs and anonymous submitters write audit rows",
    ("core/workflow.py", "_label"): "history label of an actor or of nobody",
    ("core/workflow.py", "_person"): "drops the person of an anonymous step",
    ("core/workflow.py", "history_record"): "history rows of system and anonymous steps",
    ("core/workflow.py", "transition"): "moves made by a scheduled job or an anonymous submitter",
    ("voice/services/moves.py", "actor_name"): "the trail's name of an actor or of nobody",
    ("voice/services/moves.py", "move"): "escalation by the scheduled job",
    ("voice/services/appeals.py", "is_owner"): "the anonymous submitter proves itself by code",
    ("voice/services/appeals.py", "_step"): "the anonymous submitter's trail step",
    ("voice/services/appeals.py", "_audit"): "the anonymous submitter's audit row",
    ("voice/services/appeals.py", "_submitter_move"): "rate or reopen by the anonymous submitter",
    ("voice/services/appeals.py", "appeal_rate"): "the anonymous submitter rates with its code",
    ("voice/services/appeals.py", "appeal_reopen"): "the anonymous submitter reopens with its code",
    ("voice/phone/views.py", "_submitter_action"): "the follow page of an anonymous appeal",
    ("assistance/services/moves.py", "move"): "the publicity period ended by the scheduled job",
    ("assistance/services/cases.py", "_finish_publicity"): "the scheduled job ends publicity",
    ("core/audit.py", "audit_event"): "the row audit_record writes, for the same callers",
    ("honors/services/moves.py", "move"): "lapse and revocation moved by a job or a listener",
    ("honors/services/nominations.py", "objection_receive"): "an anonymous objection in 公示",
    ("honors/services/revocations.py", "_create"): "proposed by the 民主评议 ballot's listener",
    ("honors/services/care.py", "allowances_stop"): "stopped by the listener of a decision",
    ("honors/services/terms.py", "assessment_conclude"): "the published 民主评议's listener",
}


def _actor_params() -> list[tuple[str, str, str, str]]:
    """(module, function, parameter, annotation) of every ``actor``/``viewer`` parameter."""
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = str(path.relative_to(SRC))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                if arg.arg in ("actor", "viewer"):
                    note = ast.unparse(arg.annotation) if arg.annotation else ""
                    found.append((module, node.name, arg.arg, note))
    return found


def test_no_actor_or_viewer_is_any_or_unannotated() -> None:
    params = _actor_params()
    assert len(params) > 200  # the walk found the services
    assert [p for p in params if p[3] in ("", "Any") or "Any" in p[3].split(" | ")] == []


def test_only_listed_functions_let_nobody_act() -> None:
    nobody = {(m, f) for m, f, name, note in _actor_params() if name == "actor" and "None" in note}
    assert nobody == set(NOBODY_MAY_ACT)
