"""Every read of the member registry, from the viewer's scope (fails closed)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db.models import BooleanField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from gonghui.accounts.models import PHONE_RE, normalize_phone, phone_index
from gonghui.core.identifiers import normalize_code, resident_id_from_15
from gonghui.core.prepared import Prepared
from gonghui.core.scoping import (
    PATH_ALPHABET,
    VIEWER_SCOPE,
    Viewer,
    get_scoped_or_404,
    mark_scoped,
    path_upper,
    prefix_q,
    scope_q,
    scoped,
    viewer_paths,
)
from gonghui.members.models import Card, CardStatus, Member, MembershipChange, Transfer
from gonghui.members.services.cards import is_card_number
from gonghui.members.services.members import id_index
from gonghui.orgs.models import Org


@dataclass(frozen=True)
class MemberFilters:
    query: str = ""
    org: Org | None = None
    status: str = ""
    gender: str = ""
    migrant_worker: bool | None = None
    household_type: str = ""
    new_employment: str = ""
    age_band: str = ""  # one of AGE_BANDS
    employer_id: int | None = None


# Age bands of the statistics (DOMAIN.md §10 reports members by age band): (label, min, max).
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "16-24": (16, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55+": (55, None),
}


def _age_band_q(band: str, today: dt.date) -> Q:
    """Born within the band's years of age on ``today`` (a range on birth_date: indexable)."""
    low, high = AGE_BANDS[band]
    latest_birth = _years_before(today, low)
    q = Q(birth_date__lte=latest_birth)
    if high is not None:
        q &= Q(birth_date__gt=_years_before(today, high + 1))
    return q


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _query_kind(text: str) -> tuple[str, str]:
    """What a search term is: ("card" | "id" | "phone" | "name", the normalized term)."""
    code = normalize_code(text)
    if re.fullmatch(r"\d{15}", code):
        code = resident_id_from_15(code)
    if is_card_number(code):
        return "card", code
    # A passport number has digits; a Latin name (SMITH) has none and is searched as a name.
    is_document = re.fullmatch(r"\d{17}[\dX]|[A-Z0-9]{5,20}", code) and re.search(r"\d", code)
    if is_document and not PHONE_RE.match(code):
        return "id", code
    if PHONE_RE.match(normalize_phone(text)):
        return "phone", text
    return "name", text.strip()


def query_is_personal(text: str) -> bool:
    """A full ID or phone number: a term that must not travel in a URL (core.search_tokens)."""
    return bool(text.strip()) and _query_kind(text)[0] in ("id", "phone")


def _query_q(text: str) -> Q:
    """A name, a full ID number, a phone number or a card number (DESIGN.md rule 3: exact
    matches on encrypted fields go through their blind indexes)."""
    kind, term = _query_kind(text)
    if kind == "card":
        return Q(cards__number=term, cards__status=CardStatus.ACTIVE)
    if kind == "id":
        return Q(id_index=id_index(term))
    if kind == "phone":
        return Q(phone_index=phone_index(term))
    return Q(name__startswith=term)


def member_list(*, viewer: Viewer | None, filters: MemberFilters) -> QuerySet[Member]:
    return _listed(scoped(Member.objects.all(), viewer), filters)


def _listed(qs: QuerySet[Member], filters: MemberFilters) -> QuerySet[Member]:
    """The list's related rows, ``filters`` and order on members already scoped."""
    qs = qs.select_related("union", "employer")
    if filters.org is not None:
        qs = qs.filter(prefix_q("org_path", filters.org.path))
    if filters.query.strip():
        qs = qs.filter(_query_q(filters.query))
    for field in ("status", "gender", "household_type", "new_employment"):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{field: value})
    if filters.migrant_worker is not None:
        qs = qs.filter(migrant_worker=filters.migrant_worker)
    if filters.age_band in AGE_BANDS:
        qs = qs.filter(_age_band_q(filters.age_band, timezone.localdate()))
    if filters.employer_id:
        qs = qs.filter(employer_id=filters.employer_id)
    # The order of the (org_path, id) index, read backwards: a scoped page is the first rows of
    # the subtree's index range at every level. Ordering by id alone leaves PostgreSQL a choice
    # between sorting the whole subtree and walking the primary key while it filters the path,
    # and at county scale it walks (issue 18 item 1). Unions come newest path first, members
    # newest first within their union; a single union's list is newest first as before.
    return qs.order_by("-org_path", "-id")


def member_page(
    *,
    viewer: Viewer | None,
    filters: MemberFilters,
    after_id: int | None,
    size: int = 50,
    with_card: bool = False,
) -> tuple[list[Member], int | None]:
    """Keyset pagination on (org_path, id), the list's order: the cost of a page does not grow
    with its depth. The cursor stays the last row's id; its path is read back from the row.

    ``with_card``: each member carries ``active_card`` (its active card's number, or None) from
    the same statement, so that a search answers in one round trip, not two."""
    rows = _personal_page(viewer, filters, size, with_card) if after_id is None else None
    if rows is None:
        qs = member_list(viewer=viewer, filters=filters)
        qs = _with_active_card(qs) if with_card else qs
        if after_id is not None:
            qs = qs.filter(_after_q(after_id))
        rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more and rows else None)


