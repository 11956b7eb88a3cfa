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


TELLERS = ["甲监票", "乙监票", "丙监票"]


def open_ballot(actor: Any, ballot: Any, needed: int = 2) -> tuple[Any, list[str]]:
    """Name three tellers (k = ``needed``), freeze the list and open: the ballot and the shares
    that the opening showed once."""
    from gonghui.democracy import ballots

    ballots.ballot_tellers_set(actor=actor, ballot=ballot, names=TELLERS, needed=needed)
    ballots.ballot_freeze(actor=actor, ballot=ballot)
    opened = ballots.ballot_open(actor=actor, ballot=ballot)
    return opened.ballot, [share for _teller, share in opened.shares]


def close_and_tally(actor: Any, ballot: Any, shares: list[str]) -> Any:
    """Close (if open) and let tellers 1 and 3 tally."""
    from gonghui.democracy import ballots
    from gonghui.democracy.models import Ballot

    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.state == "open":
        ballots.ballot_close(actor=actor, ballot=ballot)
    return ballots.ballot_tally(actor=actor, ballot=ballot, shares=[shares[0], shares[2]])


def dump_tables() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the database returns it."""
    from django.db import connection

    dump: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump[table] = list(cursor.fetchall())
    return dump
