"""The 困难职工 member segment (core.registry): members with an open hardship archive (建档 or
proposed for exit), so that offers can target them and benefits' reports count them."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import OPEN_STATUSES, HardshipCase
from gonghui.core.registry import register_member_segment

CODE = "hardship"


def _open_cases() -> Any:
    # Member ids only: the segment says who, never which case or why (health data stays put).
    return HardshipCase.objects.filter(status__in=OPEN_STATUSES, member__isnull=False).values(
        "member_id"
    )


def _open_case_sql() -> str:
    meta = HardshipCase._meta
    quote = connection.ops.quote_name
    member = quote(meta.get_field("member").column)
    status = quote(meta.get_field("status").column)
    places = ", ".join(["%s"] * len(OPEN_STATUSES))
    # the model's own table and columns; the values are parameters
    return (
        f"SELECT 1 FROM {quote(meta.db_table)} WHERE {member} = %s"  # noqa: S608
        f" AND {status} IN ({places}) LIMIT 1"
    )


_OPEN_CASE: list[str] = []  # the statement's text, built on first use


def has_open_case(member: Any) -> bool:
    """Asked at every redemption at the counter: a statement of fixed text (no ORM compilation
    per request)."""
    if not _OPEN_CASE:
        _OPEN_CASE.append(_open_case_sql())
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_CASE[0], [member.pk, *OPEN_STATUSES])
        return cursor.fetchone() is not None


def register() -> None:
    # The q is a subquery, evaluated when a report filters its (scoped) members with it.
    register_member_segment(CODE, _("困难职工"), has_open_case, Q(pk__in=_open_cases()))
