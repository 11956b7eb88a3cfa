"""Services of secret ballots (ADR 0011): create, pre-flight, freeze the eligible list, open,
cast (phone), paper tallies, close, publish and 另行选举.

Secrecy rules kept here (DESIGN.md rule 2): a cast writes the choice only into ``CastVote`` (no
voter, no time) and re-shuffles the ballot's payloads so the new row's key or position says
nothing; the audit and the voter's slot record only "has voted"; nothing else sees the choice."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.scoping import require_capability
from gonghui.democracy.congress import session_may_vote
from gonghui.democracy.models import (
    APPRAISAL_GRADES,
    Attendance,
    Ballot,
    BallotKind,
    BallotOption,
    BallotRule,
    BallotState,
    CastVote,
    Delegate,
    PaperCount,
    PaperTally,
    Receipt,
    Session,
    SessionState,
    VoteChannel,
    VoterSlot,
)
from gonghui.democracy.rules import MANAGE
from gonghui.orgs.models import Org

RNG = secrets.SystemRandom()
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GRADE_CODES = [code for code, _label in APPRAISAL_GRADES]


def ballot_rule_for(org: Org) -> BallotRule:
    """The nearest ballot rule up the tree, else the national default, else the built-in one."""
    ancestors = list(reversed(org.ancestor_paths()))
    rules = {r.org_path: r for r in BallotRule.objects.filter(org_path__in=ancestors)}
    for path in ancestors:
        if path in rules and rules[path].org_id is not None:
            return rules[path]
    return BallotRule.objects.filter(org__isnull=True).first() or BallotRule()


def ballot_rule_save(*, actor: Any, org: Org, **values: Any) -> BallotRule:
    require_capability(actor, MANAGE, org.path)
    with transaction.atomic():
        rule, _created = BallotRule.objects.select_for_update().get_or_create(
            org=org, defaults={"org_path": org.path}
        )
        before = {k: getattr(rule, k) for k in values}
        for key, value in values.items():
            setattr(rule, key, value)
        rule.full_clean()
        rule.save()
        audit_record(
            action="democracy.ballot_rule.saved",
            actor=actor,
            target=rule,
            org_path=org.path,
            before=before,
            after=values,
        )
    return rule


def needed_votes(pass_rule: str, in_office: int) -> int:
    """过半数: more than half (90 → 46); 半数以上: at least half (90 → 45). Integers only."""
    if pass_rule == "at_least_half":
        return (in_office + 1) // 2
    return in_office // 2 + 1


# --- creating ------------------------------------------------------------------------------------


def ballot_create(
    *,
    actor: Any,
    session: Session,
    kind: str,
    title: str,
    options: list[str] | None = None,
    seats: int = 1,
    pass_rule: str = "",
    parent: Ballot | None = None,
) -> Ballot:
    require_capability(actor, MANAGE, session.org_path)
    if kind not in BallotKind.values:
        raise ValidationError({"kind": _("请选择投票类型")})
    if not title.strip():
        raise ValidationError({"title": _("请填写投票事项")})
    if session.state == SessionState.CLOSED:
        raise ValidationError(_("会议已闭会"))
    rule = ballot_rule_for(session.term.congress.org)
    if not pass_rule:
        pass_rule = rule.election_rule if kind == BallotKind.ELECTION else rule.decision_rule
    with transaction.atomic():
        ballot = Ballot.objects.create(
            session=session,
            org_path=session.org_path,
            kind=kind,
            title=title.strip(),
            pass_rule=pass_rule,
            seats=max(1, seats) if kind == BallotKind.ELECTION else 1,
            min_surplus_pct=rule.min_surplus_pct,
            threshold_pct=rule.appraisal_threshold_pct,
            round=(parent.round + 1) if parent else 1,
            parent=parent,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if kind == BallotKind.DECISION:
            labels = [str(_("赞成")), str(_("反对")), str(_("弃权"))]
            for pos, (code, label) in enumerate(zip("YNA", labels, strict=True)):
                BallotOption.objects.create(ballot=ballot, code=code, label=label, position=pos)
        else:
            for label in options or []:
                _add_option(ballot, label)
        audit_record(
            action="democracy.ballot.created",
            actor=actor,
            target=ballot,
            org_path=ballot.org_path,
            after={"kind": kind, "pass_rule": pass_rule, "seats": ballot.seats},
        )
    return ballot


def _add_option(ballot: Ballot, label: str, note: str = "") -> BallotOption:
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("请填写名称")})
    if ballot.options.filter(label=label).exists():
        raise ValidationError({"label": _("%(name)s已在名单中") % {"name": label}})
    position = ballot.options.count()
    return BallotOption.objects.create(
        ballot=ballot, code=str(position + 1), label=label, note=note, position=position
    )


def ballot_option_add(*, actor: Any, ballot: Ballot, label: str, note: str = "") -> BallotOption:
    """A candidate or a leader; decision votes keep their fixed 赞成/反对/弃权."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state != BallotState.DRAFT or locked.kind == BallotKind.DECISION:
            raise ValidationError(_("只能在准备阶段为选举或评议添加名单"))
        option = _add_option(locked, label, note)
        audit_record(
            action="democracy.ballot.option_added",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"label": option.label},
        )
    return option


