"""Writing many members at once: the write path of imports (DESIGN.md "Performance").

A batch of new members becomes three bulk writes — the members, their 入会 history rows and
their cards — with ``COPY`` on PostgreSQL (ids drawn from the sequences first, so the three
tables are written without reading anything back) and ``bulk_create`` on SQLite. Values are
encrypted and indexed exactly as the model fields do it. The audit trail gets one row per batch
naming the members' ids, not one per person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from gonghui.core.audit import audit_record
from gonghui.core.crypto import encrypt
from gonghui.core.scoping import Actor
from gonghui.members.models import (
    Card,
    CardSequence,
    CardStatus,
    ChangeKind,
    Member,
    MembershipChange,
    MemberStatus,
)
from gonghui.members.services.cards import SERIAL_DIGITS, card_prefix
from gonghui.orgs.models import PATH_STEP

ID_CONTEXT = f"{Member._meta.label_lower}.id_number"
PHONE_CONTEXT = f"{Member._meta.label_lower}.phone"
MEMBER_COLUMNS = (
    "id",
    "id_type",
    "id_number",
    "id_index",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "political_status",
    "skill_level",
    "household_type",
    "household_place",
    "employment_status",
    "migrant_worker",
    "new_employment",
    "phone",
    "phone_index",
    "employer_id",
    "union_id",
    "org_path",
    "joined_on",
    "status",
    "consent_at",
    "consent_purpose",
    "created_at",
    "updated_at",
)
DICT_AND_TEXT = (
    "ethnicity",
    "education",
    "political_status",
    "skill_level",
    "household_type",
    "household_place",
    "employment_status",
    "new_employment",
)
CHANGE_COLUMNS = (
    "member_id",
    "kind",
    "reason",
    "from_status",
    "to_status",
    "to_union_id",
    "actor_id",
    "org_path",
    "occurred_on",
    "created_at",
)
CARD_COLUMNS = ("number", "member_id", "status", "issued_on")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": " ", "\n": " ", "\r": " "})


class MemberWriter:
    """Collects a batch's new members and updates, and writes them in ``flush()``."""

    def __init__(self, *, actor: Actor, reason: str, org_path: str) -> None:
        self.actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.actor = actor
        self.reason = reason
        self.org_path = org_path
        self.postgres = connection.vendor == "postgresql"
        self._prefixes: dict[str, str] = {}
        self._new: list[Any] = []  # value dicts (a subclass may queue encoded rows)
        self._updates: list[tuple[int, dict[str, Any]]] = []

    def create(
        self, rows: Iterable[dict[str, Any]], *, consent_at: dt.datetime, purpose: str
    ) -> None:
        for values in rows:
            self._new.append({**values, "consent_at": consent_at, "consent_purpose": purpose})

    def update(self, member_id: int, changes: dict[str, Any]) -> None:
        self._updates.append((member_id, changes))

    def flush(self) -> list[int]:
        """Write what was collected; returns the ids of the members created."""
        created = self._write_new(self._new) if self._new else []
        for member_id, changes in self._updates:
            Member.objects.filter(pk=member_id).update(**changes, updated_at=timezone.now())
        if created:
            audit_record(
                action="members.member.imported",
                actor=self.actor,
                org_path=self.org_path,
                after={"count": len(created), "ids": _ranges(created)},
            )
        if self._updates:
            audit_record(
                action="members.member.import_updated",
                actor=self.actor,
                org_path=self.org_path,
                after={
                    "count": len(self._updates),
                    "changes": {str(pk): sorted(ch) for pk, ch in self._updates},
                },
            )
        self._new, self._updates = [], []
        return created

    # --- new members ----------------------------------------------------------------------

    def _member_fields(self, v: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
        """The new member's columns (but ``id``), personal data still in clear."""
        union = v["union"]
        return {
            "id_type": v["id_type"],
            "id_number": v["id_number"],
            "id_index": v["id_index"],
            "name": v["name"],
            "gender": v["gender"],
            "birth_date": v["birth_date"],
            **{field: v[field] for field in DICT_AND_TEXT},
            "migrant_worker": v["migrant_worker"],
            "phone": v["phone"],
            "phone_index": v["phone_index"],
            "employer_id": v["employer_id"],
            "union_id": union.pk,
            "org_path": union.path,
            "joined_on": v["joined_on"],
            "status": MemberStatus.ACTIVE,
            "consent_at": v["consent_at"],
            "consent_purpose": v["consent_purpose"],
            "created_at": now,
            "updated_at": now,
        }

    def _copy_line(self, member_id: int, v: dict[str, Any], fixed: str) -> str:
        """One member as a COPY text line, in MEMBER_COLUMNS order. Codes, ciphertexts, paths
        and dates cannot hold a tab, a newline or a backslash: only free text is escaped."""
        union, employer = v["union"], v["employer_id"]
        return "\t".join(
            (
                str(member_id),
                v["id_type"],
                encrypt(v["id_number"], ID_CONTEXT),
                v["id_index"],
                v["name"].translate(_ESCAPES),
                v["gender"],
                v["birth_date"].isoformat(),
                v["ethnicity"],
                v["education"],
                v["political_status"],
                v["skill_level"],
                v["household_type"],
                v["household_place"].translate(_ESCAPES),
                v["employment_status"],
                "t" if v["migrant_worker"] else "f",
                v["new_employment"],
                encrypt(v["phone"], PHONE_CONTEXT) if v["phone"] else "",
                v["phone_index"],
                str(employer) if employer else "\\N",
                str(union.pk),
                union.path,
                v["joined_on"].isoformat(),
                fixed,
            )
        )

    def _card_numbers(self, unions: Sequence[Any]) -> list[str]:
        """Reserve a block of serials per prefix under the sequence's row lock (one card per
        new member, of these unions)."""
        prefixes = [self._prefix(union) for union in unions]
        numbers: list[str] = [""] * len(unions)
        for prefix in sorted(set(prefixes)):
            positions = [i for i, p in enumerate(prefixes) if p == prefix]
            sequence, _ = CardSequence.objects.select_for_update().get_or_create(prefix=prefix)
            first = sequence.last + 1
            sequence.last += len(positions)
            sequence.save(update_fields=["last"])
            block = card_numbers(prefix, first, len(positions))
            for position, number in zip(positions, block, strict=True):
                numbers[position] = number
        return numbers

    def _prefix(self, union: Any) -> str:
        """The card prefix is the tree root's: computed once per root."""
        root = union.path[:PATH_STEP]
        if root not in self._prefixes:
            self._prefixes[root] = card_prefix(union)
        return self._prefixes[root]

    def _write_new(self, rows: list[dict[str, Any]]) -> list[int]:
        now = timezone.now()
        today = timezone.localdate()
        numbers = self._card_numbers([v["union"] for v in rows])
        if self.postgres:
            ids = _next_ids(Member, len(rows))
            # status, consent_at, consent_purpose, created_at, updated_at: the same for the batch
            consent = rows[0]["consent_at"].isoformat()
            purpose = rows[0]["consent_purpose"].translate(_ESCAPES)
            fixed = (
                f"{MemberStatus.ACTIVE}\t{consent}\t{purpose}\t{now.isoformat()}\t{now.isoformat()}"
            )
            _copy_lines(
                Member,
                MEMBER_COLUMNS,
                (self._copy_line(i, v, fixed) for i, v in zip(ids, rows, strict=True)),
            )
        else:
            members = [Member(**self._member_fields(v, now)) for v in rows]
            ids = [m.pk for m in Member.objects.bulk_create(members, batch_size=500)]
        changes = (
            (
                member_id,
                ChangeKind.JOINED,
                self.reason,
                "",
                MemberStatus.ACTIVE,
                v["union"].pk,
                self.actor_id,
                v["union"].path,
                v["joined_on"],
                now,
            )
            for member_id, v in zip(ids, rows, strict=True)
        )
        cards = (
            (number, member_id, CardStatus.ACTIVE, today)
            for number, member_id in zip(numbers, ids, strict=True)
        )
        if self.postgres:
            _copy(MembershipChange, CHANGE_COLUMNS, changes)
            _copy(Card, CARD_COLUMNS, cards)
        else:
            MembershipChange.objects.bulk_create(
                [MembershipChange(**dict(zip(CHANGE_COLUMNS, c, strict=True))) for c in changes],
                batch_size=500,
            )
            Card.objects.bulk_create(
                [Card(**dict(zip(CARD_COLUMNS, c, strict=True))) for c in cards], batch_size=500
            )
        return ids


_DOUBLED = {str(d): (2 * d) // 10 + (2 * d) % 10 for d in range(10)}


def card_numbers(prefix: str, first: int, count: int) -> list[str]:
    """The card numbers of serials ``first``… under ``prefix``, each with its Luhn check
    digit — what ``stdnum.luhn.calc_check_digit`` gives (a test says so), at a fifth of its
    cost: the prefix's share of the sum is computed once per block."""
    # The check digit is appended on the right: from the right, the body's 1st, 3rd ... digit
    # is doubled. SERIAL_DIGITS fixes where the prefix starts.
    reverse = prefix[::-1]
    if SERIAL_DIGITS % 2:
        head = sum(map(int, reverse[0::2])) + sum(map(_DOUBLED.__getitem__, reverse[1::2]))
    else:
        head = sum(map(_DOUBLED.__getitem__, reverse[0::2])) + sum(map(int, reverse[1::2]))
    doubled = _DOUBLED.__getitem__
    numbers = []
    for serial in range(first, first + count):
        digits = f"{serial:0{SERIAL_DIGITS}d}"
        tail = digits[::-1]
        total = head + sum(map(doubled, tail[0::2])) + sum(map(int, tail[1::2]))
        numbers.append(f"{prefix}{digits}{-total % 10}")
    return numbers


def with_id_index_in(queryset: Any, indexes: list[str]) -> Any:
    """``id_index IN (…)`` for thousands of values: one array parameter on PostgreSQL."""
    if connection.vendor == "postgresql":
        return queryset.extra(where=["id_index = ANY(%s)"], params=[indexes])
    return queryset.filter(id_index__in=indexes)


def _next_ids(model: Any, count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy_text(value: Any) -> str:
    if type(value) is str:
        return value.translate(_ESCAPES)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def _copy(model: Any, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """``COPY table (columns) FROM STDIN`` in text format, from tuples of Python values."""
    _copy_lines(model, columns, ("\t".join(map(_copy_text, row)) for row in rows))


def _copy_lines(model: Any, columns: Sequence[str], lines: Iterable[str]) -> None:
    """``COPY table (columns) FROM STDIN`` of ready text lines, written in large chunks."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            chunk: list[str] = []
            for line in lines:
                chunk.append(line)
                if len(chunk) >= 5000:
                    copy.write("\n".join(chunk) + "\n")
                    chunk = []
            if chunk:
                copy.write("\n".join(chunk) + "\n")


def _ranges(ids: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7] → [[1, 3], [7, 7]]: compact enough for an audit row of thousands."""
    spans: list[list[int]] = []
    for pk in sorted(ids):
        if spans and spans[-1][1] == pk - 1:
            spans[-1][1] = pk
        else:
            spans.append([pk, pk])
    return spans
