"""Objects of the other county that tests/test_scoping_walk.py walks (its own leak test)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import Cast

SECRETS: list[str] = [
    "东方机械职工代表大会",
    "东区代表甲",
    "东区提案：食堂延时供餐",
    "东区一届二次职代会",
    "东区厂务公开计划",
    "东区季度经营情况",
    "东区职工提问内容",
    "东区无记名表决事项",
    "东区候选人丙",
]


def _objects(cast: Cast) -> dict[str, object]:
    from gonghui.democracy.models import (
        Congress,
        DisclosureItem,
        DisclosurePlan,
        DisclosureQuestion,
        Motion,
    )
    from gonghui.democracy.services import congress, disclosure, motions
    from tests.conftest import fresh
    from tests.factories import elect, link_member, make_account, make_congress

    actor = fresh(cast.grassroots_officer)
    existing = Congress.objects.filter(org=cast.grassroots).first()
    _c, term = make_congress(cast)
    if existing is None or not term.sessions.exists():
        session = congress.session_create(
            actor=actor, term=term, title="东区一届二次职代会", scheduled_for=dt.date(2026, 12, 1)
        )
        people = elect(cast, term, 3, prefix="东区代表甲")
        motions.motion_draft(
            actor=actor, delegate=people[0], title="东区提案：食堂延时供餐", content="夜班。"
        )
        link_member(cast, people[0], make_account("member", "walk_delegate"), "41010519810101001")
        plan = disclosure.plan_create(
            actor=actor, org=cast.grassroots, year=2026, title="东区厂务公开计划"
        )
        item = disclosure.item_add(
            actor=actor,
            plan=plan,
            category="plans",
            title="东区季度经营情况",
            period="2026年第三季度",
            due_on=dt.date(2026, 10, 15),
        )
        disclosure.item_publish(actor=actor, item=item, content="东区季度经营情况正文")
        DisclosureQuestion.objects.create(
            item=item,
            org_path=item.org_path,
            question="东区职工提问内容",
            due_on=dt.date(2026, 12, 1),
        )
    session = term.sessions.first()
    assert session is not None
    return {
        "ballot": _ballot(cast, session),
        "congress": _c,
        "session": session,
        "delegate": term.delegates.first(),
        "motion": Motion.objects.filter(congress=_c).first(),
        "plan": DisclosurePlan.objects.filter(org=cast.grassroots).first(),
        "item": DisclosureItem.objects.filter(org_path=cast.grassroots.path).first(),
        "question": DisclosureQuestion.objects.filter(org_path=cast.grassroots.path).first(),
    }


def _ballot(cast: Cast, session: object) -> object:
    from gonghui.democracy.models import Ballot
    from gonghui.democracy.services.ballots import ballot_create
    from tests.conftest import fresh

    existing = Ballot.objects.filter(title="东区无记名表决事项").first()
    if existing is not None:
        return existing
    return ballot_create(
        actor=fresh(cast.grassroots_officer),
        session=session,  # type: ignore[arg-type]
        kind="election",
        title="东区无记名表决事项",
        options=["东区候选人甲", "东区候选人乙", "东区候选人丙"],
        seats=2,
    )


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    """Route name -> URL parameter -> values, for this app's routes with parameters."""
    o = {k: str(v.pk) for k, v in _objects(cast).items()}  # type: ignore[attr-defined]
    return {
        "democracy:congress_detail": {"pk": [o["congress"]]},
        "democracy:congress_add": {
            "pk": [o["congress"]],
            "what": ["term", "delegate", "session", "department"],
        },
        "democracy:delegate_leave": {"pk": [o["delegate"]]},
        "democracy:session_detail": {"pk": [o["session"]]},
        "democracy:session_quorum": {"pk": [o["session"]]},
        "democracy:session_edit": {"pk": [o["session"]]},
        "democracy:session_scan": {"pk": [o["session"]]},
        "democracy:session_report": {"pk": [o["session"]]},
        "democracy:session_checkin": {"pk": [o["session"]], "delegate": [o["delegate"]]},
        "democracy:session_leave": {"pk": [o["session"]], "delegate": [o["delegate"]]},
        "democracy:session_action": {
            "pk": [o["session"]],
            "action": ["send_materials", "open", "close"],
        },
        "democracy:motion_detail": {"pk": [o["motion"]]},
        "democracy:motion_action": {
            "pk": [o["motion"]],
            "action": ["accept", "return", "convert", "assign", "reply", "rate", "milestone"],
        },
        "democracy:plan_detail": {"pk": [o["plan"]]},
        "democracy:item_add": {"pk": [o["plan"]]},
        "democracy:plan_board": {"pk": [o["plan"]]},
        "democracy:item_detail": {"pk": [o["item"]]},
        "democracy:item_publish": {"pk": [o["item"]]},
        "democracy:question_answer": {"pk": [o["question"]]},
        "api:democracy_session": {"id": [o["session"]]},
        "api:democracy_motion": {"id": [o["motion"]]},
        "democracy_m:motion": {"pk": [o["motion"]]},
        "democracy_m:motion_action": {"pk": [o["motion"]], "action": ["second", "submit", "rate"]},
        "democracy_m:checkin": {"pk": [o["session"]]},
        "democracy_m:disclosure": {"pk": [o["item"]]},
        "democracy_m:disclosure_action": {"pk": [o["item"]], "action": ["ask", "vote"]},
        "democracy:ballot_create": {"pk": [o["session"]]},
        "democracy:ballot_detail": {"pk": [o["ballot"]]},
        "democracy:ballot_option_add": {"pk": [o["ballot"]]},
        "democracy:ballot_action": {
            "pk": [o["ballot"]],
            "action": ["freeze", "close", "publish", "further"],
        },
        "democracy:ballot_paper": {"pk": [o["ballot"]]},
        "democracy:ballot_tellers": {"pk": [o["ballot"]]},
        "democracy:ballot_open": {"pk": [o["ballot"]]},
        "democracy:ballot_tally": {"pk": [o["ballot"]]},
        "democracy:ballot_sheet": {"pk": [o["ballot"]]},
        "api:democracy_ballot": {"id": [o["ballot"]]},
        "democracy_m:ballot": {"pk": [o["ballot"]]},
        "democracy_m:ballot_published": {"pk": [o["ballot"]]},
    }
