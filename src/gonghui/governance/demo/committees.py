"""Demo data of the governance module, seeded by gonghui.demo after the union tree and members:
grassroots unions in every committee state (in office with its 经审 and 女职工 committees, due
within the reminder window (member01's), overdue, holding a 换届, none registered), and the
upper union's approval of the first one's formation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from gonghui.core.scoping import Actor
from gonghui.governance import rules
from gonghui.governance.services import committees, elections, formation
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org, OrgKind

FIRST = "ZZJS-JBL-001"  # member01's union


def _unions() -> list[Org]:
    """The unions with the most members (a committee needs enough for its band) and member01's,
    the last one left without a committee."""
    first = Org.objects.filter(code=FIRST).first()
    others = (
        Org.objects.filter(kind=OrgKind.GRASSROOTS)
        .exclude(code=FIRST)
        .annotate(n=Count("members", filter=Q(members__status=MemberStatus.ACTIVE)))
        .order_by("-n", "path")
    )
    biggest = list(others[:4])
    if first is None or len(biggest) < 4:
        return []
    # The biggest union has room for all three committees; member01's is due for election.
    return [biggest[0], first, *biggest[1:]]


def _people(org: Org) -> list[Member]:
    return list(Member.objects.filter(union=org, status=MemberStatus.ACTIVE).order_by("pk")[:60])


def _committee(actor: Actor, org: Org, people: list[Member], took: dt.date, years: int) -> None:
    band = rules.size_band(len(Member.objects.filter(union=org, status=MemberStatus.ACTIVE)))
    seats = band.min_seats if band else 3
    if len(people) < seats:
        return
    chosen = people[:seats]
    committees.committee_register(
        actor=actor,
        org=org,
        kind="main",
        chosen_by="assembly",
        term_years=years,
        took_office_on=took,
        seats=[(chosen[0], "chair"), (chosen[1], "vice_chair")]
        + [(p, "member") for p in chosen[2:]],
        approval_ref=f"{org.parent.name if org.parent else ''}批复〔{took.year}〕{org.pk}号",
    )


def seed(builder: Any) -> None:
    actor = builder.actor
    today = timezone.localdate()
    unions = _unions()
    if len(unions) < 5:
        return
    in_office, due, overdue, electing, _none = unions[:5]
    people = _people(in_office)
    _committee(actor, in_office, people, rules.add_years(today, -1), 5)
    # The 经审 and 女职工 committees from the end of the list, away from the main committee's.
    for kind, chosen in (("audit", people[-3:]), ("women", people[-6:-3])):
        if len(chosen) == 3:
            committees.committee_register(
                actor=actor,
                org=in_office,
                kind=kind,
                chosen_by="assembly",
                term_years=5,
                took_office_on=rules.add_years(today, -1),
                seats=[(chosen[0], "chair"), (chosen[1], "member"), (chosen[2], "member")],
            )
    if in_office.parent is not None:
        formation.formation_approve(
            actor=actor,
            org=in_office,
            approval_ref=f"{in_office.parent.name}批复〔2015〕8号",
            approved_on=dt.date(2015, 4, 1),
        )
    _committee(actor, due, _people(due), rules.add_months(rules.add_years(today, -3), 4), 3)
    _committee(
        actor, overdue, _people(overdue), rules.add_months(rules.add_years(today, -3), -2), 3
    )
    voters = _people(electing)
    _committee(actor, electing, voters, rules.add_months(rules.add_years(today, -5), 1), 5)
    election = elections.election_request(actor=actor, org=electing)
    election = elections.election_approve(
        actor=actor, election=election, approval_ref=f"换届批复〔{today.year}〕{electing.pk}号"
    )
    band = rules.size_band(len(Member.objects.filter(union=electing, status=MemberStatus.ACTIVE)))
    seats = band.min_seats if band else 3
    if len(voters) < seats + 1:
        return
    election = elections.election_adopt_method(
        actor=actor, election=election, electorate="members", seats=seats, term_years=5
    )
    for person in voters[: seats + max(1, -(-seats * 5 // 100))]:
        elections.candidate_nominate(
            actor=actor,
            election=election,
            member=person,
            role="chair" if person == voters[0] else "member",
            nominated_by="会员小组提名",
        )
