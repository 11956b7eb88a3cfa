"""Results of a tallied ballot: the totals the tellers' tally stored (phone and paper
together), the pass rule applied with its numbers (integer arithmetic, DOMAIN.md §5/§6,
民法典第一千二百五十九条). Refuses ballots not yet tallied: before the tally nobody, not even
the system, can read a cast."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.democracy.models import (
    APPRAISAL_GRADES,
    Ballot,
    BallotKind,
    BallotOption,
    Electorate,
)
from gonghui.democracy.rules import needed_votes
from gonghui.democracy.services.ballots import GRADE_CODES


@dataclass(frozen=True)
class Turnout:
    eligible: int
    voted: int
    phone: int
    paper: int
    invalid: int


@dataclass
class OptionRow:
    option: BallotOption
    votes: int = 0
    elected: bool = False
    tied: bool = False
    qualified: bool = False
    grades: dict[str, int] = field(default_factory=dict)
    satisfaction_pct: str = ""
    flagged: bool = False
    grade_pcts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Result:
    ballot: Ballot
    turnout: Turnout
    in_office: int
    needed: int
    rule_text: str
    rows: list[OptionRow]
    passed: bool = False
    seats_left: int = 0
    notes: list[str] = field(default_factory=list)


def _hidden(ballot: Ballot) -> None:
    if not ballot.counted:
        raise ValidationError(_("监票人计票前不显示结果"))


def ballot_turnout(ballot: Ballot) -> Turnout:
    slots = ballot.slots.all()
    tally = ballot.paper_tallies.first()
    return Turnout(
        eligible=slots.count(),
        voted=slots.filter(voted=True).count(),
        phone=ballot.electronic_casts,
        paper=tally.returned if tally is not None else ballot.paper_voters,
        invalid=(tally.invalid if tally is not None else 0) + ballot.electronic_invalid,
    )


def _counts(ballot: Ballot) -> tuple[Counter[str], Counter[tuple[str, str]], Turnout]:
    """Per option code (and per (code, grade) for appraisals), phone and paper together."""
    per_option: Counter[str] = Counter()
    per_grade: Counter[tuple[str, str]] = Counter()
    for key, n in (ballot.totals or {}).items():
        code, sep, grade = key.partition("=")
        if sep:
            per_grade[(code, grade)] += n
        else:
            per_option[code] += n
    return per_option, per_grade, ballot_turnout(ballot)


BASE_LABELS: dict[str, Any] = {
    Electorate.DELEGATES: _("在任代表%(n)d名"),
    Electorate.MEMBERS: _("全体会员%(n)d名"),
    Electorate.STAFF: _("全体职工%(n)d名"),
    Electorate.NAMED: _("投票人名单%(n)d名"),
}


def _rule_text(ballot: Ballot, in_office: int, needed: int) -> str:
    base = BASE_LABELS.get(ballot.electorate, BASE_LABELS[Electorate.DELEGATES]) % {"n": in_office}
    return _("%(base)s，%(rule)s须%(k)d票") % {
        "base": base,
        "rule": _("过半数") if ballot.pass_rule == "more_than_half" else _("半数以上"),
        "k": needed,
    }


def notes_on(ballot: Ballot, turnout: Turnout) -> list[str]:
    """A cast lost between the participation record and the sealed cast shows here."""
    phone_voters = turnout.voted - ballot.paper_voters
    if ballot.counted and phone_voters != ballot.electronic_casts:
        return [
            _("手机投票%(v)d人，收到加密选票%(c)d张，两者不符，请监票人核查")
            % {"v": phone_voters, "c": ballot.electronic_casts}
        ]
    return []


def ballot_result(ballot: Ballot) -> Result:
    if ballot.kind == BallotKind.ELECTION:
        return election_result(ballot)
    if ballot.kind == BallotKind.APPRAISAL:
        return appraisal_result(ballot)
    return decision_result(ballot)


def _base(ballot: Ballot) -> tuple[int, int]:
    in_office = ballot.in_office or 0
    return in_office, needed_votes(ballot.pass_rule, in_office)


def decision_result(ballot: Ballot) -> Result:
    _hidden(ballot)
    per_option, _g, turnout = _counts(ballot)
    in_office, needed = _base(ballot)
    rows = [OptionRow(o, per_option[o.code]) for o in ballot.options.all()]
    yes = per_option["Y"]
    return Result(
        ballot,
        turnout,
        in_office,
        needed,
        _rule_text(ballot, in_office, needed),
        rows,
        passed=in_office > 0 and yes >= needed,
        notes=notes_on(ballot, turnout),
    )


def election_result(ballot: Ballot) -> Result:
    """Elected: the most votes among those with the rule's votes, up to the seats. A tie at the
    last seat elects none of the tied; seats left go to 另行选举."""
    _hidden(ballot)
    per_option, _g, turnout = _counts(ballot)
    in_office, needed = _base(ballot)
    rows = [OptionRow(o, per_option[o.code]) for o in ballot.options.all()]
    for row in rows:
        row.qualified = in_office > 0 and row.votes >= needed
    ranked = sorted((r for r in rows if r.qualified), key=lambda r: -r.votes)
    notes: list[str] = notes_on(ballot, turnout)
    if len(ranked) > ballot.seats:
        cut = ranked[ballot.seats - 1].votes
        if ranked[ballot.seats].votes == cut:
            for row in ranked:
                row.tied = row.votes == cut
            ranked = [r for r in ranked if r.votes > cut]
            notes.append(_("得票相等不能确定当选人，须就未选出的名额另行选举"))
        else:
            ranked = ranked[: ballot.seats]
    for row in ranked:
        row.elected = True
    seats_left = ballot.seats - len(ranked)
    if seats_left > 0:
        notes.append(_("当选人数少于应选名额，差%(n)d名，须另行选举") % {"n": seats_left})
    rows.sort(key=lambda r: -r.votes)
    return Result(
        ballot,
        turnout,
        in_office,
        needed,
        _rule_text(ballot, in_office, needed),
        rows,
        passed=seats_left == 0,
        seats_left=seats_left,
        notes=notes,
    )


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "—"
    tenths = (part * 1000 + whole // 2) // whole
    return f"{tenths // 10}.{tenths % 10}%"


def appraisal_result(ballot: Ballot) -> Result:
    """Per leader: each grade's share and the satisfaction (优秀 + 称职) against the threshold."""
    _hidden(ballot)
    _o, per_grade, turnout = _counts(ballot)
    in_office, needed = _base(ballot)
    rows = []
    labels = dict(APPRAISAL_GRADES)
    for option in ballot.options.all():
        grades = {g: per_grade[(option.code, g)] for g in GRADE_CODES}
        total = sum(grades.values())
        satisfied = grades["E"] + grades["C"]
        rows.append(
            OptionRow(
                option,
                votes=total,
                grades=grades,
                satisfaction_pct=_pct(satisfied, total),
                flagged=total > 0 and satisfied * 100 < ballot.threshold_pct * total,
                grade_pcts=[(str(labels[g]), _pct(grades[g], total)) for g in GRADE_CODES],
            )
        )
    text = _("满意率（优秀与称职之和）低于%(pct)d%%的予以提示") % {"pct": ballot.threshold_pct}
    return Result(
        ballot, turnout, in_office, needed, text, rows, passed=True, notes=notes_on(ballot, turnout)
    )
