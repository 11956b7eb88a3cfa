"""JSON API of the app: sessions (with the quorum a ballot engine needs) and motions, scoped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Path, Query, Router, Schema

from gonghui.core.api_schemas import ErrorOut, InvalidOut
from gonghui.core.scoping import ViewerRequest
from gonghui.democracy.models import Motion, MotionState
from gonghui.democracy.selectors import congress as selectors
from gonghui.democracy.services import congress

router = Router(tags=["democracy"])

MAX_ID = 2**63 - 1
_SCOPED: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}


class SessionOut(Schema):
    id: int
    title: str
    scheduled_for: dt.date
    state: str
    in_office: int
    present: int
    needed: int
    can_sit: bool
    may_vote: bool


class MotionOut(Schema):
    id: int
    number: int | None
    title: str
    state: str
    proposer: str
    department: str
    due_on: dt.date | None
    replied_on: dt.date | None
    rating: str
    progress: int


class MotionQuery(Schema):
    state: MotionState | None = None


@router.get("/sessions/{id}", response={200: SessionOut, **_SCOPED}, url_name="democracy_session")
def session_detail(request: ViewerRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """A session in scope: its state and live 2/3 quorum; ``may_vote`` is what a ballot needs."""
    session = selectors.session_get(viewer=request.user, pk=id)
    quorum = congress.session_quorum(session)
    return {
        "id": session.pk,
        "title": session.title,
        "scheduled_for": session.scheduled_for,
        "state": session.state,
        "in_office": quorum.in_office,
        "present": quorum.present,
        "needed": quorum.needed,
        "can_sit": quorum.can_sit,
        "may_vote": congress.session_may_vote(session),
    }


def _motion(m: Motion) -> dict[str, Any]:
    return {
        "id": m.pk,
        "number": m.number,
        "title": m.title,
        "state": m.state,
        "proposer": m.proposer.name,
        "department": m.department.name if m.department else "",
        "due_on": m.due_on,
        "replied_on": m.replied_on,
        "rating": m.rating,
        "progress": m.progress,
    }


@router.get("/motions", response={200: list[MotionOut], **_SCOPED}, url_name="democracy_motions")
def motion_list(request: ViewerRequest, params: Query[MotionQuery]) -> list[dict[str, Any]]:
    """Motions in scope (at most 500, newest first), optionally of one state."""
    filters = selectors.MotionFilters(state=params.state.value if params.state else "")
    return [_motion(m) for m in selectors.motion_list(viewer=request.user, filters=filters)[:500]]


@router.get("/motions/{id}", response={200: MotionOut, **_SCOPED}, url_name="democracy_motion")
def motion_detail(request: ViewerRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return _motion(selectors.motion_get(viewer=request.user, pk=id))


# --- secret ballots (ADR 0011): counts and, once published, the verification data; never who
# chose what, nor how anyone voted.


class BallotOut(Schema):
    id: int
    title: str
    kind: str
    electorate: str
    state: str
    pass_rule: str
    fingerprint: str
    eligible: int
    voted: int
    published: bool
    tally: dict[str, int]
    published_hash: str
    published_trackers: list[str]


@router.get("/ballots/{id}", response={200: BallotOut, **_SCOPED}, url_name="democracy_ballot")
def ballot_detail(request: ViewerRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """A ballot in scope: turnout; the totals (phone and paper together) once the tellers have
    tallied; the sorted SHA-256 of the sealed casts and their hash once published."""
    from gonghui.democracy.selectors.ballot_results import ballot_result
    from gonghui.democracy.selectors.ballots import ballot_get

    ballot = ballot_get(viewer=request.user, pk=id)
    slots = ballot.slots.all()
    tally: dict[str, int] = {}
    if ballot.counted:
        for row in ballot_result(ballot).rows:
            if row.grades:
                tally.update({f"{row.option.code}={g}": n for g, n in row.grades.items()})
            else:
                tally[row.option.code] = row.votes
    published = ballot.state == "published"
    return {
        "id": ballot.pk,
        "title": ballot.title,
        "kind": ballot.kind,
        "electorate": ballot.electorate,
        "state": ballot.state,
        "pass_rule": ballot.pass_rule,
        "fingerprint": ballot.fingerprint,
        "eligible": slots.count(),
        "voted": slots.filter(voted=True).count(),
        "published": published,
        "tally": tally,
        "published_hash": ballot.published_hash if published else "",
        "published_trackers": ballot.trackers if published else [],
    }
