"""The rules a congress is held to (DESIGN.md rule 10) and the composition check of DOMAIN.md §5:
rows per org, the nearest up the tree applying, with the national default at the root."""

from __future__ import annotations

from typing import Any

from gonghui.core import inherited
from gonghui.core.inherited import nearest_rule
from gonghui.core.scoping import Actor, require_capability
from gonghui.democracy.models import (
    CompositionRule,
    CongressKind,
    Term,
)
from gonghui.democracy.rules import Composition, composition
from gonghui.orgs.models import Org

MANAGE = "democracy.manage"


def rule_for(org: Org) -> CompositionRule:
    """The nearest rule up the tree, else the stored national default, else the built-in one."""
    return (
        nearest_rule(CompositionRule, org.path)
        or CompositionRule.objects.filter(org__isnull=True).first()
        or CompositionRule()
    )


def rule_save(*, actor: Actor, org: Org, **values: Any) -> CompositionRule:
    # Federations set rules for their subtree without running congresses: orgs.manage suffices.
    if not actor.has_capability("orgs.manage", org.path):
        require_capability(actor, MANAGE, org.path)
    return inherited.rule_save(
        CompositionRule, actor=actor, org=org, action="democracy.rule.saved", values=values
    )


# --- composition ---------------------------------------------------------------------------------


def composition_check(term: Term) -> Composition:
    """The delegates in office against the org's rule set (the arithmetic in
    ``democracy.rules.composition``)."""
    congress = term.congress
    rule = rule_for(congress.org)
    seats = term.delegates.filter(left_on__isnull=True).values_list("group", "gender")
    return composition(
        seats,
        rule,
        representative=congress.kind == CongressKind.REPRESENTATIVE,
        staff_count=congress.staff_count,
        female_staff_count=congress.female_staff_count,
        rule_label=rule.label,
    )
