"""Pure rules of the honours module: values in, a decision and its reasons out (no database)."""

from __future__ import annotations

# --- after the award (hon2): term, annual assessment, care, revocation, reminders ----------------
# Every number here is data passed in (DOMAIN.md §4: the 5-year review and the allowance rates
# are local practice); the defaults below are the example rows of the issue (江苏, 60 %, 2 years).
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

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


def term_end(conferred_on: dt.date, term_years: int | None) -> dt.date | None:
    """The end of the management term (非终身制); None for a title held for life."""
    if term_years is None:
        return None
    if term_years < 1:
        raise ValueError("a management term is at least one year")
    return add_years(conferred_on, term_years)


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
STUDIO_RUBRIC: tuple[tuple[str, str, int], ...] = (
    ("innovation", "技术革新与攻关成果", 30),
    ("patents", "专利与标准", 20),
    ("suggestions", "合理化建议采纳", 15),
    ("savings", "创造经济效益", 15),
    ("apprentices", "带徒传技", 20),
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
