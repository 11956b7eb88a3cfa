"""换届选举 on its declared transitions (core.workflow): the upper union's approval to start,
the 选举办法, nomination and 预选, the secret vote on the ballot engine (会员大会 or 会员代表大会,
另行选举 on ties), the count under the 2/3 quorum, the report to the upper union and its
批复, which puts the new committee in office and ends the old one on the same date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import counters, registry
from gonghui.core.audit import audit_record
from gonghui.core.inherited import nearest_rule
from gonghui.core.scoping import Actor, require_capability
from gonghui.core.workflow import transition
from gonghui.governance import rules
from gonghui.governance.models import (
    Candidate,
    ChosenBy,
    Committee,
    CommitteeKind,
    CommitteeSeat,
    CommitteeStatus,
    Election,
    ElectionRule,
    ElectionState,
    ElectorateKind,
    SeatRole,
)
from gonghui.governance.services.committees import (
    is_grassroots,
    member_count,
    seat_refusal,
)
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org
from gonghui.orgs.services.orgs import org_chair_change

MANAGE = "governance.manage"
APPROVE = "governance.approve"
OWNER = "governance.election"

# The election's workflow (core.workflow): transition name -> audit code.
ELECTION_TRANSITIONS = {
    "approve": "governance.election.approved",
    "adopt_method": "governance.election.method_adopted",
    "preselect": "governance.election.preselected",
    "open_vote": "governance.election.vote_opened",
    "runoff": "governance.election.runoff",
    "count": "governance.election.counted",
    "report": "governance.election.reported",
    "confirm": "governance.election.confirmed",
    "cancel": "governance.election.cancelled",
}


def rule_for(org: Org) -> ElectionRule:
    """The 选举办法 numbers in force at ``org``: its own row, the nearest ancestor's, the
    national default row, or the built-in defaults."""
    return (
        nearest_rule(ElectionRule, org.path, rows=ElectionRule.objects.unscoped(reason="rules"))
        or ElectionRule.objects.unscoped(reason="national default").filter(org__isnull=True).first()
        or ElectionRule()
    )


def _upper(actor: Actor) -> Any:
    """``permits(row)``: the actor holds the approval right at the union's parent."""

    def permits(row: Election) -> bool:
        parent = row.org.parent
        return parent is not None and actor.has_capability(APPROVE, parent.path)

    return permits


def election_request(*, actor: Actor, org: Org, kind: str = CommitteeKind.MAIN) -> Election:
    """申请换届: the union asks its upper union to approve starting the election."""
    require_capability(actor, MANAGE, org.path)
    if kind not in CommitteeKind.values:
        raise ValidationError({"kind": _("请选择委员会")})
    if org.parent_id is None:
        raise ValidationError(_("最上级工会的换届不在本系统审批"))
    with transaction.atomic():
        Org.objects.select_for_update().get(pk=org.pk)
        if (
            Election.objects.filter(org=org, kind=kind)
            .exclude(state__in=[ElectionState.CONFIRMED, ElectionState.CANCELLED])
            .exists()
        ):
            raise ValidationError(_("本会已有正在进行的换届选举"))
        election = Election.objects.create(
            org=org,
            org_path=org.path,
            kind=kind,
            previous=Committee.objects.filter(
                org=org, kind=kind, status=CommitteeStatus.IN_OFFICE
            ).first(),
            requested_by=actor,
        )
        counters.recount_source("governance", [org.path])
        audit_record(
            action="governance.election.requested",
            actor=actor,
            target=election,
            org_path=org.path,
            after={"kind": kind},
        )
    return election


def election_approve(*, actor: Actor, election: Election, approval_ref: str) -> Election:
    """The upper union agrees to the 换届 (and names its 批复)."""
    if not approval_ref.strip():
        raise ValidationError({"approval_ref": _("请填写批复文号")})

    def apply(row: Election) -> None:
        row.approval_ref = approval_ref.strip()

    return transition(
        election,
        "approve",
        actor=actor,
        capability=_upper(actor),
        apply=apply,
        data={"approval_ref": approval_ref.strip()},
    )


