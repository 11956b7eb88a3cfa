"""Services of secret ballots (ADR 0011): create for any electorate, name the tellers,
pre-flight, freeze the eligible list, open (the key ceremony), cast (phone), paper, close, the
tellers' tally, publish and 另行选举.

Secrecy rules kept here (DESIGN.md rule 2): a cast is sealed to the ballot's public key on
arrival and written in a transaction of its own, apart from the participation record and its
audit row ("X took part"); the private key exists only as the tellers' shares and, during the
tally, in memory; the tally stores totals (phone and paper together), never a choice per voter."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from gonghui.core.audit import audit_record
from gonghui.core.inherited import nearest_rule, rule_save
from gonghui.core.scoping import Actor, require_capability
from gonghui.core.workflow import transition
from gonghui.democracy import crypto
from gonghui.democracy.models import (
    APPRAISAL_GRADES,
    Attendance,
    Ballot,
    BallotKind,
    BallotOption,
    BallotRule,
    BallotState,
    Electorate,
    PaperTally,
    SealedCast,
    Session,
    SessionState,
    Teller,
    VoterSlot,
)
from gonghui.democracy.services.congress import session_may_vote
from gonghui.democracy.services.rules import MANAGE
from gonghui.members.models import Member, MemberStatus
from gonghui.members.rules import suffrage
from gonghui.orgs.models import Employer, Org, Post

RNG = secrets.SystemRandom()
GRADE_CODES = [code for code, _label in APPRAISAL_GRADES]
MAX_TELLERS = 15


def ballot_rule_for(org: Org) -> BallotRule:
    """The nearest ballot rule up the tree, else the national default, else the built-in one."""
    return (
        nearest_rule(BallotRule, org.path)
        or BallotRule.objects.filter(org__isnull=True).first()
        or BallotRule()
    )


def ballot_rule_save(*, actor: Actor, org: Org, **values: Any) -> BallotRule:
    require_capability(actor, MANAGE, org.path)
    return rule_save(
        BallotRule, actor=actor, org=org, action="democracy.ballot_rule.saved", values=values
    )


# --- creating ------------------------------------------------------------------------------------


def _resolve_person(org: Org, name: str, *, officers: bool) -> tuple[Member | None, Any]:
    """A name in the org: an active member (and their account), an officer of the org (when
    ``officers``), or nobody (a named person without an account). Two matches are refused."""
    members = list(
        Member.objects.filter(union=org, status=MemberStatus.ACTIVE, name=name).select_related(
            "account"
        )[:2]
    )
    if len(members) > 1:
        raise ValidationError(
            _("本会有多名会员叫“%(name)s”，请在名单中写明以示区别后再录入") % {"name": name}
        )
    if members:
        return members[0], members[0].account
    if not officers:
        # A voter named on the list who is a member without a vote (保留会籍) gets no slot:
        # falling through to "a named person" would give them one.
        barred = (
            Member.objects.filter(union=org, name=name)
            .exclude(status=MemberStatus.ACTIVE)
            .values_list("status", flat=True)
            .first()
        )
        if barred is not None:
            raise ValidationError(
                {
                    "voters": _("%(name)s：%(reason)s")
                    % {"name": name, "reason": suffrage(barred).reason}
                }
            )
    if officers:
        posts = list(
            Post.objects.filter(org=org, active=True, user__full_name=name).select_related("user")[
                :2
            ]
        )
        if len({p.user_id for p in posts}) > 1:
            raise ValidationError(_("本会有多名干部叫“%(name)s”，请写明以示区别") % {"name": name})
        if posts:
            return None, posts[0].user
    return None, None


def _names(lines: list[str] | tuple[str, ...]) -> list[str]:
    names = [line.strip() for line in lines if line.strip()]
    seen: set[str] = set()
    for name in names:
        if len(name) > 50:
            raise ValidationError(_("姓名“%(name)s”超过50个字") % {"name": name[:20]})
        if name in seen:
            raise ValidationError(_("%(name)s在名单中重复") % {"name": name})
        seen.add(name)
    return names


def ballot_create(
    *,
    actor: Actor,
    kind: str,
    title: str,
    session: Session | None = None,
    org: Org | None = None,
    electorate: str = Electorate.DELEGATES,
    employer: Employer | None = None,
    voters: list[str] | None = None,
    options: list[str] | None = None,
    seats: int = 1,
    pass_rule: str = "",
    parent: Ballot | None = None,
    owner: str = "",
    owner_ref: str = "",
) -> Ballot:
    """A ballot in draft. Congress ballots name their ``session`` (electorate: the delegates in
    the hall); the others name their ``org`` and electorate: its members (会员大会), the staff of
    an ``employer`` it covers (职工大会) or the ``voters`` named line by line."""
    if session is not None:
        org = session.term.congress.org
        electorate = Electorate.DELEGATES
    if org is None:
        raise ValidationError(_("请选择组织"))
    require_capability(actor, MANAGE, org.path)
    if kind not in BallotKind.values:
        raise ValidationError({"kind": _("请选择投票类型")})
    if electorate not in Electorate.values:
        raise ValidationError({"electorate": _("请选择投票人范围")})
    if not title.strip():
        raise ValidationError({"title": _("请填写投票事项")})
    if electorate == Electorate.DELEGATES and session is None:
        raise ValidationError({"electorate": _("职工代表投票须在职代会会议下建立")})
    if session is not None and session.state == SessionState.CLOSED:
        raise ValidationError(_("会议已闭会"))
    if electorate == Electorate.STAFF and (employer is None or employer.union_id != org.pk):
        raise ValidationError({"employer": _("职工大会须选择本会覆盖的用人单位")})
    names = _names(voters or []) if electorate == Electorate.NAMED else []
    if electorate == Electorate.NAMED and not names:
        raise ValidationError({"voters": _("请填写投票人名单，每行一人")})
    rule = ballot_rule_for(org)
    if not pass_rule:
        pass_rule = rule.election_rule if kind == BallotKind.ELECTION else rule.decision_rule
    with transaction.atomic():
        ballot = Ballot.objects.create(
            org=org,
            org_path=org.path,
            electorate=electorate,
            session=session,
            employer=employer if electorate == Electorate.STAFF else None,
            owner=owner,
            owner_ref=owner_ref,
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
        for name in names:
            member, account = _resolve_person(org, name, officers=False)
            VoterSlot.objects.create(ballot=ballot, name=name, member=member, account=account)
        audit_record(
            action="democracy.ballot.created",
            actor=actor,
            target=ballot,
            org_path=ballot.org_path,
            after={
                "kind": kind,
                "electorate": electorate,
                "pass_rule": pass_rule,
                "seats": ballot.seats,
                "owner": owner,
            },
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


def ballot_option_add(*, actor: Actor, ballot: Ballot, label: str, note: str = "") -> BallotOption:
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


def ballot_tellers_set(
    *, actor: Actor, ballot: Ballot, names: list[str], needed: int
) -> list[Teller]:
    """Name the n 监票人 (accounts of the org, or named persons who get a printed share) and the
    k of them needed to tally. Only in draft: the shares are made when the ballot opens."""
    require_capability(actor, MANAGE, ballot.org_path)
    people = _names(names)
    if len(people) < 2:
        raise ValidationError({"names": _("监票人至少2名")})
    if len(people) > MAX_TELLERS:
        raise ValidationError({"names": _("监票人至多%(n)d名") % {"n": MAX_TELLERS}})
    if not 2 <= needed <= len(people):
        raise ValidationError(
            {"needed": _("计票所需监票人数须在2到%(n)d之间") % {"n": len(people)}}
        )
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().select_related("org").get(pk=ballot.pk)
        if locked.state != BallotState.DRAFT:
            raise ValidationError(_("投票已开始，监票人不能再变动"))
        locked.tellers.all().delete()
        tellers = []
        for number, name in enumerate(people, start=1):
            _member, account = _resolve_person(locked.org, name, officers=True)
            tellers.append(
                Teller.objects.create(ballot=locked, number=number, name=name, account=account)
            )
        locked.tellers_needed = needed
        locked.save(update_fields=["tellers_needed"])
        audit_record(
            action="democracy.ballot.tellers_set",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"tellers": people, "needed": needed},
        )
    return tellers


# --- pre-flight, freezing, opening ---------------------------------------------------------------


def ballot_preflight(ballot: Ballot) -> list[str]:
    """What must be fixed before the ballot opens; empty = it may open."""
    notes: list[str] = []
    if ballot.electorate == Electorate.DELEGATES and (
        ballot.session is None or not session_may_vote(ballot.session)
    ):
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
    tellers = ballot.tellers.count()
    if tellers < 2 or tellers < ballot.tellers_needed:
        notes.append(
            _("尚未指定监票人（至少2名，计票时须其中%(k)d名到场）") % {"k": ballot.tellers_needed}
        )
    if ballot.frozen_at is None:
        notes.append(_("投票人名单尚未确定"))
    elif not ballot.slots.exists():
        notes.append(_("投票人名单为空"))
    elif ballot.electorate == Electorate.DELEGATES and set(
        ballot.slots.values_list("delegate_id", flat=True)
    ) != set(_present(ballot)):
        notes.append(_("确定名单后出席情况有变化，请按出席代表重新确定名单"))
    return notes


# A delegate linked to a member who no longer has a vote (保留会籍 since the election) is in the
# hall but gets no voter slot (工会基层组织选举工作条例 第四条, members.rules.suffrage).
_WITHOUT_VOTE = Q(delegate__member__isnull=False) & ~Q(delegate__member__status=MemberStatus.ACTIVE)


def _present(ballot: Ballot) -> list[int]:
    return list(
        Attendance.objects.filter(
            session_id=ballot.session_id or 0,
            left_at__isnull=True,
            delegate__left_on__isnull=True,
        )
        .exclude(_WITHOUT_VOTE)
        .values_list("delegate_id", flat=True)
    )


def _eligible(ballot: Ballot) -> list[VoterSlot]:
    """The electorate now, as unsaved slots (the named list is kept as entered)."""
    if ballot.electorate == Electorate.DELEGATES:
        seats = (
            Attendance.objects.filter(
                session_id=ballot.session_id or 0,
                left_at__isnull=True,
                delegate__left_on__isnull=True,
            )
            .exclude(_WITHOUT_VOTE)
            .select_related("delegate__member")
            .order_by("delegate__name", "delegate_id")
        )
        return [
            VoterSlot(
                ballot=ballot,
                name=a.delegate.name,
                delegate=a.delegate,
                member=a.delegate.member,
                account_id=a.delegate.member.account_id if a.delegate.member else None,
            )
            for a in seats
        ]
    if ballot.electorate == Electorate.NAMED:
        return list(ballot.slots.all())
    members = Member.objects.filter(status=MemberStatus.ACTIVE)
    if ballot.electorate == Electorate.MEMBERS:
        members = members.filter(union_id=ballot.org_id)
    else:
        members = members.filter(employer_id=ballot.employer_id or 0)
    return [
        VoterSlot(ballot=ballot, name=m.name, member_id=m.pk, account_id=m.account_id)
        for m in members.only("pk", "name", "account_id").order_by("name", "pk").iterator()
    ]


def ballot_freeze(*, actor: Actor, ballot: Ballot) -> int:
    """Fix the eligible list: the delegates in the hall now, the org's active members, the
    employer's members, or the named list. May be redone while in draft, never after opening."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state != BallotState.DRAFT:
            raise ValidationError(_("投票已开始，名单不能再变动"))
        eligible = _eligible(locked)
        if locked.electorate != Electorate.NAMED:
            locked.slots.all().delete()
            VoterSlot.objects.bulk_create(eligible, batch_size=2000)
        locked.frozen_at = timezone.now()
        locked.save(update_fields=["frozen_at"])
        audit_record(
            action="democracy.ballot.frozen",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"eligible": len(eligible)},
        )
    return len(eligible)