# --- pre-flight, freezing, opening ---------------------------------------------------------------


def ballot_preflight(ballot: Ballot) -> list[str]:
    """What must be fixed before the ballot opens; empty = it may open."""
    notes: list[str] = []
    if not session_may_vote(ballot.session):
        notes.append(_("会议未开幕或出席代表不足三分之二，不能表决"))
    n = ballot.options.count()
    if ballot.kind == BallotKind.ELECTION:
        surplus = n - ballot.seats
        if n == 0:
            notes.append(_("尚无候选人"))
        elif surplus <= 0 or surplus * 100 < ballot.seats * ballot.min_surplus_pct:
            notes.append(
                _("候选人%(n)d名、应选%(seats)d名，差额比例须不低于%(pct)d%%")
                % {"n": n, "seats": ballot.seats, "pct": ballot.min_surplus_pct}
            )
    elif n == 0:
        notes.append(_("尚无投票选项"))
    if ballot.frozen_at is None:
        notes.append(_("投票人名单尚未确定（按出席代表确定）"))
    elif not ballot.slots.exists():
        notes.append(_("投票人名单为空"))
    elif set(ballot.slots.values_list("delegate_id", flat=True)) != set(_present(ballot)):
        notes.append(_("确定名单后出席情况有变化，请按出席代表重新确定名单"))
    return notes


def _present(ballot: Ballot) -> list[int]:
    return list(
        Attendance.objects.filter(
            session_id=ballot.session_id, left_at__isnull=True, delegate__left_on__isnull=True
        ).values_list("delegate_id", flat=True)
    )


