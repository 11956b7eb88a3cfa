"""Objects of the other county that tests/test_scoping_walk.py walks (the honours routes): a
county call in 公示 with a candidate, an evidence file and an objection, and a holder on the
roster."""

from __future__ import annotations

import datetime as dt

from tests.conftest import Cast

CANDIDATE_SECRET = "东郊劳模候选人戊"
DEEDS_SECRET = "东区数控车间攻关七项"
HOLDER_SECRET = "东郊老劳模己"
EVIDENCE_SECRET = "东郊事迹材料.pdf"
OBJECTION_SECRET = "东郊异议内容庚"
CALL_SECRET = "东区2026年劳动模范评选"
SECRETS: list[str] = [
    CANDIDATE_SECRET,
    DEEDS_SECRET,
    HOLDER_SECRET,
    EVIDENCE_SECRET,
    OBJECTION_SECRET,
    CALL_SECRET,
]


def walk_objects(cast: Cast) -> dict[str, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.honors.models import AwardCall, AwardType, Honour, Nomination
    from gonghui.honors.services import calls, nominations, roster
    from tests.conftest import fresh
    from tests.factories import chair, resident

    boss = fresh(chair(cast.county, "east_walk_chair"))
    call = AwardCall.objects.unscoped(reason="test").filter(title=CALL_SECRET).first()
    if call is None:
        today = dt.date.today()
        call = calls.call_issue(
            actor=boss,
            award_type=AwardType.objects.get(code="county-model-worker"),
            org=cast.county,
            year=today.year,
            seats=3,
            nominations_due=today + dt.timedelta(days=20),
            title=CALL_SECRET,
        )
        candidate = nominations.nomination_create(
            actor=boss,
            call=call,
            org=cast.county,
            name=CANDIDATE_SECRET,
            id_number=resident("41010519770707007"),
            deeds=DEEDS_SECRET,
            flags={"enterprise": True, "front_line": True},
        )
        nominations.evidence_add(
            actor=boss,
            nomination=candidate,
            title=EVIDENCE_SECRET,
            upload=SimpleUploadedFile(EVIDENCE_SECRET, b"%PDF-1.4 walk"),
        )
        calls.call_close_nominations(actor=boss, call=call)
        call = calls.call_publish(actor=boss, call=call)
        nominations.objection_receive(
            actor=None, nomination=candidate, content=OBJECTION_SECRET, anonymous=True
        )
        roster.honour_record(
            actor=fresh(cast.grassroots_officer),
            award_type=AwardType.objects.get(code="city-model-worker"),
            org=cast.grassroots,
            name=HOLDER_SECRET,
            id_number=resident("41010519600101008"),
            conferred_on=dt.date(2022, 4, 28),
        )
    nomination = Nomination.objects.unscoped(reason="test").get(name=CANDIDATE_SECRET)
    return {
        "call": call.pk,
        "nomination": nomination.pk,
        "evidence": nomination.evidence.get().pk,
        "objection": nomination.objections.get().pk,
        "honour": Honour.objects.unscoped(reason="test").get(name=HOLDER_SECRET).pk,
    }


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    """Route name -> URL parameter -> values, for this app's routes with parameters."""
    o = {k: [str(v)] for k, v in walk_objects(cast).items()}
    call = {"pk": o["call"]}
    nomination = {"pk": o["nomination"]}
    return {
        "honors:call": call,
        "honors:composition": call,
        "honors:quota": call,
        "honors:call_step": {"pk": o["call"], "action": ["close", "publish", "approve"]},
        "honors:submit": call,
        "honors:nominate": call,
        "honors:publicity_print": call,
        "honors:certificates": call,
        "honors:board": call,
        "honors:export": call,
        "honors:nomination": nomination,
        "honors:consult": nomination,
        "honors:evidence": nomination,
        "honors:evidence_file": {"pk": o["evidence"]},
        "honors:answer": {"pk": o["objection"]},
        "honors:honour": {"pk": o["honour"]},
        "honors_m:publicity": call,
        "honors_m:objection": nomination,
    }