_STAMPS = {
    "open": "opened_at",
    "close": "closed_at",
    "tally": "tallied_at",
    "publish": "published_at",
}


def _lock(ballot: Ballot, method: str) -> Ballot:
    """The ballot under its row lock, refused unless the declared transition may run."""
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if not can_proceed(getattr(locked, method)):
        raise ValidationError(
            _("投票当前为“%(state)s”，不能办理此项") % {"state": locked.get_state_display()}
        )
    return locked


# The ballot's workflow (core.workflow): transition name -> audit code.
BALLOT_TRANSITIONS = {
    "open": "democracy.ballot.opened",
    "close": "democracy.ballot.closed",
    "tally": "democracy.ballot.tallied",
    "publish": "democracy.ballot.published",
}


def _finish(
    actor: Actor, locked: Ballot, method: str, after: dict[str, Any] | None = None
) -> Ballot:
    """Run the transition of the locked ballot and stamp its time, with history and audit."""

    def stamp(row: Ballot) -> None:
        setattr(row, _STAMPS[method], timezone.now())

    return transition(
        locked, method, actor=actor, capability=None, data=after, apply=stamp, locked=True
    )


@dataclass(frozen=True)
class Opened:
    """What opening returns: the ballot and each teller's share, to be shown once and dropped."""

    ballot: Ballot
    shares: list[tuple[Teller, str]]


