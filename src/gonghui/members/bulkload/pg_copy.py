"""The member import's PostgreSQL write path: binary ``COPY`` in a background thread.

``bulk.MemberWriter`` writes a batch and returns; this writer prepares the batch's rows as
tuples in the order of the tables' columns (personal data encrypted by the caller while the
previous batch is still being written), then hands the three ``COPY``\\ s — members, their 入会
history rows, their cards — to ``core.importing.background`` and returns at once. Anything it
must read (ids from the sequence, card serials under the sequence's lock) is read before, on
the main thread, after ``drain()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from gonghui.core.bulksql import bound_cursor, joined, split_array
from gonghui.core.crypto import blind_indexes, encrypt_many
from gonghui.core.importing.background import BackgroundWriter
from gonghui.core.scoping import Actor
from gonghui.members.bulkload import encode as import_encode
from gonghui.members.bulkload import writer as bulk
from gonghui.members.models import (
    Card,
    CardStatus,
    ChangeKind,
    Member,
    MembershipChange,
    MemberStatus,
)

TABLES = (
    (Member, bulk.MEMBER_COLUMNS),
    (MembershipChange, bulk.CHANGE_COLUMNS),
    (Card, bulk.CARD_COLUMNS),
)


def column_types(model: Any, columns: Sequence[str]) -> list[str]:
    """The columns' PostgreSQL types, for a binary COPY (which carries no type names)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::regtype::text FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [model._meta.db_table],
        )
        types = dict(cursor.fetchall())
    return [types[c] for c in columns]


def copy_rows(raw: Any, model: Any, columns: Sequence[str], types: list[str], rows: list) -> None:
    """``COPY … FROM STDIN (FORMAT binary)`` of tuples, on psycopg's connection ``raw``."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT binary)") as copy,
    ):
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def seal(rows: list[dict[str, Any]], *, encrypt: bool) -> None:
    """A batch's blind indexes and, for the COPY (``encrypt``), its ciphertexts, kept beside
    the clear values: a few calls per batch, not per row. Phones are normalized and checked
    by then (``phone_index`` of a valid phone is its blind index)."""
    numbers = [v["id_number"] for v in rows]
    phones = [v["phone"] for v in rows]
    id_indexes, phone_indexes, id_ciphers, phone_ciphers = seal_columns(
        numbers, phones, encrypt=encrypt
    )
    for v, id_index, phone_index in zip(rows, id_indexes, phone_indexes, strict=True):
        v["id_index"], v["phone_index"] = id_index, phone_index
    for v, id_cipher, phone_cipher in zip(rows, id_ciphers, phone_ciphers, strict=False):
        v["id_cipher"], v["phone_cipher"] = id_cipher, phone_cipher


def seal_columns(
    numbers: list[str], phones: list[str], *, encrypt: bool
) -> tuple[list[str], list[str], list[Any], list[Any]]:
    """The blind indexes of these ID numbers and phones (an empty phone has none: ""), and
    with ``encrypt`` their ciphertexts (else two empty lists)."""
    with_phone = [i for i, phone in enumerate(phones) if phone]
    phone_indexes = [""] * len(phones)
    for i, index in zip(
        with_phone, blind_indexes("phone", [phones[i] for i in with_phone]), strict=True
    ):
        phone_indexes[i] = index
    id_indexes = blind_indexes("id", numbers)
    if not encrypt:
        return id_indexes, phone_indexes, [], []
    return (
        id_indexes,
        phone_indexes,
        encrypt_many(numbers, bulk.ID_CONTEXT),
        encrypt_many(phones, bulk.PHONE_CONTEXT),
    )


def existing(indexes: list[str], fields: Sequence[str], raw: Any) -> list[dict[str, Any]]:
    """The members holding these blind indexes (plain columns: as ``values()`` gives them),
    read on psycopg's connection ``raw`` by the background writer."""
    if not indexes:
        return []
    found = rows_where(Member, fields, "id_index", indexes, raw)
    return [dict(zip(fields, row, strict=True)) for row in found]


