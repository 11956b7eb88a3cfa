"""DESIGN.md rule 2 / ADR 0011: a secret ballot holds against a database reader, a backup and
the WAL. After each cast, every table (all rows, every column, as text), the audit log and, on
PostgreSQL, every heap tuple including dead ones (pageinspect), the WAL written since the ballot
opened and the transaction ids of the rows are read, and no choice is found: not the choice text,
not a "leader=grade" pair, not a list of grades, not an option beside a voter's row, and no
transaction that wrote a cast also wrote a voter's participation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection

from gonghui.democracy.models import Ballot, SealedCast, VoterSlot
from gonghui.democracy.services import ballots as svc
from tests.factories import (
    close_and_tally,
    dump_tables,
    officer,
    open_ballot,
    open_session,
    voter,
)

LEADERS = ["王主席", "李副主席", "赵委员"]
# Each voter's grades of the three leaders: every vector is different, so finding one anywhere
# would name the voter's choice.
VECTORS = [("E", "B", "U"), ("C", "U", "E"), ("B", "E", "C"), ("U", "C", "B"), ("E", "E", "U")]


def _canonical(vector: tuple[str, ...]) -> str:
    return ";".join(f"{i}={g}" for i, g in enumerate(vector, start=1))


def _patterns(vector: tuple[str, ...]) -> list[str]:
    """Text that would map to this choice deterministically, in any plausible encoding."""
    pairs = [f"{i}={g}" for i, g in enumerate(vector, start=1)]
    return [
        _canonical(vector),
        *pairs,
        ",".join(vector),
        ";".join(vector),
        '", "'.join(vector),
        *(f"{label}={g}" for label, g in zip(LEADERS, vector, strict=True)),
    ]


def _appraisal(cast: Any) -> tuple[Any, Ballot, list[Any], list[str]]:
    session, seats = open_session(cast, in_office=len(VECTORS))
    actor = officer(cast)
    ballot = svc.ballot_create(
        actor=actor, session=session, kind="appraisal", title="民主评议", options=LEADERS
    )
    ballot, shares = open_ballot(actor, ballot)
    return actor, ballot, seats, shares


def _grades(vector: tuple[str, ...]) -> dict[str, str]:
    return {str(i): g for i, g in enumerate(vector, start=1)}


@pytest.mark.django_db
def test_no_table_row_or_audit_row_holds_a_choice_after_each_cast(cast: Any) -> None:
    actor, ballot, seats, shares = _appraisal(cast)
    done: list[tuple[str, ...]] = []
    for seat, vector in zip(seats, VECTORS, strict=True):
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, choice=_grades(vector))
        done.append(vector)
        dump = dump_tables()
        text = "\n".join(f"{t}: {row}" for t, rows in dump.items() for row in rows)
        for cast_vector in done:
            for pattern in _patterns(cast_vector):
                assert pattern not in text, (pattern, cast_vector)
        # No row that names a voter holds an option code or label beside it.
        slot_table = VoterSlot._meta.db_table
        for row in dump[slot_table]:
            assert not {str(v) for v in row} & {*LEADERS, "E", "B", "C", "U"}, row
        # The audit's rows of this ballot name who took part and nothing else.
        audit = [row for row in dump["core_auditevent"] if "democracy.ballot.voted" in row]
        assert len(audit) == len(done)
    # The casts are opaque; the tally gives the totals back, and stores only totals.
    tallied = close_and_tally(actor, ballot, shares)
    expected: dict[str, int] = {}
    for vector in VECTORS:
        for i, g in enumerate(vector, start=1):
            expected[f"{i}={g}"] = expected.get(f"{i}={g}", 0) + 1
    assert tallied.totals == expected
    text = "\n".join(str(row) for rows in dump_tables().values() for row in rows)
    for vector in VECTORS:
        assert _canonical(vector) not in text and ",".join(vector) not in text


@pytest.mark.django_db
def test_paper_counts_are_not_stored_in_clear(cast: Any) -> None:
    """A lone phone voter beside paper voters: the paper counts are sealed, so a reader cannot
    subtract them from the result and read the phone voter's choice."""
    session, seats = open_session(cast, in_office=4)
    actor = officer(cast)
    ballot = svc.ballot_create(actor=actor, session=session, kind="decision", title="表决")
    ballot, shares = open_ballot(actor, ballot)
    svc.ballot_cast(actor=voter(cast, seats[0]), ballot=ballot, choice="N")
    others = VoterSlot.objects.filter(ballot=ballot, voted=False).values_list("pk", flat=True)
    svc.ballot_paper_mark(actor=actor, ballot=ballot, slot_ids=list(others))
    svc.ballot_close(actor=actor, ballot=ballot)
    before = dump_tables()
    svc.ballot_paper_tally(actor=actor, ballot=ballot, returned=3, invalid=0, scrutineers="甲",
                           counters="乙", signed_off=True,
                           counts={("Y", ""): 2, ("A", ""): 1})  # fmt: skip
    rows = dump_tables()
    # What the entry wrote: one paper tally row and its audit row, nothing else.
    written = {t: set(r) - set(before.get(t, [])) for t, r in rows.items()}
    assert {t for t, new in written.items() if new} == {"democracy_papertally", "core_auditevent"}
    paper_rows = rows["democracy_papertally"]
    assert len(paper_rows) == 1
    text = str(paper_rows[0]) + str(written["core_auditevent"])
    assert not re.search(r"'Y'|'A'|赞成|弃权", text), text
    assert all("totals" not in str(r) for r in rows["democracy_ballot"])
    tallied = close_and_tally(actor, ballot, shares)
    assert tallied.totals == {"Y": 2, "A": 1, "N": 1}