def ballot_open(*, actor: Actor, ballot: Ballot) -> Opened:
    """Open: the key ceremony. A key pair is made; its seed is split k of n among the tellers;
    the public key is kept, each teller's share is returned once (never stored) and the private
    key is dropped."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = _lock(ballot, "open")
        notes = ballot_preflight(locked)
        if notes:
            raise ValidationError(notes)
        if locked.electorate == Electorate.DELEGATES:
            session = locked.session
            assert session is not None
            locked.in_office = (
                session.in_office_at_open
                if session.in_office_at_open is not None
                else session.term.delegates.filter(left_on__isnull=True).count()
            )
        else:
            locked.in_office = locked.slots.count()
        tellers = list(locked.tellers.all())
        public, shares = crypto.generate(locked.tellers_needed, len(tellers))
        locked.public_key = public
        handed: list[tuple[Teller, str]] = []
        for teller, share in zip(tellers, shares, strict=True):
            teller.number = share.number
            teller.share_digest = crypto.share_digest(locked.pk, share)
            handed.append((teller, share.text(locked.pk)))
        Teller.objects.bulk_update(tellers, ["share_digest"])
        _finish(
            actor,
            locked,
            "open",
            {
                "fingerprint": locked.fingerprint,
                "tellers": len(tellers),
                "needed": locked.tellers_needed,
            },
        )
    return Opened(locked, handed)


def ballot_close(*, actor: Actor, ballot: Ballot) -> Ballot:
    """End the voting. Its FOR UPDATE lock waits for casts in flight (each holds a key-share
    lock on the ballot row through its foreign key), so a cast is either in or refused."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        return _finish(actor, _lock(ballot, "close"), "close")