def election_adopt_method(
    *,
    actor: Actor,
    election: Election,
    electorate: str,
    seats: int,
    term_years: int,
    delegate_names: Sequence[str] = (),
) -> Election:
    """选举办法: who votes, how many seats, the term; the committee size and the term are checked
    here, before any candidate is named, and the rule's numbers are fixed for this election."""
    org = election.org
    if electorate not in ElectorateKind.values:
        raise ValidationError({"electorate": _("请选择选举方式")})
    names = [n.strip() for n in delegate_names if n.strip()]
    if electorate == ElectorateKind.DELEGATES and not names:
        raise ValidationError({"delegate_names": _("会员代表大会选举须填写会员代表名单")})
    if len(set(names)) != len(names):
        raise ValidationError({"delegate_names": _("会员代表名单有重复")})
    term = rules.term_decision(
        grassroots=is_grassroots(org), years=term_years, took_office_on=timezone.localdate()
    )
    if not term.ok:
        raise ValidationError({"term_years": term.reason})
    members = member_count(org)
    if election.kind == CommitteeKind.MAIN:
        size = rules.committee_size_check(members, seats)
        if not size.ok:
            raise ValidationError({"seats": list(size.reasons)})
    elif seats < 1:
        raise ValidationError({"seats": _("应选名额至少1名")})
    rule = rule_for(org)

    def apply(row: Election) -> None:
        row.electorate = electorate
        row.delegate_names = "\n".join(names)
        row.member_count = members
        row.entitled = len(names) if electorate == ElectorateKind.DELEGATES else members
        row.seats = seats
        row.term_years = term_years
        row.quorum_num, row.quorum_den = rule.quorum_num, rule.quorum_den
        row.min_surplus_pct = rule.min_surplus_pct

    return transition(
        election,
        "adopt_method",
        actor=actor,
        capability=MANAGE,
        apply=apply,
        data={"electorate": electorate, "seats": seats, "term_years": term_years},
    )


def candidate_nominate(
    *, actor: Actor, election: Election, member: Member, role: str, nominated_by: str
) -> Candidate:
    """A candidate: a member of the union with the right to stand (not 保留会籍)."""
    require_capability(actor, MANAGE, election.org_path)
    if role not in SeatRole.values:
        raise ValidationError({"role": _("请选择拟任职务")})
    if not nominated_by.strip():
        raise ValidationError({"nominated_by": _("请填写提名方式")})
    if refusal := seat_refusal(election.org, member):
        raise ValidationError({"member": refusal})
    with transaction.atomic():
        locked = Election.objects.select_for_update().get(pk=election.pk)
        if locked.state != ElectionState.NOMINATING:
            raise ValidationError(_("现在不是提名候选人阶段"))
        if locked.candidates.filter(member=member).exists():
            raise ValidationError({"member": _("%(name)s已是候选人") % {"name": member.name}})
        candidate = Candidate.objects.create(
            election=locked,
            org_path=locked.org_path,
            member=member,
            role=role,
            nominated_by=nominated_by.strip(),
        )
        audit_record(
            action="governance.candidate.nominated",
            actor=actor,
            target=candidate,
            org_path=locked.org_path,
            after={"role": role, "nominated_by": nominated_by.strip()},
        )
    return candidate


def election_preselect(*, actor: Actor, election: Election, passed: Iterable[int]) -> Election:
    """预选: the candidates who passed; they must exceed the seats by the 差额 rate."""
    chosen = set(passed)

    def check(row: Election) -> None:
        ids = set(row.candidates.values_list("pk", flat=True))
        if not chosen <= ids:
            raise ValidationError(_("预选名单中有非本次选举的候选人"))
        barred = [
            c.member.name
            for c in row.candidates.filter(pk__in=chosen).select_related("member")
            if c.member.status != MemberStatus.ACTIVE
        ]
        if barred:
            raise ValidationError(_("%(names)s已无被选举权") % {"names": "、".join(barred)})
        ok, reason = rules.surplus_check(
            candidates=len(chosen), seats=row.seats, min_pct=row.min_surplus_pct
        )
        if not ok:
            raise ValidationError(reason)

    def apply(row: Election) -> None:
        row.candidates.update(preselected=False)
        row.candidates.filter(pk__in=chosen).update(preselected=True)

    return transition(
        election,
        "preselect",
        actor=actor,
        capability=MANAGE,
        check=check,
        apply=apply,
        data={"candidates": len(chosen)},
    )


