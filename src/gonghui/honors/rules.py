"""Pure rules of the selection engine (DOMAIN.md §4): the composition of a list, quotas and
their cascade, eligibility, the 公示 gate before approval, certificate numbers. Each returns a
decision and its reasons; the rows they need are passed in by services and selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# --- after the award (hon2): term, annual assessment, care, revocation, reminders ----------------
# Every number here is data passed in (DOMAIN.md §4: the 5-year review and the allowance rates
# are local practice); the defaults below are the example rows of the issue (江苏, 60 %, 2 years).

# 民主评议 grades that count as satisfied (优秀 + 称职), as the ballot engine's appraisal reports.
SATISFIED_GRADES = ("E", "C")
DEFAULT_WARNING_PCT = Decimal("60")
DEFAULT_CONSECUTIVE_YEARS = 2
DEFAULT_REMINDER_DAYS = 90
# 工人退休暂行办法 §4: a 劳模's pension may be 5–15 % above the standard.
PENSION_SUPPLEMENT_RANGE = (Decimal("5"), Decimal("15"))
# 江苏: yearly help of 500–2000 yuan for a 困难劳模 (DOMAIN.md §4).
HARDSHIP_HELP_RANGE = (Decimal("500"), Decimal("2000"))


@dataclass(frozen=True)
class Decision:
    """A rule's answer with the reasons a page shows beside it."""

    code: str
    reasons: tuple[str, ...] = field(default_factory=tuple)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February falls on 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def satisfaction_pct(grades: Mapping[str, int]) -> Decimal | None:
    """(优秀 + 称职) ÷ all graded votes, in percent to one decimal; None with no vote."""
    total = sum(grades.values())
    if not total:
        return None
    satisfied = sum(grades.get(code, 0) for code in SATISFIED_GRADES)
    return (Decimal(satisfied) * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Thresholds:
    """A province's assessment thresholds (data): below ``warning_pct`` is a warning;
    ``consecutive_years`` years below in a row propose revocation."""

    warning_pct: Decimal = DEFAULT_WARNING_PCT
    consecutive_years: int = DEFAULT_CONSECUTIVE_YEARS
    source: str = ""


VERDICT_PASS = "pass"
VERDICT_WARNING = "warning"
VERDICT_PROPOSE_REVOCATION = "propose_revocation"


def assessment_verdict(
    *,
    year: int,
    pct: Decimal | None,
    earlier: Mapping[int, Decimal | None],
    thresholds: Thresholds,
) -> Decision:
    """The verdict of ``year``'s assessment given the earlier years' satisfaction (year → pct).

    Below the line is a warning; the run of years below ending with this one (calendar years
    without a gap: a year with no assessment breaks the run) reaching ``consecutive_years``
    proposes revocation. No vote (``pct`` None) cannot be judged: it passes with that reason."""
    if pct is None:
        return Decision(VERDICT_PASS, (_("本年度民主评议无有效票，不作判定"),))
    line = thresholds.warning_pct
    if pct >= line:
        return Decision(
            VERDICT_PASS,
            (_("满意率 %(pct)s%% 不低于 %(line)s%%") % {"pct": pct, "line": line},),
        )
    run = 1
    while run < thresholds.consecutive_years:
        previous = earlier.get(year - run)
        if previous is None or previous >= line:
            break
        run += 1
    reasons = [_("满意率 %(pct)s%% 低于 %(line)s%%") % {"pct": pct, "line": line}]
    if run >= thresholds.consecutive_years:
        reasons.append(_("连续 %(n)d 年低于 %(line)s%%，提请撤销称号") % {"n": run, "line": line})
        return Decision(VERDICT_PROPOSE_REVOCATION, tuple(reasons))
    reasons.append(_("予以警示"))
    return Decision(VERDICT_WARNING, tuple(reasons))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    first = month_start(day)
    return (first + dt.timedelta(days=32)).replace(day=1)


def allowance_first_month(conferred_on: dt.date) -> dt.date:
    """An allowance is paid from the month after the title is conferred (次月起发放)."""
    return next_month(conferred_on)


def allowance_stop_month(decision_on: dt.date) -> dt.date:
    """Benefits stop from the decision date: the month of the decision is the last one paid,
    the allowance stops from the next month on (撤销、期满不再确认)."""
    return next_month(decision_on)


def allowance_amount(level_key: str, rates: Mapping[str, Decimal]) -> Decision:
    """The monthly allowance of a title's level from the province's table (data: 江苏 100 / 80 /
    60 yuan a month for 全国 / 省 / 市); code is the amount, or "" when the level has none."""
    amount = rates.get(level_key)
    if amount is None or amount <= 0:
        return Decision("", (_("该级别未设荣誉津贴"),))
    return Decision(str(amount.quantize(Decimal("0.01"))), (_("按本省荣誉津贴标准"),))


def allowance_due(
    *,
    month: dt.date,
    conferred_on: dt.date,
    stop_month: dt.date | None,
) -> Decision:
    """Whether the allowance of ``month`` (its first day) is owed to a holder."""
    month = month_start(month)
    first = allowance_first_month(conferred_on)
    if month < first:
        return Decision("", (_("%(m)s 起发放") % {"m": first.strftime("%Y-%m")},))
    if stop_month is not None and month >= stop_month:
        return Decision("", (_("自 %(m)s 起停发") % {"m": stop_month.strftime("%Y-%m")},))
    return Decision("due")


def reminder_date(term_ends_on: dt.date, days_ahead: int = DEFAULT_REMINDER_DAYS) -> dt.date:
    return term_ends_on - dt.timedelta(days=days_ahead)


def reminder_due(
    *, term_ends_on: dt.date | None, today: dt.date, days_ahead: int = DEFAULT_REMINDER_DAYS
) -> bool:
    """From ``days_ahead`` days before the term ends until it ends, the union is reminded."""
    if term_ends_on is None:
        return False
    return reminder_date(term_ends_on, days_ahead) <= today < term_ends_on


def in_range(value: Decimal, bounds: tuple[Decimal, Decimal]) -> bool:
    low, high = bounds
    return low <= value <= high


# The annual evaluation rubric of an innovation studio (points per item, 100 in all) and the
# grade bands; item codes are what the evaluation form records.
STUDIO_RUBRIC: tuple[tuple[str, str | Promise, int], ...] = (
    ("innovation", gettext_lazy("技术革新与攻关成果"), 30),
    ("patents", gettext_lazy("专利与标准"), 20),
    ("suggestions", gettext_lazy("合理化建议采纳"), 15),
    ("savings", gettext_lazy("创造经济效益"), 15),
    ("apprentices", gettext_lazy("带徒传技"), 20),
)
STUDIO_BANDS = ((Decimal("90"), "excellent"), (Decimal("75"), "good"), (Decimal("60"), "pass"))


def studio_score(points: Mapping[str, Decimal]) -> Decision:
    """The rubric's total and band; a point above an item's maximum is refused (ValueError)."""
    total = Decimal(0)
    for code, _label, maximum in STUDIO_RUBRIC:
        value = points.get(code, Decimal(0))
        if value < 0 or value > maximum:
            raise ValueError(code)
        total += value
    band = next((name for floor, name in STUDIO_BANDS if total >= floor), "fail")
    return Decision(band, (str(total),))