# --- casting -------------------------------------------------------------------------------------


def voter_slots(account: Actor) -> QuerySet[VoterSlot]:
    """The slots where ``account`` votes: named on the slot, or the account of the slot's member
    or delegate now (who got a phone account after the list was fixed)."""
    pk = getattr(account, "pk", None)
    return VoterSlot.objects.filter(
        Q(account_id=pk)
        | Q(account__isnull=True, member__account_id=pk)
        | Q(account__isnull=True, delegate__member__account_id=pk)
    )


def encode_choice(ballot: Ballot, raw: Any) -> str:
    """The canonical text of a choice, validated against the ballot's options.

    decision: one code ("Y"); election: chosen codes ascending, comma-joined, "-" for none;
    appraisal: "code=grade" for every leader, ";"-joined in option order. This text is only
    ever sealed; it is never stored or published in clear."""
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


def _context(ballot: Ballot, what: str) -> bytes:
    return f"gonghui:{what}:{ballot.pk}:{ballot.public_key}".encode()


def _cast_size(ballot: Ballot) -> int:
    """One plaintext length for every cast of the ballot: its longest possible choice."""
    codes = list(ballot.options.values_list("code", flat=True))
    if ballot.kind == BallotKind.APPRAISAL:
        longest = len(";".join(f"{c}=E" for c in codes))
    else:
        longest = len(",".join(codes))
    return max(16, longest)


