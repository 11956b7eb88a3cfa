"""Builders for the ballot tests: an open session of the EAST congress with delegates present."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gonghui.democracy import congress as svc
from gonghui.democracy.models import Attendance, Delegate, Session
from tests.conftest import Cast
from tests.democracy.helpers import elect, link_member, make_congress, officer
from tests.factories import make_account


def open_session(
    cast: Cast, in_office: int = 9, present: int | None = None
) -> tuple[Session, list[Delegate]]:
    """A session open with ``present`` (default all) of ``in_office`` delegates checked in."""
    _c, term = make_congress(cast)
    seats = elect(cast, term, in_office)
    actor = officer(cast)
    session = svc.session_create(
        actor=actor, term=term, title="一届三次职代会", scheduled_for=dt.date(2026, 12, 1)
    )
    now = timezone.now()
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            delegate=d,
            org_path=session.org_path,
            checked_in_at=now,
            method="officer",
        )
        for d in seats
    )
    svc.session_send_materials(actor=actor, session=session)
    session = svc.session_open(actor=actor, session=session)
    if present is not None:
        # The others walk out after the opening: the live quorum drops.
        Attendance.objects.filter(session=session, delegate__in=seats[present:]).update(left_at=now)
    return session, seats


_n = [0]


def voter(cast: Cast, delegate: Delegate) -> Any:
    """Give ``delegate`` a phone account; returns the account."""
    _n[0] += 1
    account = make_account("member", f"ballot_voter{delegate.pk}")
    link_member(cast, delegate, account, f"41010519800101{_n[0] % 1000:03d}")
    return account