def _label(candidate: Candidate, taken: set[str]) -> str:
    label = candidate.member.name
    if label in taken:
        label = _("%(name)s（%(n)d号）") % {"name": label, "n": candidate.pk}
    taken.add(label)
    return label


def _create_ballot(
    actor: Actor, row: Election, candidates: list[Candidate], seats: int, tellers: list[str]
) -> int:
    """The secret ballot on the engine; each candidate remembers its option's code."""
    taken: set[str] = set()
    labels = [_label(c, taken) for c in candidates]
    electorate = (
        registry.Electorate("named", names=tuple(row.delegate_names.split("\n")))
        if row.electorate == ElectorateKind.DELEGATES
        else registry.Electorate("members")
    )
    title = _("%(org)s%(kind)s换届选举（第%(round)d轮）") % {
        "org": row.org.name,
        "kind": row.get_kind_display(),
        "round": row.round,
    }
    ballot_id = registry.ballot_engine().create(
        actor=actor,
        org=row.org,
        kind="election",
        title=title,
        electorate=electorate,
        options=labels,
        seats=seats,
        tellers=tellers,
        owner=OWNER,
        owner_ref=str(row.pk),
    )
    for position, candidate in enumerate(candidates, start=1):
        candidate.ballot_code = str(position)
        candidate.save(update_fields=["ballot_code"])
    return ballot_id


def election_open_vote(*, actor: Actor, election: Election, tellers: Sequence[str]) -> Election:
    """The vote: a secret ballot of the preselected candidates on the ballot engine; officers
    then name the tellers, fix the list, open, tally and publish on the engine's pages."""
    names = [t.strip() for t in tellers if t.strip()]

    def apply(row: Election) -> None:
        candidates = list(row.candidates.filter(preselected=True).select_related("member"))
        row.ballot_id = _create_ballot(actor, row, candidates, row.seats, names)

    return transition(election, "open_vote", actor=actor, capability=MANAGE, apply=apply)


def election_count(*, actor: Actor, election: Election, present: int) -> Election:
    """计票: only with the quorum present (2/3 by default); elected with more than half of
    those entitled; a tie at the last seat starts 另行选举 among the tied for the seats left."""
    require_capability(actor, MANAGE, election.org_path)
    with transaction.atomic():
        row = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
        if row.state != ElectionState.VOTING or row.ballot_id is None:
            raise ValidationError(_("现在不是计票阶段"))
        quorum = rules.election_quorum(
            entitled=row.entitled, present=present, num=row.quorum_num, den=row.quorum_den
        )
        if not quorum.can_count:
            raise ValidationError(quorum.reason)
        outcome = registry.ballot_engine().outcome(row.ballot_id)
        if outcome is None:
            raise ValidationError(_("选票尚未计票公布"))
        if outcome.voted > present:
            raise ValidationError(_("投票人数多于出席人数，请核对出席人数"))
        in_round = {
            c.ballot_code: c
            for c in row.candidates.filter(preselected=True, elected=False)
            .exclude(ballot_code="")
            .select_related("member")
        }
        votes = [(r.code, r.votes) for r in outcome.rows if r.code in in_round]
        already = row.candidates.filter(elected=True).count()
        result = rules.election_outcome(votes, seats=row.seats - already, entitled=row.entitled)
        for code, n in votes:
            candidate = in_round[code]
            candidate.votes = n  # this round's votes: a runoff's replace the tie's
            candidate.elected = code in result.elected
            candidate.in_runoff = code in result.runoff
            candidate.ballot_code = ""
            candidate.save(update_fields=["votes", "elected", "in_runoff", "ballot_code"])
        row.present = present
        data = {"present": present, "elected": len(result.elected), "runoff": len(result.runoff)}
        if result.runoff:
            tied = [in_round[code] for code in result.runoff]

            def next_round(r: Election) -> None:
                r.round += 1
                r.ballot_id = _create_ballot(actor, r, tied, result.runoff_seats, [])

            return transition(
                row,
                "runoff",
                actor=actor,
                capability=MANAGE,
                apply=next_round,
                data=data,
                locked=True,
            )

        def counted(r: Election) -> None:
            r.voted_on = timezone.localdate()

        return transition(
            row, "count", actor=actor, capability=MANAGE, apply=counted, data=data, locked=True
        )