def _slot_without_vote(slot: VoterSlot) -> str:
    """The reason a slot's member may not vote now (保留会籍 since the list was fixed), or ""."""
    member_id = slot.member_id or (slot.delegate.member_id if slot.delegate else None)
    if member_id is None:
        return ""
    status = Member.objects.filter(pk=member_id).values_list("status", flat=True).first()
    return suffrage(status).reason if status is not None else ""


def ballot_cast(*, actor: Actor, ballot: Ballot, choice: Any) -> str:
    """The voter signed in as ``actor`` casts ``choice``; returns the receipt (shown once).

    Two transactions on purpose: the first marks the slot "took part" and writes the audit row;
    the second writes only the sealed cast (no voter, no time, no audit), so no transaction id,
    WAL record or dead tuple holds a voter beside a cast. If the second fails (the ballot closed
    in between), the participation is withdrawn and the voter may vote again."""
    with transaction.atomic():
        current = Ballot.objects.get(pk=ballot.pk)
        if current.state != BallotState.OPEN:
            raise ValidationError(_("投票未开始或已结束"))
        slot = (
            voter_slots(actor).select_for_update(of=("self",)).filter(ballot=current).first()
            if getattr(actor, "is_authenticated", False)
            else None
        )
        if slot is None:
            raise ValidationError(_("您不在本次投票的投票人名单中"))
        if slot.voted:
            raise ValidationError(_("您已投过票，每人只能投一次"))
        barred = _slot_without_vote(slot)
        if barred:
            raise ValidationError(barred)
        text = encode_choice(current, choice)
        slot.voted = True
        slot.save(update_fields=["voted"])
        audit_record(
            action="democracy.ballot.voted",
            actor=actor,
            target=current,
            org_path=current.org_path,
            after={"voter": slot.pk},
        )
    sealed = crypto.seal(
        current.public_key, text.encode("utf-8"), _context(current, "cast"), _cast_size(current)
    )
    del text
    try:
        with transaction.atomic():
            SealedCast.objects.create(ballot_id=current.pk, sealed=sealed)
            if not Ballot.objects.filter(pk=current.pk, state=BallotState.OPEN).exists():
                raise ValidationError(_("投票未开始或已结束"))
    except Exception:
        with transaction.atomic():
            VoterSlot.objects.filter(pk=slot.pk).update(voted=False)
            audit_record(
                action="democracy.ballot.vote_withdrawn",
                actor=actor,
                target=current,
                org_path=current.org_path,
                after={"voter": slot.pk},
            )
        raise
    return crypto.receipt_of(sealed)


def receipt_check(ballot: Ballot, code: str) -> bool:
    """After publication: does a published tracker begin with this receipt?"""
    cleaned = "".join(ch for ch in code.lower() if ch.isalnum())
    if len(cleaned) != 16 or ballot.state != BallotState.PUBLISHED:
        return False
    return any(t.startswith(cleaned) for t in ballot.trackers)


# --- paper ---------------------------------------------------------------------------------------


