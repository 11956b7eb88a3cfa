"""Issue 17: every app's ``rules.py`` holds pure rule functions (docs/architecture.md): values in,
a decision and its reasons out. Checked by reading each module's syntax tree, so the promise is
kept by construction: no ORM write or read (``.save(``, ``.create(``, ``.update(``,
``.delete(``, ``bulk_…``, ``.objects``), no transaction, connection or cursor."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import gonghui

WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "refresh_from_db",
}
READS = {"objects", "_default_manager", "raw", "cursor", "select_for_update"}
FORBIDDEN_IMPORTS = ("django.db", "gonghui.core.audit", "gonghui.core.counters")
ROOT = Path(gonghui.__file__).parent
RULES = sorted(ROOT.glob("*/rules.py"))


def impurities(source: str) -> list[str]:
    """What in ``source`` reads or writes the database, each with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            name = node.attr
            if name in WRITES or name.startswith("bulk_") or name in READS:
                found.append(f"{node.lineno}: .{name}")
        elif isinstance(node, ast.ImportFrom | ast.Import):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found += [
                f"{node.lineno}: import {m}"
                for m in modules
                if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_IMPORTS)
            ]
    return found


def test_the_apps_with_rules_have_their_pure_module() -> None:
    assert {p.parent.name for p in RULES} >= {"assistance", "democracy"}


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.parent.name)
def test_each_rules_module_reads_and_writes_nothing(path: Path) -> None:
    assert impurities(path.read_text()) == []


def test_the_check_finds_reads_and_writes() -> None:
    source = (
        "from django.db import transaction\n"
        "def f(row, Model):\n"
        "    row.save()\n"
        "    Model.objects.filter(x=1).update(y=2)\n"
        "    Model.objects.bulk_create([])\n"
    )
    assert sorted(impurities(source)) == [
        "1: import django.db",
        "3: .save",
        "4: .objects",
        "4: .update",
        "5: .bulk_create",
        "5: .objects",
    ]


# --- the pure functions, without a database -------------------------------------------------


def test_quorum_is_two_thirds_inclusive() -> None:
    from gonghui.democracy.rules import needed_votes, quorum

    assert (quorum(90, 60).can_sit, quorum(90, 59).can_sit, quorum(90, 60).needed) == (
        True, False, 60,
    )  # fmt: skip
    assert not quorum(0, 0).can_sit
    assert (needed_votes("more_than_half", 90), needed_votes("at_least_half", 90)) == (46, 45)


def test_composition_warns_of_each_shortfall() -> None:
    from gonghui.democracy.models import CompositionRule
    from gonghui.democracy.rules import composition

    rule = CompositionRule()  # the built-in numbers, never saved
    seats = [("management", "F")] * 3 + [("frontline", "M")] * 2
    result = composition(seats, rule, representative=True, staff_count=1000, female_staff_count=600)
    assert (result.in_office, result.frontline, result.managers, result.women) == (5, 2, 3, 3)
    # Too few delegates, too few frontline, too many managers; women 60% of 60% staff is fine.
    assert result.required == max(rule.min_delegates, 50) and len(result.warnings) == 3
    fine = composition(
        [("frontline", "F")] * 60 + [("frontline", "M")] * 40, rule,
        representative=False, staff_count=100, female_staff_count=60,
    )  # fmt: skip
    assert fine.warnings == [] and fine.required == 0


def test_identification_from_values_alone() -> None:
    from gonghui.assistance.rules import NATIONAL_DEFAULT, exit_due, identify

    result = identify(
        rule=NATIONAL_DEFAULT, area="urban", annual_income=Decimal(36000),
        rigid=Decimal(6000), household_size=4,
    )  # fmt: skip
    assert (result.category, result.per_capita) == ("deep", Decimal("625.00"))
    months = [(dt.date(2026, m, 1), Decimal(2000)) for m in range(1, 7)]
    assert exit_due(months, Decimal(1600)) and not exit_due(months[1:], Decimal(1600))