def _pg_heap_bytes() -> bytes:
    """Every heap tuple of every table of the public schema, live or dead (pageinspect)."""
    out = bytearray()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid::regclass::text, pg_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 't')"
        )
        for table, size in cursor.fetchall():
            for page in range(size // 8192):
                cursor.execute(
                    "SELECT t_data FROM heap_page_items(get_raw_page(%s, %s)) "
                    "WHERE t_data IS NOT NULL",
                    [table, page],
                )
                for (data,) in cursor.fetchall():
                    out += bytes(data)
    return bytes(out)


def _pg_wal_since(start_lsn: str) -> bytes:
    """The WAL written since ``start_lsn``, read from the server's own segment files."""
    out = bytearray()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_flush_lsn()::text")
        end_lsn = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setting::bigint * (CASE unit WHEN 'MB' THEN 1048576 WHEN '8kB' THEN 8192 "
            "ELSE 1 END) FROM pg_settings WHERE name = 'wal_segment_size'"
        )
        segment = cursor.fetchone()[0]
        cursor.execute(
            "SELECT %s::pg_lsn - '0/0'::pg_lsn, %s::pg_lsn - '0/0'::pg_lsn", [start_lsn, end_lsn]
        )
        start, end = (int(v) for v in cursor.fetchone())
        position = start
        while position < end:
            cursor.execute(
                "SELECT file_name, file_offset FROM pg_walfile_name_offset(%s::pg_lsn)",
                [f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"],
            )
            name, offset = cursor.fetchone()
            length = min(segment - offset, end - position)
            cursor.execute(
                "SELECT pg_read_binary_file(%s, %s, %s)", [f"pg_wal/{name}", offset, length]
            )
            out += bytes(cursor.fetchone()[0])
            position += length
    return bytes(out)


@pytest.mark.django_db(transaction=True)
def test_dead_tuples_wal_and_transaction_ids_hold_no_choice(cast: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pageinspect and the WAL are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        start_lsn = cursor.fetchone()[0]
    _actor, ballot, seats, _shares = _appraisal(cast)
    done: list[str] = []
    for seat, vector in zip(seats, VECTORS, strict=True):
        svc.ballot_cast(actor=voter(cast, seat), ballot=ballot, choice=_grades(vector))
        done.append(_canonical(vector))
        heap = _pg_heap_bytes()
        for text in done:
            assert text.encode() not in heap, f"{text} in a heap tuple"
    wal = _pg_wal_since(start_lsn)
    assert len(wal) > 0
    for text in done:
        assert text.encode() not in wal, f"{text} in the WAL"
    # No transaction that wrote a cast also wrote a participation or its audit row.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT xmin::text FROM {SealedCast._meta.db_table} WHERE ballot_id = %s",
            [ballot.pk],
        )
        cast_xids = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            f"SELECT xmin::text FROM {VoterSlot._meta.db_table} WHERE ballot_id = %s AND voted",
            [ballot.pk],
        )
        slot_xids = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT xmin::text FROM core_auditevent WHERE action = 'democracy.ballot.voted'"
        )
        audit_xids = {row[0] for row in cursor.fetchall()}
    assert len(cast_xids) == len(VECTORS) and len(slot_xids) == len(VECTORS)
    assert not cast_xids & (slot_xids | audit_xids)
