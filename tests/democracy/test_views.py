"""Pages: an officer runs a session and a motion; a delegate works from the phone."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import Notification
from gonghui.democracy.models import Attendance, Motion, MotionState, Session
from gonghui.democracy.services import congress as congress_svc
from gonghui.democracy.services import motions as motion_svc
from tests.conftest import Cast
from tests.factories import elect, link_member, make_account, make_congress, officer, published


def test_officer_pages_render(cast: Cast) -> None:
    congress, term = make_congress(cast)
    people = elect(cast, term, 3)
    session = congress_svc.session_create(
        actor=officer(cast), term=term, title="一届一次职代会", scheduled_for=timezone.localdate()
    )
    motion = motion_svc.motion_draft(
        actor=officer(cast), delegate=people[0], title="改善食堂", content="增加夜宵"
    )
    item = published(cast)
    client = Client()
    client.force_login(cast.grassroots_officer)
    for url in [
        reverse("democracy:index"),
        reverse("democracy:rule"),
        reverse("democracy:congress_detail", args=[congress.pk]),
        reverse("democracy:session_detail", args=[session.pk]),
        reverse("democracy:session_quorum", args=[session.pk]),
        reverse("democracy:session_scan", args=[session.pk]),
        reverse("democracy:session_report", args=[session.pk]),
        reverse("democracy:motion_list"),
        reverse("democracy:motion_detail", args=[motion.pk]),
        reverse("democracy:reports"),
        reverse("democracy:plan_list"),
        reverse("democracy:plan_detail", args=[item.plan_id]),
        reverse("democracy:plan_board", args=[item.plan_id]),
        reverse("democracy:item_detail", args=[item.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    export = client.get(reverse("democracy:motion_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_officer_runs_a_session_from_the_page(cast: Cast) -> None:
    congress, term = make_congress(cast)
    people = elect(cast, term, 3)
    client = Client()
    client.force_login(cast.grassroots_officer)
    client.post(
        reverse("democracy:congress_add", args=[congress.pk, "session"]),
        {"title": "一届二次职代会", "scheduled_for": "2026-12-20"},
    )
    session = Session.objects.get(title="一届二次职代会")
    client.post(reverse("democracy:session_action", args=[session.pk, "send_materials"]))
    for delegate in people[:2]:
        client.post(reverse("democracy:session_checkin", args=[session.pk, delegate.pk]))
    client.post(reverse("democracy:session_action", args=[session.pk, "open"]))
    session.refresh_from_db()
    assert session.state == "open" and congress_svc.session_may_vote(session)  # 2 of 3


def test_a_delegate_drafts_checks_in_and_rates_from_the_phone(cast: Cast) -> None:
    _congress, term = make_congress(cast)
    proposer, a, b = elect(cast, term, 3)
    account = make_account("member", "phone_delegate")
    link_member(cast, proposer, account, "41010519850101001")
    session = congress_svc.session_create(
        actor=officer(cast), term=term, title="一届三次", scheduled_for=dt.date(2026, 12, 1)
    )
    phone = Client()
    phone.force_login(account)
    home = phone.get(reverse("democracy_m:home"))
    assert "提出提案" in home.content.decode()
    response = phone.post(
        reverse("democracy_m:motion_new"), {"title": "增设母婴室", "content": "女职工需要。"}
    )
    motion = Motion.objects.get(title="增设母婴室")
    assert response.status_code == 302
    for seat in (a, b):
        motion_svc.motion_second(actor=officer(cast), motion=motion, delegate=seat)
    phone.post(reverse("democracy_m:motion_action", args=[motion.pk, "submit"]))
    motion.refresh_from_db()
    assert motion.state == MotionState.SUBMITTED

    checkin = phone.get(reverse("democracy_m:checkin", args=[session.pk]))
    assert b"<svg" in checkin.content
    token = congress_svc.checkin_token(session, proposer)
    door = Client()
    door.force_login(cast.grassroots_officer)
    door.post(reverse("democracy:session_scan", args=[session.pk]), {"token": token})
    assert Attendance.objects.filter(session=session, delegate=proposer, method="qr").exists()

    actor = officer(cast)
    motion = motion_svc.motion_accept(actor=actor, motion=motion)
    department = motion_svc.department_add(actor=actor, congress=motion.congress, name="工会办")
    motion = motion_svc.motion_assign(actor=actor, motion=motion, department=department)
    motion_svc.motion_reply(actor=actor, motion=motion, reply="年内建成。")
    assert Notification.objects.filter(
        recipient=account, template="democracy.motion.replied"
    ).exists()
    phone.post(
        reverse("democracy_m:motion_action", args=[motion.pk, "rate"]), {"rating": "satisfied"}
    )
    motion.refresh_from_db()
    assert motion.rating == "satisfied" and motion.state == MotionState.IMPLEMENTING