def _with_active_card(qs: QuerySet[Member]) -> QuerySet[Member]:
    active = Card.objects.filter(member=OuterRef("pk"), status=CardStatus.ACTIVE)
    return qs.annotate(active_card=Subquery(active.order_by("-id").values("number")[:1]))


# The first page of a search by full ID or phone number (the desk's lookup of one person): the
# page's statement compiled once per connection and shape (core.prepared) — the blind index
# searched, the number of the viewer's subtrees, the page size, the card column — and run with
# the bounds of the viewer's subtrees and the term's index: no ORM compilation per request.
_PERSONAL: dict[tuple[str, int, int, bool], Prepared[Member]] = {}


def _personal_query(
    field: str, subtrees: int, size: int, with_card: bool, **markers: Any
) -> QuerySet[Member]:
    bounds = Q()
    for i in range(subtrees):  # prefix_q's range, with the bounds as parameters
        bounds |= Q(org_path__gte=markers[f"low{i}"], org_path__lt=markers[f"high{i}"])
    scope = mark_scoped(Member.objects.filter(bounds), VIEWER_SCOPE)
    qs = _listed(scope, MemberFilters()).filter(**{field: markers["term"]})
    return (_with_active_card(qs) if with_card else qs)[: size + 1]


def _personal_page(
    viewer: Viewer | None, filters: MemberFilters, size: int, with_card: bool
) -> list[Member] | None:
    """The page through a prepared statement, or None when the search is not of that shape."""
    if filters != MemberFilters(query=filters.query):
        return None
    kind, term = _query_kind(filters.query)
    if kind not in ("id", "phone"):
        return None
    paths = viewer_paths(viewer)
    bounds = [(path, path_upper(path)) for path in paths if set(path) <= set(PATH_ALPHABET)]
    if not bounds or len(bounds) != len(paths) or any(high is None for _low, high in bounds):
        return None  # the general query says what such a scope holds (nothing, or everything)
    field, value = (
        ("id_index", id_index(term)) if kind == "id" else ("phone_index", phone_index(term))
    )
    shape = (field, len(bounds), size, with_card)
    prepared = _PERSONAL.get(shape)
    if prepared is None:
        names = [f"{side}{i}" for i in range(len(bounds)) for side in ("low", "high")]
        prepared = Prepared(partial(_personal_query, *shape), *names, "term")
        _PERSONAL[shape] = prepared
    return prepared.all(*(v for bound in bounds for v in bound), value)


def _after_q(after_id: int) -> Q | RawSQL:
    """Rows after member ``after_id`` in the list's order: the row comparison
    ``(org_path, id) < (path, id)`` is where the ``(org_path, id)`` index scan starts (an OR of
    the two columns is a filter PostgreSQL applies row by row). An unknown id is past the end."""
    path = (
        Member.objects.unscoped(reason="the cursor row's path; the page itself is scoped")
        .filter(pk=after_id)
        .values_list("org_path", flat=True)
        .first()
    )
    if path is None:
        return Q(pk__in=[])
    table = Member._meta.db_table
    return RawSQL(  # noqa: S611  (the table name is ours; the values are parameters)
        f'("{table}"."org_path", "{table}"."id") < (%s, %s)',
        [path, after_id],
        output_field=BooleanField(),
    )


def active_card_numbers(members: Iterable[Member]) -> dict[int, str]:
    """member id → its current card number, in one query (members already read in scope)."""
    ids = [m.pk for m in members]
    rows = Card.objects.filter(member_id__in=ids, status=CardStatus.ACTIVE)
    return dict(rows.values_list("member_id", "number"))


def member_get(*, viewer: Viewer | None, pk: int) -> Member:
    return get_scoped_or_404(Member.objects.select_related("union", "employer"), viewer, pk=pk)


def transfer_list(*, viewer: Viewer | None, direction: str = "") -> QuerySet[Transfer]:
    """Transfers leaving or entering the viewer's subtrees ("out", "in", or both)."""
    outgoing, incoming = scope_q(viewer, "from_path"), scope_q(viewer, "to_path")
    condition = {"out": outgoing, "in": incoming}.get(direction, outgoing | incoming)
    # Scoped by hand: a transfer is the viewer's when it leaves or enters one of its subtrees.
    return (
        Transfer.objects.unscoped(reason="filtered on from_path or to_path to the viewer's scope")
        .filter(condition)
        .select_related("member", "from_union", "to_union")
        .order_by("-issued_at", "-id")
    )


def transfer_get(*, viewer: Viewer | None, pk: int) -> Transfer:
    from django.http import Http404

    transfer = transfer_list(viewer=viewer).filter(pk=pk).first()
    if transfer is None:
        raise Http404
    return transfer


def member_history(*, viewer: Viewer | None, member: Member) -> QuerySet[MembershipChange]:
    """The member's dated changes (the member was fetched through the viewer's scope)."""
    member_get(viewer=viewer, pk=member.pk)
    return member.changes.select_related("from_union", "to_union", "actor").order_by(
        "-occurred_on", "-id"
    )
