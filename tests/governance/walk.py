"""Objects of the other county that tests/test_scoping_walk.py walks (its own leak test)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import Cast

CHAIR = "东区委员会机密主席"
CANDIDATE = "东区机密候选人"
ELECTION_REF = "东区换届机密批复"
FORMATION_REF = "东区建会机密批复"
SECRETS: list[str] = [CHAIR, CANDIDATE, ELECTION_REF, FORMATION_REF]


def _objects(cast: Cast) -> dict[str, object]:
    from gonghui.governance.models import Committee, Election, FormationApproval
    from gonghui.governance.services import elections, formation
    from gonghui.orgs.models import OrgKind
    from tests.factories import (
        committee_in_office,
        make_org,
        officer,
        register,
        resident,
        town_chair,
    )

    committee = Committee.objects.filter(org=cast.grassroots).first()
    if committee is None:
        people = [
            register(cast, resident(f"4101051977010{i}00{i}"), name=name, phone="")
            for i, name in enumerate([CHAIR, CANDIDATE, "东区委员丙"], start=1)
        ]
        committee = committee_in_office(cast, people, took_office_on=dt.date(2020, 1, 1))
        election = elections.election_request(actor=officer(cast), org=cast.grassroots)
        election = elections.election_approve(
            actor=town_chair(cast), election=election, approval_ref=ELECTION_REF
        )
        election = elections.election_adopt_method(
            actor=officer(cast), election=election, electorate="members", seats=3, term_years=3
        )
        elections.candidate_nominate(
            actor=officer(cast),
            election=election,
            member=people[1],
            role="member",
            nominated_by="东区会员小组",
        )
        new = make_org(cast.town, OrgKind.GRASSROOTS, "东区新工会")
        formation.formation_approve(
            actor=town_chair(cast),
            org=new,
            approval_ref=FORMATION_REF,
            approved_on=dt.date(2026, 1, 5),
        )
    election_row = Election.objects.get(org=cast.grassroots)
    return {
        "committee": committee,
        "seat": committee.seats.first(),
        "election": election_row,
        "union": FormationApproval.objects.get(approval_ref=FORMATION_REF).org,
    }


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    """Route name -> URL parameter -> values, for this app's routes with parameters."""
    o = {k: str(v.pk) for k, v in _objects(cast).items()}  # type: ignore[attr-defined]
    return {
        "governance:committee": {"pk": [o["committee"]]},
        "governance:seat_add": {"pk": [o["committee"]]},
        "governance:postpone": {"pk": [o["committee"]]},
        "governance:seat_end": {"pk": [o["seat"]]},
        "governance:formation_approve": {"pk": [o["union"]]},
        "governance:election": {"pk": [o["election"]]},
        "governance:election_action": {
            "pk": [o["election"]],
            "action": [
                "approve",
                "method",
                "nominate",
                "preselect",
                "open_vote",
                "count",
                "report",
                "confirm",
                "cancel",
            ],
        },
    }
