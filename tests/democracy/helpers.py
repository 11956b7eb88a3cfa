"""Builders for the democracy tests: a congress of the EAST grassroots union with delegates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gonghui.core import registry
from gonghui.democracy import congress as svc
from gonghui.democracy.models import Congress, Delegate, Term
from gonghui.members.models import Member
from tests.conftest import Cast, fresh

ELECTED = dt.date(2025, 1, 10)


def officer(cast: Cast) -> Any:
    return fresh(cast.grassroots_officer)


def make_congress(cast: Cast, staff: int = 1000, female: int = 0) -> tuple[Congress, Term]:
    existing = Congress.objects.filter(org=cast.grassroots).first()
    if existing is not None:
        return existing, existing.terms.get(number=1)
    actor = officer(cast)
    congress = svc.congress_create(
        actor=actor,
        org=cast.grassroots,
        name="东方机械职工代表大会",
        staff_count=staff,
        female_staff_count=female,
    )
    term = svc.term_create(
        actor=actor, congress=congress, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2029, 12, 31)
    )
    return congress, term


def elect(
    cast: Cast,
    term: Term,
    count: int,
    group: str = "frontline",
    gender: str = "M",
    prefix: str = "代表",
) -> list[Delegate]:
    """Bulk delegates for quorum arithmetic (the service is exercised by the other tests)."""
    start = term.delegates.count()
    return Delegate.objects.bulk_create(
        Delegate(
            term=term,
            org_path=term.org_path,
            name=f"{prefix}{start + i}",
            gender=gender,
            group=group,
            constituency="一车间",
            elected_on=ELECTED,
        )
        for i in range(count)
    )


def link_member(cast: Cast, delegate: Delegate, account: Any, number: str) -> Member:
    """Give ``delegate`` a member record whose phone account is ``account``."""
    from tests.members.test_registry import register, resident

    member = register(cast, number=resident(number), name=delegate.name, phone="")
    member.account = account
    member.save(update_fields=["account"])
    delegate.member = member
    delegate.save(update_fields=["member"])
    return member


@contextmanager
def fake_appeal_receiver() -> Iterator[list[dict[str, Any]]]:
    """Stand in for the voice app's receiver and restore whatever was registered before."""
    calls: list[dict[str, Any]] = []
    saved = list(registry._handoffs)

    class Appeal:
        pk = 77

        def get_absolute_url(self) -> str:
            return "/voice/appeals/77/"

    def receive(**kwargs: Any) -> Appeal:
        calls.append(kwargs)
        return Appeal()

    registry.register_handoff("voice.appeal.suggestion", receive)
    try:
        yield calls
    finally:
        registry._handoffs[:] = saved
