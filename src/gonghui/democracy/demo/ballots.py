"""Demo ballots, all through the engine (ADR 0011). In the held session (called from demo.seed
while it is open): a decision voted on phone and paper, tallied by two of its three tellers and
published; an election whose shortfall goes to 另行选举; a 民主评议 with one leader under the
satisfaction threshold. Beside them, an open 会员大会 ballot of the union's members that member01
can vote in on the phone; its tellers' shares, shown once at opening, are written for the demo to
``var/demo_ballot_shares.txt`` (0600) so that a visitor can close and tally it."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from gonghui.core.scoping import Actor
from gonghui.democracy.models import Ballot, Electorate, Session, VoterSlot
from gonghui.democracy.services import ballots as svc

TELLERS = ["王监票", "赵监票", "刘计票"]
SHARES_FILE = "demo_ballot_shares.txt"


def _paper(actor: Actor, ballot: Ballot, invalid: int, counts: dict[tuple[str, str], int]) -> None:
    unvoted = list(
        VoterSlot.objects.filter(ballot=ballot, voted=False).values_list("pk", flat=True)
    )
    svc.ballot_paper_mark(actor=actor, ballot=ballot, slot_ids=unvoted)
    svc.ballot_close(actor=actor, ballot=ballot)
    svc.ballot_paper_tally(
        actor=actor,
        ballot=ballot,
        returned=len(unvoted),
        invalid=invalid,
        scrutineers="、".join(TELLERS[:2]),
        counters=TELLERS[2],
        signed_off=True,
        counts=counts,
    )


def _start(actor: Actor, **kwargs: Any) -> tuple[Ballot, list[str]]:
    ballot = svc.ballot_create(actor=actor, **kwargs)
    svc.ballot_tellers_set(actor=actor, ballot=ballot, names=TELLERS, needed=2)
    svc.ballot_freeze(actor=actor, ballot=ballot)
    opened = svc.ballot_open(actor=actor, ballot=ballot)
    return opened.ballot, [share for _teller, share in opened.shares]


def _tally_publish(actor: Actor, ballot: Ballot, shares: list[str]) -> None:
    # Two of the three tellers come to the count: the third share is not needed.
    svc.ballot_tally(actor=actor, ballot=ballot, shares=[shares[0], shares[2]])
    svc.ballot_publish(actor=actor, ballot=ballot)


def seed_ballots(builder: Any, session: Session) -> None:
    actor = builder.actor
    # 1. A decision: the delegates with a phone account vote on it, the others on paper.
    decision, shares = _start(
        actor, session=session, kind="decision", title="表决通过《集体合同（草案）》"
    )
    phone = 0
    for slot in decision.slots.select_related("account").filter(account__isnull=False):
        assert slot.account is not None  # the filter above
        svc.ballot_cast(actor=slot.account, ballot=decision, choice="Y" if phone % 5 else "A")
        phone += 1
    paper = decision.slots.count() - phone
    no, abstain = min(2, paper), min(1, max(0, paper - 2))
    _paper(actor, decision, 0, {("Y", ""): paper - no - abstain, ("N", ""): no,
                                ("A", ""): abstain})  # fmt: skip
    _tally_publish(actor, decision, shares)

    # 2. An election, 3 seats among 5: two reach 过半数, the third seat goes to 另行选举.
    election, shares = _start(
        actor,
        session=session,
        kind="election",
        title="选举工会委员会委员",
        seats=3,
        options=["张建华", "李秀英", "王志强", "陈丽娟", "刘国栋"],
    )
    n = election.slots.count()
    half = n // 2
    _paper(actor, election, 0, {("1", ""): n - 4, ("2", ""): n - 8, ("3", ""): half,
                                ("4", ""): half, ("5", ""): 8})  # fmt: skip
    _tally_publish(actor, election, shares)
    svc.ballot_further_round(actor=actor, ballot=Ballot.objects.get(pk=election.pk))

    # 3. 民主评议 of the chair and the vice-chair.
    appraisal, shares = _start(
        actor,
        session=session,
        kind="appraisal",
        title="民主评议工会主席、副主席",
        options=["工会主席 周明", "工会副主席 孙丽"],
    )
    n = appraisal.slots.count()
    _paper(actor, appraisal, 0, {("1", "E"): n - 12, ("1", "C"): 9, ("1", "B"): 2,
                                 ("1", "U"): 1, ("2", "E"): n - 20, ("2", "C"): 13,
                                 ("2", "B"): 5, ("2", "U"): 2})  # fmt: skip
    _tally_publish(actor, appraisal, shares)

    # 4. Open: a 会员大会 of the union's members, voting on the phone now.
    assert session.term.congress.org is not None
    members, shares = _start(
        actor,
        org=session.term.congress.org,
        electorate=Electorate.MEMBERS,
        kind="decision",
        title="会员大会表决：职工互助保障活动实施方案",
    )
    _write_shares(members, shares)


def _write_shares(ballot: Ballot, shares: list[str]) -> None:
    """Demo only: the shares that a real opening shows once on paper, kept for the visitor."""
    path = settings.VAR_DIR / SHARES_FILE
    lines = [f"{ballot.title}（投票编号 {ballot.pk}，公钥指纹 {ballot.fingerprint}）"]
    lines += [f"{n}号监票人 {name}：{share}" for n, (name, share) in enumerate(
        zip(TELLERS, shares, strict=True), start=1)]  # fmt: skip
    lines.append("计票时任选其中2份输入。")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
