"""Reads of ballots, each starting from the viewer's scope (DESIGN.md rule 1) or, on the phone,
from the delegate seats of the signed-in member."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gonghui.core.scoping import get_scoped_or_404, scoped
from gonghui.democracy.models import Ballot, BallotState, Delegate, Session, SessionState, VoterSlot
from gonghui.democracy.motions import delegate_seats


def ballot_list(*, viewer: Any) -> QuerySet[Ballot]:
    return scoped(Ballot.objects.select_related("session"), viewer).order_by("-pk")


def sessions_for_ballots(*, viewer: Any) -> QuerySet[Session]:
    """Sessions not yet closed, where a ballot may be prepared."""
    return scoped(
        Session.objects.exclude(state=SessionState.CLOSED).select_related("term__congress"),
        viewer,
    ).order_by("scheduled_for")


def ballot_get(*, viewer: Any, pk: int) -> Ballot:
    return get_scoped_or_404(
        Ballot.objects.select_related("session__term__congress__org"), viewer, pk=pk
    )


def member_ballots(*, user: Any) -> QuerySet[Ballot]:
    """Ballots of the terms the member sits in: open ones and published results."""
    terms = [s.term_id for s in delegate_seats(user)]
    return (
        Ballot.objects.filter(session__term_id__in=terms)
        .exclude(state=BallotState.DRAFT)
        .select_related("session")
        .order_by("-pk")
    )


def member_ballot_get(*, user: Any, pk: int) -> tuple[Ballot, Delegate]:
    """The ballot and the member's seat in its term; 404 for anyone else."""
    seats = {s.term_id: s for s in delegate_seats(user)}
    ballot = Ballot.objects.filter(pk=pk, session__term_id__in=list(seats)).first()
    if ballot is None or ballot.state == BallotState.DRAFT:
        raise Http404
    return ballot, seats[ballot.session.term_id]


def slot_for(ballot: Ballot, delegate: Delegate) -> VoterSlot | None:
    return VoterSlot.objects.filter(ballot=ballot, delegate=delegate).first()