def election_report(*, actor: Actor, election: Election) -> Election:
    """报上级批复: the result goes to the upper union."""

    def check(row: Election) -> None:
        if not row.candidates.filter(elected=True).exists():
            raise ValidationError(_("没有当选人，不能上报"))

    return transition(election, "report", actor=actor, capability=MANAGE, check=check)


def election_confirm(
    *, actor: Actor, election: Election, result_ref: str, took_office_on: dt.date
) -> Committee:
    """The upper union's 批复: the new committee takes office and the old one ends the same
    day, and a new 主席 replaces the old in the union's posts, all in one transaction."""
    if not result_ref.strip():
        raise ValidationError({"result_ref": _("请填写批复文号")})
    with transaction.atomic():
        row = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
        if not _upper(actor)(row):
            raise PermissionDenied(APPROVE)
        elected = list(row.candidates.filter(elected=True).select_related("member"))
        term = rules.term_decision(
            grassroots=is_grassroots(row.org), years=row.term_years, took_office_on=took_office_on
        )
        if not term.ok or term.due_on is None:
            raise ValidationError(term.reason)
        chairs = [c for c in elected if c.role == SeatRole.CHAIR]
        if len(chairs) > 1:
            raise ValidationError(_("当选的拟任主席多于一名，请由新一届委员会选举主席后再批复"))
        result: dict[str, Committee] = {}

        def take_office(r: Election) -> None:
            old = Committee.objects.select_for_update().filter(
                org=r.org, kind=r.kind, status=CommitteeStatus.IN_OFFICE
            )
            for committee in old:
                committee.seats.filter(ended_on__isnull=True).update(ended_on=took_office_on)
                committee.status = CommitteeStatus.ENDED
                committee.ended_on = took_office_on
                committee.save(update_fields=["status", "ended_on"])
            new = Committee.objects.create(
                org=r.org,
                org_path=r.org_path,
                kind=r.kind,
                chosen_by=(
                    ChosenBy.CONGRESS
                    if r.electorate == ElectorateKind.DELEGATES
                    else ChosenBy.ASSEMBLY
                ),
                term_years=r.term_years,
                took_office_on=took_office_on,
                election_due_on=term.due_on or took_office_on,
                approval_ref=result_ref.strip(),
            )
            CommitteeSeat.objects.bulk_create(
                CommitteeSeat(
                    committee=new,
                    org_path=r.org_path,
                    member=c.member,
                    role=c.role,
                    how_chosen=_("换届选举当选"),
                    started_on=took_office_on,
                )
                for c in elected
            )
            r.elected = new
            r.result_ref = result_ref.strip()
            r.confirmed_on = took_office_on
            result["committee"] = new
            if r.kind == CommitteeKind.MAIN and chairs:
                org_chair_change(
                    actor=actor, org=r.org, chair_name=chairs[0].member.name, on=took_office_on
                )

        transition(
            row,
            "confirm",
            actor=actor,
            capability=_upper(actor),
            apply=take_office,
            data={"result_ref": result_ref.strip(), "took_office_on": took_office_on.isoformat()},
            locked=True,
        )
        counters.recount_source("governance", [row.org_path])
    return result["committee"]


def election_cancel(*, actor: Actor, election: Election, reason: str) -> Election:
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因")})
    election = transition(election, "cancel", actor=actor, capability=MANAGE, reason=reason.strip())
    counters.recount_source("governance", [election.org_path])
    return election