def rows_where(
    model: Any, columns: Sequence[str], column: str, values: list[Any], raw: Any = None
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows whose ``column`` is one of ``values`` (thousands: one array)."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with bound_cursor(raw) as cursor:
        cursor.execute(
            f"SELECT {names} FROM {table} "  # noqa: S608
            f"WHERE {connection.ops.quote_name(column)} = ANY({split_array('text')})",
            [joined(values)],
        )
        return cursor.fetchall()


class BackgroundMemberWriter(bulk.MemberWriter):
    """``MemberWriter`` whose new members are copied by the background writer."""

    def __init__(self, *, actor: Actor, reason: str, org_path: str) -> None:
        super().__init__(actor=actor, reason=reason, org_path=org_path)
        self.types = [column_types(model, columns) for model, columns in TABLES]
        self.background = BackgroundWriter()
        self._pending: list[Any] = []

    def flush(self) -> list[int]:
        """The batch's queries (ids, serials, updates, audit) first, then the COPY in the
        background: the connection is the writer thread's until the next ``drain()``."""
        ids = super().flush()
        for write in self._pending:
            self.background.submit(write)
        self._pending = []
        return ids

    def _write_new(self, rows: list[dict[str, Any]]) -> list[int]:
        now = timezone.now()
        today = timezone.localdate()
        numbers = self._card_numbers([v["union"] for v in rows])
        ids = bulk._next_ids(Member, len(rows))
        # Plain strings: a choices enum must not reach psycopg's Enum dumper (it dumps names).
        active, joined = str(MemberStatus.ACTIVE.value), str(ChangeKind.JOINED.value)
        issued, actor_id, reason = str(CardStatus.ACTIVE.value), self.actor_id, str(self.reason)
        members = []
        changes = []
        for member_id, v in zip(ids, rows, strict=True):
            union = v["union"]
            members.append(
                (
                    member_id,
                    str(v["id_type"]),
                    v["id_cipher"],
                    v["id_index"],
                    v["name"],
                    str(v["gender"]),
                    v["birth_date"],
                    v["ethnicity"],
                    v["education"],
                    v["political_status"],
                    v["skill_level"],
                    v["household_type"],
                    v["household_place"],
                    v["employment_status"],
                    v["migrant_worker"],
                    v["new_employment"],
                    v["phone_cipher"],
                    v["phone_index"],
                    v["employer_id"],
                    union.pk,
                    union.path,
                    v["joined_on"],
                    active,
                    v["consent_at"],
                    str(v["consent_purpose"]),
                    now,
                    now,
                )
            )
            changes.append(
                (
                    member_id,
                    joined,
                    reason,
                    "",
                    active,
                    union.pk,
                    actor_id,
                    union.path,
                    v["joined_on"],
                    now,
                )
            )
        cards = [
            (number, member_id, issued, today)
            for number, member_id in zip(numbers, ids, strict=True)
        ]
        batches: tuple[list[Any], ...] = (members, changes, cards)
        types = self.types

        def write(raw: Any) -> None:
            for (model, columns), names, table_rows in zip(TABLES, types, batches, strict=True):
                copy_rows(raw, model, columns, names, table_rows)

        self._pending.append(write)
        return ids


class EncodedMemberWriter(BackgroundMemberWriter):
    """The writer of a two-process import: ``create`` takes rows the worker already encoded
    (``members.import_worker``), as ``(union, member bytes, history bytes)`` without ids."""

    def __init__(self, *, actor: Actor, reason: str, org_path: str) -> None:
        super().__init__(actor=actor, reason=reason, org_path=org_path)
        member_types, change_types, card_types = self.types
        self.member_head = import_encode.row_head(len(member_types), member_types[0])
        self.change_head = import_encode.row_head(len(change_types), change_types[0])
        self.card_encoders = [import_encode.encoder(t) for t in card_types]

    def create_encoded(self, rows: list[tuple[Any, bytes, bytes]]) -> None:
        self._new.extend(rows)

    def _write_new(self, rows: list[Any]) -> list[int]:
        today = timezone.localdate()
        numbers = self._card_numbers([union for union, _m, _c in rows])
        ids = bulk._next_ids(Member, len(rows))
        member_head, change_head = self.member_head, self.change_head
        number, member_id, status, issued = self.card_encoders
        card_tail = status(str(CardStatus.ACTIVE.value)) + issued(today)
        card_fields = b"\x00\x04"
        blobs = (
            import_encode.table(
                [member_head(i) + member for i, (_u, member, _c) in zip(ids, rows, strict=True)]
            ),
            import_encode.table(
                [change_head(i) + change for i, (_u, _m, change) in zip(ids, rows, strict=True)]
            ),
            import_encode.table(
                [
                    card_fields + number(n) + member_id(i) + card_tail
                    for n, i in zip(numbers, ids, strict=True)
                ]
            ),
        )

        def write(raw: Any) -> None:
            for (model, columns), blob in zip(TABLES, blobs, strict=True):
                copy_bytes(raw, model, columns, blob)

        self._pending.append(write)
        return ids


def copy_bytes(raw: Any, model: Any, columns: Sequence[str], data: bytes) -> None:
    """``COPY … FROM STDIN (FORMAT binary)`` of a whole encoded stream."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT binary)") as copy,
    ):
        copy.write(data)
