"""Phone pages under /m/democracy/: delegates draft and second motions, check in and rate
replies; staff follow motions and read disclosures, ask questions and answer the poll."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import run_service
from gonghui.democracy.forms import congress as forms
from gonghui.democracy.models import Delegate, Rating
from gonghui.democracy.selectors import congress as selectors
from gonghui.democracy.selectors.ballots import member_ballots
from gonghui.democracy.services import congress as congress_svc
from gonghui.democracy.services import disclosure as disclosure_svc
from gonghui.democracy.services import motions as svc
from gonghui.democracy.views.congress import qr_svg, scan_url


def _seat(request: ViewerRequest, term_id: int | None = None) -> Delegate | None:
    seats = svc.delegate_seats(request.user)
    if term_id is not None:
        seats = [s for s in seats if s.term_id == term_id]
    return seats[0] if seats else None


@login_required
@require_GET
def home(request: ViewerRequest) -> HttpResponse:
    seats = svc.delegate_seats(request.user)
    sessions = selectors.delegate_sessions(seats=seats)
    to_second = selectors.motions_to_second(seats=seats)
    mine = selectors.delegate_motions(seats=seats)
    return render(
        request,
        "democracy/m_home.html",
        {
            "seats": seats,
            "sessions": sessions,
            "to_second": to_second,
            "mine": mine,
            "motions": selectors.member_motions(user=request.user)[:30],
            "disclosures": selectors.member_disclosures(user=request.user)[:30],
            "ballots": member_ballots(user=request.user)[:10],
        },
    )


@login_required
def motion_new(request: ViewerRequest) -> HttpResponse:
    seat = _seat(request)
    if seat is None:
        raise Http404
    form = forms.MotionDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result: dict[str, Any] = {}

        def draft() -> None:
            result["m"] = svc.motion_draft(actor=request.user, delegate=seat, **form.cleaned_data)

        if run_service(request, draft, _("提案已保存，请邀请代表附议")):
            return redirect("democracy_m:motion", pk=result["m"].pk)
    return render(request, "democracy/m_motion_new.html", {"form": form})


@login_required
@require_GET
def motion_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    motion = selectors.member_motion_get(user=request.user, pk=pk)
    seat = _seat(request, motion.proposer.term_id)
    return render(
        request,
        "democracy/m_motion.html",
        {
            "motion": motion,
            "deadline": svc.motion_deadline(motion),
            "seat": seat,
            "is_proposer": seat is not None and seat.pk == motion.proposer_id,
            "signed": seat is not None and motion.signers.filter(delegate=seat).exists(),
            "signers": motion.signers.select_related("delegate"),
            "milestones": motion.milestones.all(),
            "ratings": Rating.choices,
        },
    )


@login_required
@require_POST
def motion_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    motion = selectors.member_motion_get(user=request.user, pk=pk)
    seat = _seat(request, motion.proposer.term_id)
    if seat is None:
        raise Http404
    user = request.user
    actions: dict[str, tuple[Any, str]] = {
        "second": (
            lambda: svc.motion_second(actor=user, motion=motion, delegate=seat),
            _("已附议"),
        ),
        "submit": (lambda: svc.motion_submit(actor=user, motion=motion), _("提案已提交")),
        "rate": (
            lambda: svc.motion_rate(
                actor=user,
                motion=motion,
                rating=request.POST.get("rating", ""),
                comment=request.POST.get("comment", ""),
            ),
            _("感谢您的评价"),
        ),
    }
    if action not in actions:
        raise Http404
    run, success = actions[action]
    run_service(request, run, success)
    return redirect("democracy_m:motion", pk=pk)


@login_required
@require_GET
def checkin(request: ViewerRequest, pk: int) -> HttpResponse:
    """The delegate's QR for the officer at the door."""
    seats = svc.delegate_seats(request.user)
    session = selectors.delegate_session_get(seats=seats, pk=pk)
    seat = next(s for s in seats if s.term_id == session.term_id)
    token = congress_svc.checkin_token(session, seat)
    return render(
        request,
        "democracy/m_checkin.html",
        {
            "session": session,
            "seat": seat,
            "qr": qr_svg(scan_url(request, session.pk, token)),
            "token": token,
            "checked_in": session.attendances.filter(delegate=seat).exists(),
        },
    )


@login_required
@require_GET
def disclosure_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    item = selectors.member_disclosure_get(user=request.user, pk=pk)
    disclosure_svc.item_read(actor=request.user, item=item)
    user = request.user
    mine = item.votes.filter(user=user).first()
    return render(
        request,
        "democracy/m_disclosure.html",
        {
            "item": item,
            "questions": item.questions.filter(asked_by=user),
            "ratings": Rating.choices,
            "my_vote": mine.rating if mine else "",
        },
    )


@login_required
@require_POST
def disclosure_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    item = selectors.member_disclosure_get(user=request.user, pk=pk)
    if action == "ask":
        run_service(
            request,
            lambda: disclosure_svc.question_ask(
                actor=request.user, item=item, question=request.POST.get("question", "")
            ),
            _("问题已提交，将在规定期限内答复"),
        )
    elif action == "vote":
        run_service(
            request,
            lambda: disclosure_svc.item_vote(
                actor=request.user, item=item, rating=request.POST.get("rating", "")
            ),
            _("感谢您的评价"),
        )
    else:
        raise Http404
    return redirect("democracy_m:disclosure", pk=pk)
