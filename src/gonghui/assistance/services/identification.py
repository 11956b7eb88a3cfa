"""困难职工认定 (DOMAIN.md §3): the category from monthly per-capita net income against the rule
in force for the case's org, and the 解困脱困 count. Pure Decimal arithmetic; the rule is data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from gonghui.assistance.models import Area, Category, QualifyingEvent
from gonghui.assistance.models.rules import IdentificationRule
from gonghui.core.inherited import nearest_rule
from gonghui.core.scoping import Actor
from gonghui.orgs.models import PATH_STEP, Org

CENT = Decimal("0.01")
# Share of annual household income above which the year's hardship costs make 意外致困.
ILLNESS_COST_SHARE = Decimal("0.8")
# Consecutive months above the line after which 解困脱困 is proposed (DOMAIN.md §3 example 5).
EXIT_MONTHS = 6


@dataclass(frozen=True)
class Rule:
    """The numbers of a rule and where they came from (shown with every result)."""

    urban_line: Decimal
    rural_line: Decimal
    multiplier: Decimal
    inclusive: bool
    source: str  # the org code, or "" for the national default
    source_name: str
    effective_from: dt.date | None
    rule_id: int | None = None

    def line(self, area: str) -> Decimal:
        return self.rural_line if area == Area.RURAL else self.urban_line


# The national default at the root of every tree, used where no org in the chain set a rule.
# 800 元/月 and × 2 are the lines of DOMAIN.md §3's worked examples; bounds "below" (青岛).
NATIONAL_DEFAULT = Rule(
    urban_line=Decimal("800"),
    rural_line=Decimal("600"),
    multiplier=Decimal("2"),
    inclusive=False,
    source="",
    source_name="全国默认标准",
    effective_from=None,
)


def rule_from_row(row: IdentificationRule) -> Rule:
    return Rule(
        urban_line=row.urban_line,
        rural_line=row.rural_line,
        multiplier=row.relative_multiplier,
        inclusive=row.inclusive,
        source=row.org.code,
        source_name=row.org.name,
        effective_from=row.effective_from,
        rule_id=row.pk,
    )


def ancestor_paths(path: str) -> list[str]:
    """The org's own path and its ancestors' (nearest first)."""
    return [path[:i] for i in range(len(path), 0, -PATH_STEP)]


def rule_for(org_path: str, on: dt.date) -> Rule:
    """The rule in force on ``on`` for an org: its own, else the nearest ancestor's, else the
    national default. Rules are directory-like configuration: readable along the chain."""
    in_force = (
        IdentificationRule.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .select_related("org")
        .order_by("-effective_from")  # an org's newest rule in force wins
    )
    row = nearest_rule(IdentificationRule, org_path, rows=in_force)
    return rule_from_row(row) if row is not None else NATIONAL_DEFAULT


def per_capita_net(annual_income: Decimal, rigid: Decimal, household_size: int) -> Decimal:
    """(家庭年度可支配收入 − 刚性支出) ÷ 12 ÷ 家庭人口, to the fen (half up)."""
    if household_size < 1:
        raise ValueError("household size must be at least 1")
    return ((annual_income - rigid) / 12 / household_size).quantize(CENT, ROUND_HALF_UP)


def below(value: Decimal, bound: Decimal, inclusive: bool) -> bool:
    return value <= bound if inclusive else value < bound


def is_qualifying_event(event: str, event_costs: Decimal, annual_income: Decimal) -> bool:
    """意外致困 is decided by an event, not an income band: a disaster, accident or epidemic,
    or a year's hardship (major illness) costs above 80% of the household's income."""
    if event in (QualifyingEvent.DISASTER, QualifyingEvent.ACCIDENT, QualifyingEvent.EPIDEMIC):
        return True
    if event == QualifyingEvent.ILLNESS:
        return event_costs > annual_income * ILLNESS_COST_SHARE
    return False


@dataclass(frozen=True)
class Identification:
    category: str
    per_capita: Decimal
    rule: Rule
    line: Decimal
    relative_line: Decimal
    steps: Sequence[str]

    def as_json(self) -> dict[str, object]:
        return {
            "category": self.category,
            "per_capita": str(self.per_capita),
            "line": str(self.line),
            "relative_line": str(self.relative_line),
            "multiplier": str(self.rule.multiplier),
            "inclusive": self.rule.inclusive,
            "rule_org": self.rule.source,
            "rule_org_name": self.rule.source_name,
            "rule_from": self.rule.effective_from.isoformat() if self.rule.effective_from else "",
            "rule_id": self.rule.rule_id,
            "steps": list(self.steps),
        }


def identify(
    *,
    rule: Rule,
    area: str,
    annual_income: Decimal,
    rigid: Decimal,
    household_size: int,
    event: str = "",
    event_costs: Decimal = Decimal(0),
) -> Identification:
    """深度 below the 低保 line, 相对 below multiplier × line, else 意外致困 on a qualifying
    event, else not in hardship. "Below" is < or ≤ as the rule says."""
    value = per_capita_net(annual_income, rigid, household_size)
    line = rule.line(area)
    relative_line = (line * rule.multiplier).quantize(CENT, ROUND_HALF_UP)
    sign = "≤" if rule.inclusive else "<"
    steps = [
        _("（%(income)s − %(rigid)s）÷ 12 ÷ %(size)d = %(value)s 元/月")
        % {"income": annual_income, "rigid": rigid, "size": household_size, "value": value},
    ]
    if below(value, line, rule.inclusive):
        category = Category.DEEP
        steps.append(_("%(value)s %(sign)s 低保标准 %(line)s") % locals_(value, sign, line))
    elif below(value, relative_line, rule.inclusive):
        category = Category.RELATIVE
        steps.append(
            _("%(value)s %(sign)s 相对困难标准 %(line)s") % locals_(value, sign, relative_line)
        )
    elif is_qualifying_event(event, event_costs, annual_income):
        category = Category.ACCIDENT
        steps.append(_("收入高于相对困难标准，但有致困事件"))
    else:
        category = Category.NONE
        steps.append(_("收入不低于相对困难标准 %(line)s，且无致困事件") % {"line": relative_line})
    return Identification(category, value, rule, line, relative_line, steps)


def locals_(value: Decimal, sign: str, line: Decimal) -> dict[str, object]:
    return {"value": value, "sign": sign, "line": line}


def category_line(category: str, rule: Rule, area: str) -> Decimal:
    """The line a household of ``category`` must stay above to leave hardship."""
    line = rule.line(area)
    if category == Category.DEEP:
        return line
    return (line * rule.multiplier).quantize(CENT, ROUND_HALF_UP)


def months_above(incomes: Iterable[tuple[dt.date, Decimal]], line: Decimal) -> int:
    """Consecutive months, ending with the latest, whose income is above ``line``; one month at
    or below the line (or a missing month) restarts the count."""
    count = 0
    previous: dt.date | None = None
    for month, value in sorted(incomes):
        contiguous = previous is None or _next_month(previous) == month
        count = (count + 1 if contiguous else 1) if value > line else 0
        previous = month
    return count


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def exit_due(incomes: Iterable[tuple[dt.date, Decimal]], line: Decimal) -> bool:
    return months_above(incomes, line) >= EXIT_MONTHS


def rule_set(
    *,
    actor: Actor,
    org: Org,
    urban_line: Decimal,
    rural_line: Decimal,
    relative_multiplier: Decimal,
    inclusive: bool,
    effective_from: dt.date,
    note: str = "",
) -> IdentificationRule:
    """An org sets its standard from a date (its subtree inherits it); audited."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from gonghui.core.audit import audit_record
    from gonghui.core.scoping import require_capability

    require_capability(actor, "assistance.approve", org.path)
    if urban_line <= 0 or rural_line <= 0 or relative_multiplier < 1:
        raise ValidationError(_("低保标准应大于零，相对困难倍数不小于1"))
    with transaction.atomic():
        if IdentificationRule.objects.filter(org=org, effective_from=effective_from).exists():
            raise ValidationError({"effective_from": _("该日期已有本单位的标准")})
        rule = IdentificationRule.objects.create(
            org=org,
            org_path=org.path,
            urban_line=urban_line,
            rural_line=rural_line,
            relative_multiplier=relative_multiplier,
            inclusive=inclusive,
            effective_from=effective_from,
            note=note,
            created_by=actor,
        )
        audit_record(
            action="assistance.rule.set",
            actor=actor,
            target=rule,
            org_path=org.path,
            after={
                "urban": str(urban_line),
                "rural": str(rural_line),
                "multiplier": str(relative_multiplier),
                "inclusive": inclusive,
                "from": effective_from.isoformat(),
            },
        )
    return rule