def ballot_freeze(*, actor: Any, ballot: Ballot) -> int:
    """Fix the eligible list: the delegates in the hall now. May be redone while in draft."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state != BallotState.DRAFT:
            raise ValidationError(_("投票已开始，名单不能再变动"))
        present = _present(locked)
        locked.slots.all().delete()
        VoterSlot.objects.bulk_create(VoterSlot(ballot=locked, delegate_id=d) for d in present)
        locked.frozen_at = timezone.now()
        locked.save(update_fields=["frozen_at"])
        audit_record(
            action="democracy.ballot.frozen",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"eligible": len(present)},
        )
    return len(present)


def _set_state(*, actor: Any, ballot: Ballot, source: str, target: str, action: str) -> Ballot:
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state != source:
            raise ValidationError(
                _("投票当前为“%(state)s”，不能办理此项") % {"state": locked.get_state_display()}
            )
        now = timezone.now()
        if target == BallotState.OPEN:
            notes = ballot_preflight(locked)
            if notes:
                raise ValidationError(notes)
            session = locked.session
            locked.in_office = (
                session.in_office_at_open
                if session.in_office_at_open is not None
                else session.term.delegates.filter(left_on__isnull=True).count()
            )
            locked.opened_at = now
        else:
            locked.closed_at = now
        locked.state = target
        locked.save()
        audit_record(
            action=action,
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            before={"state": source},
            after={"state": target},
        )
    return locked


def ballot_open(*, actor: Any, ballot: Ballot) -> Ballot:
    return _set_state(
        actor=actor,
        ballot=ballot,
        source=BallotState.DRAFT,
        target=BallotState.OPEN,
        action="democracy.ballot.opened",
    )


def ballot_close(*, actor: Any, ballot: Ballot) -> Ballot:
    return _set_state(
        actor=actor,
        ballot=ballot,
        source=BallotState.OPEN,
        target=BallotState.CLOSED,
        action="democracy.ballot.closed",
    )


# --- casting -------------------------------------------------------------------------------------


def encode_choice(ballot: Ballot, raw: Any) -> str:
    """The canonical text of a choice, validated against the ballot's options.

    decision: one code ("Y"); election: chosen codes ascending, comma-joined, "-" for none;
    appraisal: "code=grade" for every leader, ";"-joined in option order."""
    codes = list(ballot.options.values_list("code", flat=True))
    if ballot.kind == BallotKind.DECISION:
        if raw not in codes:
            raise ValidationError(_("请选择一项"))
        return str(raw)
    if ballot.kind == BallotKind.ELECTION:
        chosen = sorted(set(raw or []), key=lambda c: codes.index(c) if c in codes else -1)
        if any(c not in codes for c in chosen):
            raise ValidationError(_("所选候选人不在名单中"))
        if len(chosen) > ballot.seats:
            raise ValidationError(_("最多选%(n)d名，多选的选票无效") % {"n": ballot.seats})
        return ",".join(chosen) or "-"
    grades = dict(raw or {})
    if set(grades) != set(codes) or any(g not in GRADE_CODES for g in grades.values()):
        raise ValidationError(_("请对每一位评议对象选择一个等次"))
    return ";".join(f"{c}={grades[c]}" for c in codes)


def new_receipt_code() -> str:
    return "".join(RNG.choice(RECEIPT_ALPHABET) for _i in range(10))


def receipt_digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def ballot_cast(*, actor: Any, ballot: Ballot, delegate: Delegate, choice: Any) -> str:
    """The delegate linked to ``actor`` casts ``choice``; returns the receipt code (shown once).

    The choice goes only into a CastVote row; then every payload of the ballot is permuted so
    the row just inserted (its key, its place on disk) carries a random one of the choices."""
    member = delegate.member
    if member is None or member.account_id is None or member.account_id != actor.pk:
        raise ValidationError(_("只有代表本人可以投票"))
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state != BallotState.OPEN:
            raise ValidationError(_("投票未开始或已结束"))
        slot = VoterSlot.objects.select_for_update().filter(ballot=locked, delegate=delegate)
        seat = slot.first()
        if seat is None:
            raise ValidationError(_("您不在本次投票的投票人名单中（须在会场签到）"))
        if seat.voted:
            raise ValidationError(_("您已投过票，每人只能投一次"))
        text = encode_choice(locked, choice)
        code = new_receipt_code()
        seat.voted = True
        seat.channel = VoteChannel.PHONE
        seat.receipt_digest = receipt_digest(code)
        seat.save(update_fields=["voted", "channel", "receipt_digest"])
        CastVote.objects.create(ballot=locked, choice=text)
        Receipt.objects.create(ballot=locked, code=code)
        _reshuffle(locked)
        # Only that this delegate voted: no choice, no receipt.
        audit_record(
            action="democracy.ballot.voted",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"delegate": delegate.pk},
        )
    return code


def _reshuffle(ballot: Ballot) -> None:
    """Permute the payloads of the ballot's casts and receipts among their rows."""
    casts = list(CastVote.objects.filter(ballot=ballot))
    choices = [c.choice for c in casts]
    RNG.shuffle(choices)
    RNG.shuffle(casts)
    for cast, choice in zip(casts, choices, strict=True):
        cast.choice = choice
    CastVote.objects.bulk_update(casts, ["choice"])
    receipts = list(Receipt.objects.filter(ballot=ballot))
    codes = [r.code for r in receipts]
    RNG.shuffle(codes)
    RNG.shuffle(receipts)
    for receipt, code in zip(receipts, codes, strict=True):
        receipt.code = code
    Receipt.objects.bulk_update(receipts, ["code"])


def receipt_check(ballot: Ballot, code: str) -> bool:
    """After publication: is this receipt in the published list?"""
    return code.strip().upper() in set(ballot.published_receipts)


# --- paper ---------------------------------------------------------------------------------------


def ballot_paper_mark(*, actor: Any, ballot: Ballot, delegate_ids: list[int]) -> int:
    """Mark delegates who handed in a paper ballot as having voted (they can't vote again)."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state != BallotState.OPEN:
            raise ValidationError(_("投票未开始或已结束"))
        slots = VoterSlot.objects.select_for_update().filter(
            ballot=locked, delegate_id__in=delegate_ids, voted=False
        )
        marked = slots.update(voted=True, channel=VoteChannel.PAPER)
        audit_record(
            action="democracy.ballot.paper_marked",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"delegates": sorted(delegate_ids), "marked": marked},
        )
    return marked


def ballot_paper_tally(
    *,
    actor: Any,
    ballot: Ballot,
    returned: int,
    invalid: int,
    scrutineers: str,
    counters: str,
    signed_off: bool,
    counts: dict[tuple[str, str], int],
) -> PaperTally:
    """The counted paper ballots: ``counts`` maps (option code, grade or "") to a count."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state == BallotState.DRAFT or locked.published_at is not None:
            raise ValidationError(_("只能在投票开始后、公布结果前录入纸质票"))
        _check_paper(locked, returned, invalid, scrutineers, counters, signed_off, counts)
        PaperTally.objects.filter(ballot=locked).delete()
        tally = PaperTally.objects.create(
            ballot=locked,
            returned=returned,
            invalid=invalid,
            scrutineers=scrutineers.strip(),
            counters=counters.strip(),
            signed_off=signed_off,
            entered_by=actor,
        )
        options = {o.code: o for o in locked.options.all()}
        PaperCount.objects.bulk_create(
            PaperCount(tally=tally, option=options[code], grade=grade, count=n)
            for (code, grade), n in counts.items()
            if n
        )
        audit_record(
            action="democracy.ballot.paper_tally",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"returned": returned, "invalid": invalid, "scrutineers": scrutineers},
        )
    return tally


