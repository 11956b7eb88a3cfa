"""The rules a congress is held to (DESIGN.md rule 10) and the composition check of DOMAIN.md §5:
rows per org, the nearest up the tree applying, with the national default at the root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core import inherited
from gonghui.core.inherited import nearest_rule
from gonghui.core.scoping import Actor, require_capability
from gonghui.democracy.models import (
    MANAGER_GROUPS,
    CompositionRule,
    CongressKind,
    OccupationGroup,
    Term,
)
from gonghui.members.models import Gender
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


@dataclass(frozen=True)
class Composition:
    in_office: int
    frontline: int
    managers: int
    women: int
    required: int
    warnings: list[str]
    rule: str


def composition_check(term: Term) -> Composition:
    """The delegates in office against the org's rule set; each shortfall is a warning."""
    congress = term.congress
    rule = rule_for(congress.org)
    seats = list(term.delegates.filter(left_on__isnull=True).values_list("group", "gender"))
    n = len(seats)
    frontline = sum(1 for g, _s in seats if g == OccupationGroup.FRONTLINE)
    managers = sum(1 for g, _s in seats if g in MANAGER_GROUPS)
    women = sum(1 for _g, s in seats if s == Gender.FEMALE)
    required = 0
    warnings: list[str] = []
    if congress.kind == CongressKind.REPRESENTATIVE:
        by_share = -(-congress.staff_count * rule.min_staff_pct // 100)
        required = max(rule.min_delegates, by_share)
        if n < required:
            warnings.append(
                _(
                    "在任代表%(n)d名，少于规定的%(req)d名（不少于%(min)d名且不少于职工人数的%(pct)d%%）"
                )
                % {"n": n, "req": required, "min": rule.min_delegates, "pct": rule.min_staff_pct}
            )
    if n and frontline * 100 < n * rule.frontline_min_pct:
        warnings.append(
            _("一线职工代表%(k)d名，占%(share)s，低于%(pct)d%%")
            % {"k": frontline, "share": _pct(frontline, n), "pct": rule.frontline_min_pct}
        )
    if n and managers * 100 > n * rule.managers_max_pct:
        warnings.append(
            _("中层以上管理人员代表%(k)d名，占%(share)s，超过%(pct)d%%")
            % {"k": managers, "share": _pct(managers, n), "pct": rule.managers_max_pct}
        )
    staff, female = congress.staff_count, congress.female_staff_count
    if n and staff and women * 100 * staff < (female * 100 - rule.women_gap_max_pct * staff) * n:
        warnings.append(
            _("女代表%(k)d名，占%(share)s，与女职工占职工总数的%(staff)s不相适应")
            % {"k": women, "share": _pct(women, n), "staff": _pct(female, staff)}
        )
    return Composition(n, frontline, managers, women, required, warnings, rule.label)


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"
