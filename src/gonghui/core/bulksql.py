"""Statements with thousands of parameters, on PostgreSQL (issue 18 item 3).

Django's psycopg cursors bind parameters on the client: each statement's text is scanned for
placeholders and every array element quoted in Python, about a quarter of a second for a
statement carrying 2,000 codes or the counters of a whole import. A bulk path (an import's
union lookup, its existing members, its counter upsert) runs such statements on a
server-binding psycopg cursor over the same connection: the same transaction, the values
sent beside the statement.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db import connection


def bound_cursor(raw: Any = None) -> psycopg.Cursor[Any]:
    """A server-binding cursor on ``raw`` (psycopg's connection; default: Django's)."""
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    return psycopg.Cursor(raw)
