"""What a member counts under at their union (core.counters): the registry's direct figures.

Only current members (正常 and 保留会籍) are counted. Age is kept as the birth year and new
members as the join month, so that age bands and "new this period" are sums at reading time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Count, Q

from gonghui.core import counters
from gonghui.members.models import Card, CardStatus, Member, MemberStatus

CURRENT = (MemberStatus.ACTIVE, MemberStatus.RETAINED)
PREFIXES = ("members.", "cards.")
# Kept as one row per union with the counts per year / month inside (core.spreads).
DIMENSIONS = ("members.born", "members.joined")


def keys_of(values: dict[str, Any], *, cards: int) -> list[tuple[str, str]]:
    """The (path, key) pairs of one member, from a dict of its fields."""
    if values["status"] not in CURRENT:
        return []
    path = values["org_path"]
    keys = [
        "members.current",
        f"members.status.{values['status']}",
        f"members.gender.{values['gender']}",
        f"members.born.{values['birth_date'].year}",
        f"members.joined.{values['joined_on']:%Y-%m}",
    ]
    if values.get("migrant_worker"):
        keys.append("members.migrant")
    if values.get("new_employment"):
        keys.append("members.new_employment")
    if values.get("household_type"):
        keys.append(f"members.household.{values['household_type']}")
    keys.extend(["cards.active"] * cards)
    return [(path, key) for key in keys]


FIELDS = (
    "status",
    "org_path",
    "gender",
    "birth_date",
    "joined_on",
    "migrant_worker",
    "new_employment",
    "household_type",
)


def member_keys(member: Member, *, with_cards: bool = False) -> list[tuple[str, str]]:
    """The member's pairs now; with their active cards when the member moves (the card
    functions count issued and voided cards themselves)."""
    values = {f: getattr(member, f) for f in FIELDS}
    cards = (
        Card.objects.filter(member_id=member.pk, status=CardStatus.ACTIVE).count()
        if with_cards
        else 0
    )
    return keys_of(values, cards=cards)


def _rows(members: Iterable[dict[str, Any]]) -> Iterator[tuple[str, str, int]]:
    for values in members:
        for path, key in keys_of(values, cards=values["active_cards"]):
            yield path, key, 1


def source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    """Every member counter from the table (``rebuild_counters``), or those of some unions."""
    members = Member.objects.filter(status__in=CURRENT)
    if paths is not None:
        members = members.filter(org_path__in=paths)
    rows = members.annotate(
        active_cards=Count("cards", filter=Q(cards__status=CardStatus.ACTIVE))
    ).values(*FIELDS, "active_cards")
    yield from _rows(rows.iterator(chunk_size=5000))


def recount(paths: list[str]) -> None:
    """Recompute the member counters of these unions exactly (after a merge moved members)."""
    counters.recount(paths, PREFIXES, source(paths))
