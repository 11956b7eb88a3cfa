"""The 职代会 rules, pure (DESIGN.md rule 10, DOMAIN.md §5): the 2/3 quorum, the votes a motion
needs, and the delegates' composition against a rule's numbers. Values in, a decision and its
reasons out: no database reads or writes (the services count the rows and pass the numbers)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _

from gonghui.democracy.models import MANAGER_GROUPS, OccupationGroup
from gonghui.members.models import Gender

# --- quorum and votes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    in_office: int
    present: int
    needed: int
    can_sit: bool
    frozen: bool  # the base was fixed when the session opened


def quorum(in_office: int, present: int, *, frozen: bool = False) -> Quorum:
    """三分之二以上 (≥ 2/3, 以上 inclusive) of the delegates in office.

    Integer arithmetic, no rounding: ``present * 3 >= in_office * 2`` (90 → 60 may sit, 59 not).
    """
    needed = -(-in_office * 2 // 3)
    return Quorum(
        in_office, present, needed, in_office > 0 and present * 3 >= in_office * 2, frozen
    )


def needed_votes(pass_rule: str, in_office: int) -> int:
    """过半数: more than half (90 → 46); 半数以上: at least half (90 → 45). Integers only."""
    if pass_rule == "at_least_half":
        return (in_office + 1) // 2
    return in_office // 2 + 1


# --- composition ---------------------------------------------------------------------------------


class CompositionNumbers(Protocol):
    """The numbers of a composition rule (a ``CompositionRule`` row, stored or built-in)."""

    min_delegates: int
    min_staff_pct: int
    frontline_min_pct: int
    managers_max_pct: int
    women_gap_max_pct: int


@dataclass(frozen=True)
class Composition:
    in_office: int
    frontline: int
    managers: int
    women: int
    required: int
    warnings: list[str]
    rule: str


def composition(
    seats: Iterable[tuple[str, str]],
    rule: CompositionNumbers,
    *,
    representative: bool,
    staff_count: int,
    female_staff_count: int,
    rule_label: str = "",
) -> Composition:
    """The delegates in office, as (occupation group, gender) pairs, against a rule's numbers;
    each shortfall is a warning. ``representative``: a 代表大会 (a 全体职工大会 has no minimum)."""
    seats = list(seats)
    n = len(seats)
    frontline = sum(1 for g, _s in seats if g == OccupationGroup.FRONTLINE)
    managers = sum(1 for g, _s in seats if g in MANAGER_GROUPS)
    women = sum(1 for _g, s in seats if s == Gender.FEMALE)
    required = 0
    warnings: list[str] = []
    if representative:
        by_share = -(-staff_count * rule.min_staff_pct // 100)
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
    staff, female = staff_count, female_staff_count
    if n and staff and women * 100 * staff < (female * 100 - rule.women_gap_max_pct * staff) * n:
        warnings.append(
            _("女代表%(k)d名，占%(share)s，与女职工占职工总数的%(staff)s不相适应")
            % {"k": women, "share": _pct(women, n), "staff": _pct(female, staff)}
        )
    return Composition(n, frontline, managers, women, required, warnings, rule_label)


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"