def ballot_paper_mark(*, actor: Actor, ballot: Ballot, slot_ids: list[int]) -> int:
    """Mark voters who handed in a paper ballot as having taken part (no phone vote after).

    The slot keeps only "took part": the voter list shows no channel per name."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state != BallotState.OPEN:
            raise ValidationError(_("投票未开始或已结束"))
        marked = VoterSlot.objects.filter(ballot=locked, pk__in=slot_ids, voted=False).update(
            voted=True
        )
        locked.paper_voters += marked
        locked.save(update_fields=["paper_voters"])
        audit_record(
            action="democracy.ballot.paper_marked",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"voters": sorted(slot_ids), "marked": marked},
        )
    return marked


def _paper_size(ballot: Ballot) -> int:
    return 64 + 40 * ballot.options.count() * len(GRADE_CODES)


def ballot_paper_tally(
    *,
    actor: Actor,
    ballot: Ballot,
    returned: int,
    invalid: int,
    scrutineers: str,
    counters: str,
    signed_off: bool,
    counts: dict[tuple[str, str], int],
) -> PaperTally:
    """The counted paper ballots: ``counts`` maps (option code, grade or "") to a count.

    Checked here, then sealed to the ballot's key: the tally adds them to the phone casts and
    only the sum is ever shown."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.state not in (BallotState.OPEN, BallotState.CLOSED):
            raise ValidationError(_("只能在投票开始后、监票人计票前录入纸质票"))
        _check_paper(locked, returned, invalid, scrutineers, counters, signed_off, counts)
        payload = json.dumps(
            sorted([code, grade, n] for (code, grade), n in counts.items() if n),
            separators=(",", ":"),
        ).encode()
        sealed = crypto.seal(
            locked.public_key, payload, _context(locked, "paper"), _paper_size(locked)
        )
        PaperTally.objects.filter(ballot=locked).delete()
        tally = PaperTally.objects.create(
            ballot=locked,
            returned=returned,
            invalid=invalid,
            scrutineers=scrutineers.strip(),
            counters=counters.strip(),
            signed_off=signed_off,
            sealed_counts=sealed,
            entered_by=actor,
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
    if returned != ballot.paper_voters:
        raise ValidationError(
            _("收回纸质选票%(r)d张，与登记纸质投票的%(m)d人不符")
            % {"r": returned, "m": ballot.paper_voters}
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


# --- the tellers' tally, publishing, further rounds ----------------------------------------------


def _read_shares(ballot: Ballot, texts: list[str]) -> list[crypto.Share]:
    """The typed shares, each checked (format, ballot, its teller's digest) with a clear error."""
    tellers = {t.number: t for t in ballot.tellers.all()}
    shares: dict[int, crypto.Share] = {}
    for position, text in enumerate(texts, start=1):
        if not text.strip():
            continue
        try:
            share = crypto.decode_share(ballot.pk, text)
        except crypto.ShareError:
            raise ValidationError(
                _("第%(n)d栏的份额有误：抄写错误或不是本次投票的份额，请逐字核对") % {"n": position}
            ) from None
        teller = tellers.get(share.number)
        if teller is None or crypto.share_digest(ballot.pk, share) != teller.share_digest:
            raise ValidationError(
                _("第%(n)d栏的份额与%(teller)s号监票人的登记不符")
                % {"n": position, "teller": share.number}
            )
        shares[share.number] = share
    if len(shares) < ballot.tellers_needed:
        raise ValidationError(
            _("须有%(k)d名监票人输入各自的份额，现只有%(n)d名")
            % {"k": ballot.tellers_needed, "n": len(shares)}
        )
    return list(shares.values())[: ballot.tellers_needed]


def _count(ballot: Ballot, plaintexts: list[str]) -> tuple[dict[str, int], int]:
    """Totals per option code (per "code=grade" for an appraisal) and the invalid casts."""
    codes = set(ballot.options.values_list("code", flat=True))
    totals: dict[str, int] = {}
    invalid = 0
    for text in plaintexts:
        if ballot.kind == BallotKind.APPRAISAL:
            parts = [p.partition("=") for p in text.split(";")]
            if {c for c, _s, _g in parts} != codes or any(g not in GRADE_CODES for *_x, g in parts):
                invalid += 1
                continue
            keys = [f"{c}={g}" for c, _s, g in parts]
        elif text == "-":
            keys = []
        else:
            keys = text.split(",")
            if any(k not in codes for k in keys) or len(keys) > ballot.seats:
                invalid += 1
                continue
        for key in keys:
            totals[key] = totals.get(key, 0) + 1
    return totals, invalid


def ballot_tally(*, actor: Actor, ballot: Ballot, shares: list[str]) -> Ballot:
    """The tellers' tally: k shares assemble the private key in memory; every sealed cast and
    the sealed paper counts are opened, the plaintexts shuffled and counted; only the totals,
    the sorted trackers and their hash are stored. The key is dropped when this returns."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = _lock(ballot, "tally")
        if locked.paper_voters and not locked.paper_tallies.exists():
            raise ValidationError(_("尚未录入纸质选票的计票结果"))
        given = _read_shares(locked, shares)
        opener = crypto.Opener(given, locked.public_key)
        if not opener.matches:
            raise ValidationError(_("各份额合成的密钥与本次投票的公钥不符，请核对监票人的份额"))
        sealed = list(locked.casts.values_list("sealed", flat=True))
        plaintexts: list[str] = []
        unreadable = 0
        for box in sealed:
            try:
                plaintexts.append(opener.open(box, _context(locked, "cast")).decode("utf-8"))
            except (InvalidTag, ValueError, UnicodeDecodeError):
                unreadable += 1  # a damaged cast counts as an invalid ballot, never fails the count
        RNG.shuffle(plaintexts)
        totals, invalid = _count(locked, plaintexts)
        invalid += unreadable
        del plaintexts
        paper = locked.paper_tallies.first()
        if paper is not None and paper.sealed_counts:
            rows = json.loads(opener.open(paper.sealed_counts, _context(locked, "paper")))
            for code, grade, n in rows:
                key = f"{code}={grade}" if grade else code
                totals[key] = totals.get(key, 0) + int(n)
        del opener
        trackers = sorted(crypto.tracker(s) for s in sealed)
        locked.totals = totals
        locked.electronic_casts = len(sealed)
        locked.electronic_invalid = invalid
        locked.trackers = trackers
        locked.published_hash = crypto.trackers_hash(trackers)
        return _finish(
            actor,
            locked,
            "tally",
            {
                "casts": len(sealed),
                "hash": locked.published_hash,
                "tellers": sorted(s.number for s in given),
            },
        )


def ballot_publish(*, actor: Actor, ballot: Ballot) -> Ballot:
    """Publish the totals and the verification data, once; the owner module hears of it."""
    require_capability(actor, MANAGE, ballot.org_path)
    with transaction.atomic():
        locked = _finish(actor, _lock(ballot, "publish"), "publish")
        if locked.owner:
            from gonghui.democracy.services.ballot_engine import notify_owner

            transaction.on_commit(lambda: notify_owner(locked.pk))
    return locked


def ballot_further_round(*, actor: Actor, ballot: Ballot) -> Ballot:
    """另行选举: a new draft ballot for the seats left, among the candidates not elected, with
    the same electorate and tellers (a new key is made when it opens)."""
    from gonghui.democracy.selectors.ballot_results import election_result

    require_capability(actor, MANAGE, ballot.org_path)
    if ballot.kind != BallotKind.ELECTION or not ballot.counted:
        raise ValidationError(_("只有已计票的选举可以另行选举"))
    if ballot.further_rounds.exists():
        raise ValidationError(_("已安排另行选举"))
    result = election_result(ballot)
    if result.seats_left <= 0:
        raise ValidationError(_("应选名额已全部选出"))
    with transaction.atomic():
        further = ballot_create(
            actor=actor,
            session=ballot.session,
            org=ballot.org,
            electorate=ballot.electorate,
            employer=ballot.employer,
            voters=list(ballot.slots.values_list("name", flat=True))
            if ballot.electorate == Electorate.NAMED
            else None,
            kind=BallotKind.ELECTION,
            title=ballot.title
            if ballot.parent_id is not None
            else _("%(title)s（另行选举）") % {"title": ballot.title},
            options=[row.option.label for row in result.rows if not row.elected],
            seats=result.seats_left,
            pass_rule=ballot.pass_rule,
            parent=ballot,
            owner=ballot.owner,
            owner_ref=ballot.owner_ref,
        )
        names = list(ballot.tellers.values_list("name", flat=True))
        if len(names) >= 2:
            ballot_tellers_set(
                actor=actor, ballot=further, names=names, needed=ballot.tellers_needed
            )
    return further
