"""Reads of ballots, each starting from the viewer's scope (DESIGN.md rule 1) or, on the phone,
from the voter slots and teller seats of the signed-in account."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.core.scoping import Actor, Viewer, get_scoped_or_404, scoped
from gonghui.democracy.models import Ballot, BallotState, Session, SessionState, VoterSlot
from gonghui.democracy.services.ballots import voter_slots
from gonghui.orgs.models import Employer


def ballot_list(*, viewer: Viewer) -> QuerySet[Ballot]:
    return scoped(Ballot.objects.select_related("session", "org"), viewer).order_by("-pk")


def sessions_for_ballots(*, viewer: Viewer) -> QuerySet[Session]:
    """Sessions not yet closed, where a ballot may be prepared."""
    return scoped(
        Session.objects.exclude(state=SessionState.CLOSED).select_related("term__congress"),
        viewer,
    ).order_by("scheduled_for")


def employers_of(*, viewer: Viewer, org: Any) -> QuerySet[Employer]:
    """The employers a union covers: the staff electorates (职工大会) it may call."""
    return Employer.objects.for_viewer(viewer).filter(union=org).order_by("name")


def ballot_get(*, viewer: Viewer, pk: int) -> Ballot:
    return get_scoped_or_404(
        Ballot.objects.select_related("session__term__congress__org", "org", "employer"),
        viewer,
        pk=pk,
    )


def member_ballots(*, user: Actor) -> QuerySet[Ballot]:
    """Ballots where the account is a voter or a teller: open ones and published results."""
    slots = voter_slots(user).values("ballot_id")
    return (
        Ballot.objects.unscoped(reason="ballots where the account itself votes or tells")
        .filter(Q(pk__in=slots) | Q(tellers__account=user))
        .exclude(state=BallotState.DRAFT)
        .distinct()
        .select_related("session")
        .order_by("-pk")
    )


def member_ballot_get(*, user: Actor, pk: int) -> tuple[Ballot, VoterSlot | None]:
    """The ballot and the account's voter slot (None for a teller who does not vote); 404 for
    anyone else and for drafts."""
    ballot = member_ballots(user=user).filter(pk=pk).first()
    if ballot is None:
        raise Http404
    return ballot, voter_slots(user).filter(ballot=ballot).first()