def _check_paper(
    ballot: Ballot,
    returned: int,
    invalid: int,
    scrutineers: str,
    counters: str,
    signed_off: bool,
    counts: dict[tuple[str, str], int],
) -> None:
    if not scrutineers.strip() or not counters.strip():
        raise ValidationError(_("请填写监票人和计票人"))
    if not signed_off:
        raise ValidationError(_("须经监票人、计票人签字确认"))
    marked = ballot.slots.filter(channel=VoteChannel.PAPER).count()
    if returned != marked:
        raise ValidationError(
            _("收回纸质选票%(r)d张，与登记纸质投票的%(m)d名代表不符") % {"r": returned, "m": marked}
        )
    if invalid > returned or any(n < 0 for n in counts.values()):
        raise ValidationError(_("票数有误"))
    valid = returned - invalid
    codes = set(ballot.options.values_list("code", flat=True))
    if any(code not in codes for code, _g in counts):
        raise ValidationError(_("票数有误"))
    if ballot.kind == BallotKind.DECISION:
        if sum(counts.values()) != valid:
            raise ValidationError(_("各选项票数之和应等于有效票数%(n)d") % {"n": valid})
    elif ballot.kind == BallotKind.ELECTION:
        if any(n > valid for n in counts.values()) or sum(counts.values()) > valid * ballot.seats:
            raise ValidationError(_("候选人得票数不能超过有效票数"))
    else:
        for code in codes:
            if sum(counts.get((code, g), 0) for g in GRADE_CODES) != valid:
                raise ValidationError(_("每位评议对象各等次票数之和应等于有效票数"))


# --- publishing, further rounds ------------------------------------------------------------------


def choices_hash(choices: list[str]) -> str:
    """SHA-256 over the published choices, one per line (UTF-8, "\\n"-joined, no trailing)."""
    return hashlib.sha256("\n".join(choices).encode("utf-8")).hexdigest()


def ballot_publish(*, actor: Any, ballot: Ballot) -> Ballot:
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state != BallotState.CLOSED or locked.published_at is not None:
            raise ValidationError(_("投票结束后方可公布，且只公布一次"))
        paper = locked.slots.filter(channel=VoteChannel.PAPER).exists()
        if paper and not locked.paper_tallies.exists():
            raise ValidationError(_("尚未录入纸质选票的计票结果"))
        choices = list(locked.casts.values_list("choice", flat=True))
        RNG.shuffle(choices)
        locked.published_choices = choices
        locked.published_hash = choices_hash(choices)
        locked.published_receipts = sorted(locked.receipts.values_list("code", flat=True))
        locked.published_at = timezone.now()
        locked.save()
        audit_record(
            action="democracy.ballot.published",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"hash": locked.published_hash, "casts": len(choices)},
        )
    return locked


def ballot_further_round(*, actor: Any, ballot: Ballot) -> Ballot:
    """另行选举: a new draft ballot for the seats left, among the candidates not elected."""
    from gonghui.democracy.ballot_results import election_result

    require_capability(actor, MANAGE, ballot.org_path)
    if ballot.kind != BallotKind.ELECTION or ballot.state != BallotState.CLOSED:
        raise ValidationError(_("只有已结束的选举可以另行选举"))
    if ballot.further_rounds.exists():
        raise ValidationError(_("已安排另行选举"))
    result = election_result(ballot)
    if result.seats_left <= 0:
        raise ValidationError(_("应选名额已全部选出"))
    return ballot_create(
        actor=actor,
        session=ballot.session,
        kind=BallotKind.ELECTION,
        title=ballot.title
        if ballot.parent_id is not None
        else _("%(title)s（另行选举）") % {"title": ballot.title},
        options=[row.option.label for row in result.rows if not row.elected],
        seats=result.seats_left,
        pass_rule=ballot.pass_rule,
        parent=ballot,
    )
