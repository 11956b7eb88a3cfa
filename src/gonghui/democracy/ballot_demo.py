"""Demo ballots of the held session (called from demo.seed while it is open): a decision voted
on phone and paper and published, an election whose tie/shortfall goes to 另行选举, and a
民主评议 with one leader under the satisfaction threshold."""

from __future__ import annotations

from typing import Any

from gonghui.democracy import ballots as svc
from gonghui.democracy.models import Ballot, Session, VoterSlot


def _paper(actor: Any, ballot: Ballot, invalid: int, counts: dict[tuple[str, str], int]) -> None:
    unvoted = list(
        VoterSlot.objects.filter(ballot=ballot, voted=False).values_list("delegate_id", flat=True)
    )
    svc.ballot_paper_mark(actor=actor, ballot=ballot, delegate_ids=unvoted)
    svc.ballot_close(actor=actor, ballot=ballot)
    svc.ballot_paper_tally(
        actor=actor,
        ballot=ballot,
        returned=len(unvoted),
        invalid=invalid,
        scrutineers="王监票、赵监票",
        counters="刘计票",
        signed_off=True,
        counts=counts,
    )


def _start(actor: Any, session: Session, **kwargs: Any) -> Ballot:
    ballot = svc.ballot_create(actor=actor, session=session, **kwargs)
    svc.ballot_freeze(actor=actor, ballot=ballot)
    return svc.ballot_open(actor=actor, ballot=ballot)


def seed_ballots(builder: Any, session: Session) -> None:
    actor = builder.actor
    # 1. A decision: the delegates with a phone account vote on it, the others on paper.
    decision = _start(actor, session, kind="decision", title="表决通过《集体合同（草案）》")
    phone = 0
    for slot in decision.slots.select_related("delegate__member__account"):
        member = slot.delegate.member
        if member is not None and member.account is not None:
            choice = "Y" if phone % 5 else "A"
            svc.ballot_cast(actor=member.account, ballot=decision, delegate=slot.delegate,
                            choice=choice)  # fmt: skip
            phone += 1
    paper = decision.slots.count() - phone
    no, abstain = min(2, paper), min(1, max(0, paper - 2))
    _paper(actor, decision, 0, {("Y", ""): paper - no - abstain, ("N", ""): no,
                                ("A", ""): abstain})  # fmt: skip
    svc.ballot_publish(actor=actor, ballot=decision)

    # 2. An election, 3 seats among 5: two reach 过半数, the third seat goes to 另行选举.
    election = _start(
        actor,
        session,
        kind="election",
        title="选举工会委员会委员",
        seats=3,
        options=["张建华", "李秀英", "王志强", "陈丽娟", "刘国栋"],
    )
    n = election.slots.count()
    half = n // 2
    _paper(actor, election, 0, {("1", ""): n - 4, ("2", ""): n - 8, ("3", ""): half,
                                ("4", ""): half, ("5", ""): 8})  # fmt: skip
    svc.ballot_publish(actor=actor, ballot=election)
    svc.ballot_further_round(actor=actor, ballot=Ballot.objects.get(pk=election.pk))

    # 3. 民主评议 of the chair and the vice-chair.
    appraisal = _start(
        actor,
        session,
        kind="appraisal",
        title="民主评议工会主席、副主席",
        options=["工会主席 周明", "工会副主席 孙丽"],
    )
    n = appraisal.slots.count()
    _paper(actor, appraisal, 0, {("1", "E"): n - 12, ("1", "C"): 9, ("1", "B"): 2,
                                 ("1", "U"): 1, ("2", "E"): n - 20, ("2", "C"): 13,
                                 ("2", "B"): 5, ("2", "U"): 2})  # fmt: skip
    svc.ballot_publish(actor=actor, ballot=appraisal)
