"""Pure rules of the governance app: each returns a decision and its reasons, reads nothing.

Blocks: the formation, committee size, terms and election rules (gov); the dues, 经费 and
自动退会 rules (dues). Numbers that an installation may set (quorum, 差额 rate, the longest
postponement) come in as arguments from the ``ElectionRule`` row in force; the statutory ones
(the 25-member line, the size bands, the term lengths) are the tables below."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

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
