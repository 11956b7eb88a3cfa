"""Pure rules of the governance app: each returns a decision and its reasons, reads nothing.

Blocks: the formation, committee size, terms and election rules (gov); the dues, 经费 and
自动退会 rules (dues). Numbers that an installation may set (quorum, 差额 rate, the longest
postponement) come in as arguments from the ``ElectionRule`` row in force; the statutory ones
(the 25-member line, the size bands, the term lengths) are the tables below."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# --- formation (工会法 第十一条) ---------------------------------------------------------------

FORMATION_THRESHOLD = 25


@dataclass(frozen=True)
class Formation:
    must_form: bool
    options: tuple[str, ...]
    reason: str


def formation(member_count: int) -> Formation:
    """25 or more members: must form a 基层工会委员会; fewer: may form one, join a 联合基层工会,
    or elect one 组织员 (工会法 第十一条)."""
    if member_count >= FORMATION_THRESHOLD:
        return Formation(
            True,
            (_("建立基层工会委员会"),),
            _("会员二十五人以上，应当建立基层工会委员会（工会法第十一条）"),
        )
    return Formation(
        False,
        (_("单独建立基层工会委员会"), _("与其他单位联合建立基层工会委员会"), _("选举组织员一人")),
        _(
            "会员不足二十五人，可以单独或联合建立基层工会委员会，也可以选举组织员一人（工会法第十一条）"
        ),
    )


# --- committee size (工会基层组织选举工作条例 第八条) -------------------------------------------


@dataclass(frozen=True)
class SizeBand:
    low: int  # members, inclusive
    high: int  # members, inclusive
    min_seats: int
    max_seats: int
    single_allowed: bool  # one 主席 or 组织员 instead of a committee


# DOMAIN.md §2.5. Above the last band the rule sets no figure: the upper union decides.
SIZE_BANDS: tuple[SizeBand, ...] = (
    SizeBand(0, 24, 3, 5, True),
    SizeBand(25, 200, 3, 7, False),
    SizeBand(201, 1000, 7, 15, False),
    SizeBand(1001, 5000, 15, 21, False),
    SizeBand(5001, 10000, 21, 29, False),
    SizeBand(10001, 50000, 29, 37, False),
)
SIZE_RULE = "工会基层组织选举工作条例第八条"


def size_band(member_count: int) -> SizeBand | None:
    for band in SIZE_BANDS:
        if band.low <= member_count <= band.high:
            return band
    return None


@dataclass(frozen=True)
class SizeCheck:
    ok: bool
    band: SizeBand | None
    reasons: tuple[str, ...]


def committee_size_check(member_count: int, seats: int) -> SizeCheck:
    """Is a main committee of ``seats`` the size the rule sets for ``member_count`` members?"""
    band = size_band(member_count)
    if band is None:
        return SizeCheck(
            True,
            None,
            (_("会员五万人以上，委员名额由上级工会确定（%(rule)s）") % {"rule": SIZE_RULE},),
        )
    if band.min_seats <= seats <= band.max_seats or (band.single_allowed and seats == 1):
        return SizeCheck(True, band, ())
    if band.single_allowed:
        text = _(
            "会员%(n)d人，委员会应为%(lo)d至%(hi)d人，或只设主席或组织员一人，现为%(s)d人（%(rule)s）"
        )
    else:
        text = _("会员%(n)d人，委员会应为%(lo)d至%(hi)d人，现为%(s)d人（%(rule)s）")
    return SizeCheck(
        False,
        band,
        (
            text
            % {
                "n": member_count,
                "lo": band.min_seats,
                "hi": band.max_seats,
                "s": seats,
                "rule": SIZE_RULE,
            },
        ),
    )


# --- terms (工会法 第十六条) --------------------------------------------------------------------

GRASSROOTS_TERMS = (3, 5)
FEDERATION_TERMS = (5,)  # 地方总工会 and 产业工会


@dataclass(frozen=True)
class TermDecision:
    ok: bool
    due_on: dt.date | None
    reason: str


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February falls on the 28th in a common year."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_decision(*, grassroots: bool, years: int, took_office_on: dt.date) -> TermDecision:
    """A grassroots committee serves 3 or 5 years, a 地方/产业 committee 5 (工会法 第十六条);
    any other length is refused. The next election is due when the term ends."""
    allowed = GRASSROOTS_TERMS if grassroots else FEDERATION_TERMS
    if years not in allowed:
        reason = (
            _("基层工会委员会每届任期三年或者五年（工会法第十六条）")
            if grassroots
            else _("地方总工会和产业工会委员会每届任期五年（工会法第十六条）")
        )
        return TermDecision(False, None, reason)
    return TermDecision(True, add_years(took_office_on, years), "")


def reminder_from(due_on: dt.date, months_ahead: int) -> dt.date:
    """The day reminders of the coming 换届 start: ``months_ahead`` before it is due."""
    return add_months(due_on, -months_ahead)


def postponement_decision(
    *, due_on: dt.date, until: dt.date, max_months: int, already_until: dt.date | None = None
) -> TermDecision:
    """A 换届 may be put off, with the upper union's approval, at most ``max_months`` past the
    term's end in all (a second postponement does not restart the clock)."""
    limit = add_months(due_on, max_months)
    if until <= (already_until or due_on):
        return TermDecision(False, None, _("延期后的换届日期须晚于现定日期"))
    if until > limit:
        return TermDecision(
            False,
            None,
            _("延期换届最长%(m)d个月，最迟至%(limit)s") % {"m": max_months, "limit": limit},
        )
    return TermDecision(True, until, "")


