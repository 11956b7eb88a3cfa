"""Pure rules of the selection engine (DOMAIN.md §4): the composition of a list, quotas and
their cascade, eligibility, the 公示 gate before approval, certificate numbers. Each returns a
decision and its reasons; the rows they need are passed in by services and selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Candidate:
    """What the composition rules count of one candidate."""

    female: bool = False
    enterprise: bool = False
    front_line: bool = False
    enterprise_head: bool = False
    farmer: bool = False
    migrant_worker: bool = False


@dataclass(frozen=True)
class Shares:
    """A cycle's composition rule, in percent; None = no rule on that share."""

    enterprise_min: Decimal | None = None
    front_line_min: Decimal | None = None
    heads_max: Decimal | None = None
    farmers_min: Decimal | None = None
    migrant_min: Decimal | None = None
    women_min: Decimal | None = None


@dataclass(frozen=True)
class ShareLine:
    code: str
    label: str
    count: int
    base: int
    percent: Decimal
    bound: Decimal
    at_least: bool
    holds: bool


@dataclass(frozen=True)
class Composition:
    lines: list[ShareLine] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return all(line.holds for line in self.lines)

    @property
    def reasons(self) -> list[str]:
        return [
            _("%(label)s为%(pct)s%%，要求%(op)s%(bound)s%%")
            % {
                "label": line.label,
                "pct": line.percent,
                "op": _("不低于") if line.at_least else _("不高于"),
                "bound": line.bound,
            }
            for line in self.lines
            if not line.holds
        ]

    def as_dict(self) -> dict[str, object]:
        return {
            "holds": self.holds,
            "lines": [
                {
                    "code": line.code,
                    "count": line.count,
                    "base": line.base,
                    "percent": str(line.percent),
                    "bound": str(line.bound),
                    "holds": line.holds,
                }
                for line in self.lines
            ],
        }


def _percent(count: int, base: int) -> Decimal:
    if base == 0:
        return Decimal(0)
    return (Decimal(count) * HUNDRED / Decimal(base)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def composition_check(candidates: Sequence[Candidate], shares: Shares) -> Composition:
    """The list's shares against the cycle's rule. A share whose base is empty (no enterprise
    picks, no farmers) holds vacuously: the rule is about the picks of that kind."""
    total = len(candidates)
    enterprise = [c for c in candidates if c.enterprise]
    farmers = [c for c in candidates if c.farmer]
    specs: list[tuple[str, str, int, int, Decimal | None, bool]] = [
        (
            "enterprise",
            _("企业职工占比"),
            len(enterprise),
            total,
            shares.enterprise_min,
            True,
        ),
        (
            "front_line",
            _("一线职工占企业人选比例"),
            sum(c.front_line for c in enterprise),
            len(enterprise),
            shares.front_line_min,
            True,
        ),
        (
            "heads",
            _("企业负责人占比"),
            sum(c.enterprise_head for c in candidates),
            total,
            shares.heads_max,
            False,
        ),
        ("farmers", _("农民占比"), len(farmers), total, shares.farmers_min, True),
        (
            "migrant",
            _("农民工占农民人选比例"),
            sum(c.migrant_worker for c in farmers),
            len(farmers),
            shares.migrant_min,
            True,
        ),
        (
            "women",
            _("女性占比"),
            sum(c.female for c in candidates),
            total,
            shares.women_min,
            True,
        ),
    ]
    lines = []
    for code, label, count, base, bound, at_least in specs:
        if bound is None:
            continue
        pct = _percent(count, base)
        if base == 0:
            holds = True
        elif at_least:
            holds = Decimal(count) * HUNDRED >= bound * base
        else:
            holds = Decimal(count) * HUNDRED <= bound * base
        lines.append(ShareLine(code, label, count, base, pct, bound, at_least, holds))
    return Composition(lines)


SHARE_FIELDS = (
    "enterprise_min",
    "front_line_min",
    "heads_max",
    "farmers_min",
    "migrant_min",
    "women_min",
)
CANDIDATE_FLAGS = ("enterprise", "front_line", "enterprise_head", "farmer", "migrant_worker")


def shares_of(rule: Any) -> Shares:
    """A composition rule row's shares (None: the cycle has no rule)."""
    if rule is None:
        return Shares()
    return Shares(**{name: getattr(rule, name) for name in SHARE_FIELDS})


def candidate_of(nomination: Any) -> Candidate:
    return Candidate(
        female=nomination.gender == "F",
        **{flag: bool(getattr(nomination, flag)) for flag in CANDIDATE_FLAGS},
    )


def composition_for(rule: Any, listed: Iterable[Any]) -> Composition:
    """The check of a list of candidates against a cycle's rule row."""
    return composition_check([candidate_of(n) for n in listed], shares_of(rule))


def quota_refusal(seats: int | None, listed: int) -> str | None:
    """A level recommends upward within its quota (None: no quota row, no bound here)."""
    if seats is not None and listed > seats:
        return _("推荐%(n)d人，超出推荐名额%(seats)d名") % {"n": listed, "seats": seats}
    if listed == 0:
        return _("推荐名单为空")
    return None


def cascade_refusal(own_seats: int, given: Iterable[int]) -> str | None:
    """The seats an org gives its children never exceed its own."""
    total = sum(given)
    if total > own_seats:
        return _("分配给下级的名额合计%(total)d名，超出本级名额%(own)d名") % {
            "total": total,
            "own": own_seats,
        }
    return None


def eligibility_refusals(
    *,
    requires_membership: bool,
    is_member_in_good_standing: bool,
    national: bool,
    already_holds_same: bool,
    already_nominated: bool,
) -> list[str]:
    reasons = []
    if requires_membership and not is_member_in_good_standing:
        reasons.append(_("该荣誉须授予会籍正常的工会会员"))
    if national and already_holds_same:
        reasons.append(_("同一人不能重复获得同一项全国性荣誉"))
    if already_nominated:
        reasons.append(_("该人选已在本次评选中被推荐"))
    return reasons


def approval_refusals(
    *, unanswered_objections: int, publicity_end: dt.date | None, today: dt.date
) -> list[str]:
    """The conferring level approves only after 公示 has run its course and every objection
    received has an answer."""
    reasons = []
    if publicity_end is None or today <= publicity_end:
        reasons.append(_("公示期未满，不能审批"))
    if unanswered_objections:
        reasons.append(
            _("尚有%(n)d条公示异议未答复，须逐条核查答复后方可审批") % {"n": unanswered_objections}
        )
    return reasons


def certificate_number(prefix: str, year: int, seq: int) -> str:
    """证书编号: the award's code, the year and a 4-digit serial (GH-LM-2025-0001)."""
    return f"{prefix.upper()}-{year}-{seq:04d}"


def term_end(conferred_on: dt.date, term_years: int | None) -> dt.date | None:
    """The end of a title's management term (非终身制); None = held for life."""
    if not term_years:
        return None
    try:
        return conferred_on.replace(year=conferred_on.year + term_years)
    except ValueError:  # 29 February
        return conferred_on.replace(year=conferred_on.year + term_years, day=28)
