"""A province's first load (``gonghui import_members --initial``, ADR 0019).

Millions of members go into an empty installation faster without the secondary indexes and
constraints of the three tables the import writes: they are dropped at the first batch and
built again, from their own definitions as PostgreSQL reports them (same names, same
definitions as the migrations made), after the last one. It all happens in the job's one
transaction: a failed load rolls the drops back too. Refused unless the tables are empty (an
installation's first load, before anyone works in it), and on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from gonghui.core.importing import ImportFileError
from gonghui.members.models import Card, Member, MembershipChange

TABLES = (Member, MembershipChange, Card)
# Index builds of a first load may use more memory than the default 64 MB (one session only).
BUILD_MEMORY = "256MB"
BUILD_WORKERS = 1


@dataclass
class Deferred:
    """What was dropped: (table, name, definition) of constraints, then of plain indexes."""

    constraints: list[tuple[str, str, str]]
    indexes: list[tuple[str, str]]


def check_empty() -> None:
    """Refuse a first load on SQLite, or when any member, history row or card exists."""
    if connection.vendor != "postgresql":
        raise ImportFileError(_("首次导入（--initial）只能在 PostgreSQL 数据库上使用"))
    if any(model.objects.exists() for model in TABLES):
        raise ImportFileError(
            _("首次导入（--initial）只能用于还没有任何会员的系统：会员库中已有数据，请使用普通导入")
        )


def defer_indexes() -> Deferred:
    """Drop the tables' unique and foreign-key constraints and secondary indexes (not the
    primary keys, not the check constraints) and say how to build them again."""
    tables = [model._meta.db_table for model in TABLES]
    with connection.cursor() as cursor:
        # The exclusive lock first, then the emptiness again: nobody registered in between.
        cursor.execute(
            "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE".format(
                ", ".join(connection.ops.quote_name(t) for t in tables)
            )
        )
        check_empty()
        # Deferred foreign-key checks of this transaction's earlier writes run now: a table
        # with pending trigger events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT (SELECT relname FROM pg_class WHERE oid = conrelid), conname, "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f', 'x') "
            "ORDER BY contype DESC, 1, conname",  # unique before foreign
            [tables],
        )
        constraints = [tuple(row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid) "
            "ORDER BY i.indexrelid::regclass::text",
            [tables],
        )
        indexes = [tuple(row) for row in cursor.fetchall()]
        for table, name, _definition in reversed(constraints):
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} "
                f"DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")  # regclass text: quoted when it must be
    return Deferred(constraints=constraints, indexes=indexes)


def rebuild_indexes(deferred: Deferred) -> None:
    """Build what ``defer_indexes`` dropped, from the same definitions."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        # A B-tree build sorts in parallel workers when the server has them (2 cores: one
        # helper beside the backend); the server caps it by max_parallel_workers.
        cursor.execute(f"SET LOCAL max_parallel_maintenance_workers = {BUILD_WORKERS}")
        for _name, definition in deferred.indexes:
            cursor.execute(definition)
        for table, name, definition in deferred.constraints:
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} "
                f"ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