# --- elections (选举办法) -----------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumCheck:
    can_count: bool
    needed: int
    reason: str


def election_quorum(*, entitled: int, present: int, num: int, den: int) -> QuorumCheck:
    """须有应到会员（代表）``num``/``den`` 以上出席方可进行 (以上 inclusive, integers only)."""
    needed = -(-entitled * num // den)
    if entitled > 0 and present * den >= entitled * num:
        return QuorumCheck(True, needed, "")
    return QuorumCheck(
        False,
        needed,
        _("应到%(e)d人，实到%(p)d人，不足%(n)d人，选举无效，不能计票")
        % {"e": entitled, "p": present, "n": needed},
    )


def surplus_check(*, candidates: int, seats: int, min_pct: int) -> tuple[bool, str]:
    """差额选举: candidates exceed seats by at least ``min_pct`` % of the seats (rounded up,
    at least one more candidate than seats)."""
    extra = max(1, -(-seats * min_pct // 100))
    if candidates >= seats + extra:
        return True, ""
    return False, _("应选%(s)d名，差额不少于%(p)d%%，候选人至少%(c)d名，现有%(n)d名") % {
        "s": seats,
        "p": min_pct,
        "c": seats + extra,
        "n": candidates,
    }


@dataclass(frozen=True)
class ElectionOutcome:
    elected: tuple[str, ...]
    runoff: tuple[str, ...]  # tied at the last seat: 另行选举 among them
    runoff_seats: int
    not_elected: tuple[str, ...]


def election_outcome(
    votes: Sequence[tuple[str, int]], *, seats: int, entitled: int
) -> ElectionOutcome:
    """Those with more than half of the votes of those entitled (应到) are elected, most votes
    first, up to ``seats``; when candidates over the line tie for the last seats, none of the
    tied is elected and the tie goes to 另行选举 for the seats left."""
    over = sorted(
        [(code, n) for code, n in votes if n * 2 > entitled], key=lambda row: row[1], reverse=True
    )
    if len(over) <= seats or over[seats][1] < over[seats - 1][1]:
        elected = tuple(code for code, _n in over[:seats])
        return ElectionOutcome(
            elected, (), 0, tuple(code for code, _n in votes if code not in elected)
        )
    cut = over[seats - 1][1]
    sure = tuple(code for code, n in over if n > cut)
    tied = tuple(code for code, n in over if n == cut)
    out = tuple(code for code, _n in votes if code not in sure and code not in tied)
    return ElectionOutcome(sure, tied, seats - len(sure), out)


# --- 会费, 工会经费, 经审 (helper `dues`) --------------------------------------------------------
CENT = Decimal("0.01")
# 工发[1978]101号: 0.5 % of the monthly wage, "工资尾数不足十元的不计交会费".
DUES_RATE = Decimal("0.005")
DUES_TAIL = Decimal("10")
# 工会法 第四十三条(二): 2 % of the employer's monthly payroll (全部职工工资总额).
FUNDS_RATE = Decimal("0.02")
# 章程: "连续六个月不交纳会费、不参加工会组织生活，经教育拒不改正，应当视为自动退会".
AUTO_WITHDRAWAL_MONTHS = 6


class UnitKind:
    """How the dues base is read from a wage, by the kind of unit (DOMAIN.md §2.3)."""

    ENTERPRISE = "enterprise"
    GOVERNMENT = "government"  # 机关
    INSTITUTION = "institution"  # 事业单位


class StaffKind:
    CADRE = "cadre"  # 干部 / 管理、专业技术人员
    WORKER = "worker"  # 工人 (机关、事业单位的工勤人员)


class WagePart:
    """The parts of a monthly wage a payroll may list (codes of the import's columns)."""

    WAGE = "wage"  # 企业: 月工资收入 (标准工资), without the exempt parts below
    POST = "post"  # 职务工资
    LEVEL = "level"  # 级别工资
    BASIC = "basic"  # 基础工资
    SENIORITY = "seniority"  # 工龄工资
    GRADE = "grade"  # 等级工资
    POSITION = "position"  # 岗位工资
    BONUS = "bonus"  # 奖金
    ALLOWANCE = "allowance"  # 津贴
    SUBSIDY = "subsidy"  # 补贴
    OTHER = "other"  # 稿费, 退休金, 离职金 ...


# 1994 全总财务部: the parts that make the base in 机关 and 事业单位; an enterprise's base is the
# wage itself. Bonuses, allowances and subsidies are never in it (工发[1978]101号).
DUES_BASE_PARTS: dict[tuple[str, str], tuple[str, ...]] = {
    (UnitKind.ENTERPRISE, StaffKind.CADRE): (WagePart.WAGE,),
    (UnitKind.ENTERPRISE, StaffKind.WORKER): (WagePart.WAGE,),
    (UnitKind.GOVERNMENT, StaffKind.CADRE): (
        WagePart.POST,
        WagePart.LEVEL,
        WagePart.BASIC,
        WagePart.SENIORITY,
    ),
    (UnitKind.INSTITUTION, StaffKind.CADRE): (WagePart.POST, WagePart.GRADE),
    (UnitKind.GOVERNMENT, StaffKind.WORKER): (WagePart.POSITION, WagePart.GRADE),
    (UnitKind.INSTITUTION, StaffKind.WORKER): (WagePart.POSITION, WagePart.GRADE),
}

_OWNERSHIP_UNIT = {"government": UnitKind.GOVERNMENT, "institution": UnitKind.INSTITUTION}


def unit_kind_of(ownership: str) -> str:
    """An employer's 经济类型 (orgs.OwnershipType value) → the dues rule's unit kind."""
    return _OWNERSHIP_UNIT.get(ownership, UnitKind.ENTERPRISE)


@dataclass(frozen=True)
class DuesDecision:
    """A member's dues for one month and why."""

    base: Decimal  # the wage base before the tail is dropped
    counted: Decimal  # the base without the tail under 10 yuan
    amount: Decimal
    included: tuple[str, ...]
    excluded: tuple[str, ...]
    reasons: tuple[str, ...] = field(default_factory=tuple)


def dues_base(unit_kind: str, staff_kind: str, parts: Mapping[str, Decimal]) -> DuesDecision:
    """The wage base (no amount yet) from the wage's parts by the unit's rule."""
    key = (unit_kind, staff_kind if unit_kind != UnitKind.ENTERPRISE else StaffKind.CADRE)
    try:
        included_codes = DUES_BASE_PARTS[key]
    except KeyError:
        raise ValueError(f"no dues base rule for {key}") from None
    negative = [code for code, value in parts.items() if value < 0]
    if negative:
        raise ValueError(f"negative wage parts {negative}")
    included = tuple(c for c in included_codes if c in parts)
    excluded = tuple(c for c in parts if c not in included_codes and parts[c])
    base = sum((Decimal(parts[c]) for c in included), Decimal(0)).quantize(CENT)
    return DuesDecision(base, base, Decimal(0), included, excluded)


def dues_amount(base: Decimal) -> tuple[Decimal, Decimal]:
    """(counted base, dues): the tail under 10 yuan is not counted, then 0.5 % to the fen.

    3009.99 → 3000 → 15.00; 3010.00 → 3010 → 15.05 (0.5 % of a multiple of 10 is a multiple
    of 0.05, so no rounding ever happens)."""
    if base < 0:
        raise ValueError("negative wage base")
    counted = (base / DUES_TAIL).to_integral_value(ROUND_DOWN) * DUES_TAIL
    return counted, (counted * DUES_RATE).quantize(CENT, ROUND_HALF_UP)


def member_dues(
    *, unit_kind: str, staff_kind: str, parts: Mapping[str, Decimal], retained: bool
) -> DuesDecision:
    """A member's dues of a month. 保留会籍 owe nothing (章程: "保留会籍期间免交会费")."""
    found = dues_base(unit_kind, staff_kind, parts)
    if retained:
        return DuesDecision(
            found.base,
            Decimal(0),
            Decimal(0),
            found.included,
            found.excluded,
            (_("保留会籍期间免交会费"),),
        )
    counted, amount = dues_amount(found.base)
    # The reason is stored and shown in plain text: it names the rule and the amount, never
    # the wage (which is encrypted at rest).
    reasons = [
        _("按会费基数（工资尾数不足十元不计）的 0.5%% 计 %(amount)s 元") % {"amount": amount}
    ]
    if found.excluded:
        reasons.append(_("奖金、津贴、补贴等不计入会费基数"))
    return DuesDecision(found.base, counted, amount, found.included, found.excluded, tuple(reasons))


def funds_due(payroll_total: Decimal) -> Decimal:
    """工会经费: 2 % of the month's payroll total, to the fen (half up)."""
    if payroll_total < 0:
        raise ValueError("negative payroll")
    return (payroll_total * FUNDS_RATE).quantize(CENT, ROUND_HALF_UP)


# --- months ----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month_start(month) - dt.timedelta(days=1)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Whole months from ``first``'s month to ``last``'s (same month → 0)."""
    return (last.year - first.year) * 12 + last.month - first.month


# --- 自动退会 ----------------------------------------------------------------------------------


def unpaid_streak(owed: Mapping[dt.date, bool], through: dt.date) -> int:
    """Consecutive months without dues ending at ``through``'s month. ``owed`` maps each month
    the member owed dues (first of the month) to whether they were paid; a month not owed
    (保留会籍, before joining) or a paid one ends the streak."""
    month, streak = month_start(through), 0
    while month in owed and not owed[month]:
        streak += 1
        month = previous_month(month)
    return streak


@dataclass(frozen=True)
class WithdrawalDecision:
    applies: bool
    streak: int
    reasons: tuple[str, ...]


def auto_withdrawal(
    *, streak: int, participated: bool, education_refused: bool
) -> WithdrawalDecision:
    """视为自动退会 only when all three hold: six or more consecutive months without dues, no
    part in union life over them, and refusal after education recorded."""
    missing = []
    if streak < AUTO_WITHDRAWAL_MONTHS:
        missing.append(
            _("连续未交会费 %(n)d 个月，不足 %(need)d 个月")
            % {"n": streak, "need": AUTO_WITHDRAWAL_MONTHS}
        )
    if participated:
        missing.append(_("期间参加过工会组织生活"))
    if not education_refused:
        missing.append(_("未记录经教育拒不改正"))
    if missing:
        return WithdrawalDecision(False, streak, tuple(missing))
    return WithdrawalDecision(
        True,
        streak,
        (
            _("连续 %(n)d 个月未交会费、未参加工会组织生活，经教育拒不改正，视为自动退会")
            % {"n": streak},
        ),
    )


# --- 留成/上解: the split between levels -------------------------------------------------------


@dataclass(frozen=True)
class SplitShare:
    level: str
    percent: Decimal
    amount: Decimal


def level_split(amount: Decimal, percents: Iterable[tuple[str, Decimal]]) -> list[SplitShare]:
    """``amount`` split by the rule's (level, percent) rows, the first row being the union's
    own 留成: each upper share is rounded down to the fen and the fen left over stay with the
    union, so the shares always add up to the amount received."""
    rows = list(percents)
    if not rows:
        raise ValueError("a split needs at least one level")
    if sum((p for _level, p in rows), Decimal(0)) != Decimal(100):
        raise ValueError("a split's percentages must add up to 100")
    if any(p < 0 for _level, p in rows):
        raise ValueError("negative percentage")
    upper = [
        SplitShare(level, percent, (amount * percent / 100).quantize(CENT, ROUND_DOWN))
        for level, percent in rows[1:]
    ]
    own_level, own_percent = rows[0]
    kept = amount - sum((s.amount for s in upper), Decimal(0))
    return [SplitShare(own_level, own_percent, kept), *upper]


# --- 经费 arrears: ageing, 催缴, 支付令 ----------------------------------------------------------

# Days after the month's end by which the 2 % is due (data: a province may set its own).
FUNDS_DUE_DAYS = 15
AGEING_BANDS = ((90, "0-3"), (180, "3-6"), (365, "6-12"))


def funds_due_date(month: dt.date, due_days: int = FUNDS_DUE_DAYS) -> dt.date:
    """The day the month's 经费 falls due: ``due_days`` after the month ends."""
    next_month = (month_start(month) + dt.timedelta(days=32)).replace(day=1)
    return next_month + dt.timedelta(days=due_days - 1)


def ageing_band(due_on: dt.date, today: dt.date) -> str:
    """ "" when not yet overdue; else the band of days overdue ("0-3" months … "12+")."""
    days = (today - due_on).days
    if days <= 0:
        return ""
    for limit, band in AGEING_BANDS:
        if days <= limit:
            return band
    return "12+"


@dataclass(frozen=True)
class ArrearsAction:
    overdue_days: int
    reminder: bool  # 催缴函
    payment_order: bool  # 支付令 hint (工会法 第四十四条)
    reasons: tuple[str, ...]


def arrears_action(
    *, due_on: dt.date, today: dt.date, outstanding: Decimal, order_after_days: int
) -> ArrearsAction:
    """An overdue, unpaid amount gets a 催缴函; past ``order_after_days`` overdue the union may
    apply to the court for a 支付令 (工会法 第四十四条)."""
    days = max((today - due_on).days, 0)
    if outstanding <= 0 or days == 0:
        return ArrearsAction(days, False, False, ())
    reasons = [_("工会经费逾期 %(d)d 天未缴足，欠缴 %(a)s 元") % {"d": days, "a": outstanding}]
    order = days > order_after_days
    if order:
        reasons.append(
            _("逾期超过 %(n)d 天：工会可依《工会法》第四十四条向人民法院申请支付令")
            % {"n": order_after_days}
        )
    return ArrearsAction(days, True, order, tuple(reasons))


def collection_rate(collected: Decimal, due: Decimal) -> Decimal | None:
    """Collected ÷ due in percent to 0.1, or None when nothing was due."""
    if due <= 0:
        return None
    return (collected * 100 / due).quantize(Decimal("0.1"), ROUND_HALF_UP)
