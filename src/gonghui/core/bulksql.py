"""Statements with thousands of parameters, on PostgreSQL (issue 18 item 3).

Django's psycopg cursors bind parameters on the client: each statement's text is scanned for
placeholders and every array element quoted in Python, about a quarter of a second for a
statement carrying 2,000 codes or the counters of a whole import. A bulk path (an import's
union lookup, its existing members, its counter upsert) runs such statements on a
server-binding psycopg cursor over the same connection: the same transaction, the values
sent beside the statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection


@contextmanager
def bound_cursor(raw: Any = None) -> Iterator[psycopg.Cursor[Any]]:
    """A server-binding cursor on ``raw`` (psycopg's connection; default: Django's). Its errors
    surface as Django's, as through Django's own cursors: a server lost mid-statement (a
    restart, a failover; often in an on-commit counter bump) is ``django.db.OperationalError``,
    which the request answers as a retryable 503, not a 500."""
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        yield cursor


# Values joined by a control character no path, code, key or JSON text holds (json.dumps
# escapes it): psycopg dumps a Python list element by element in Python (~1 µs an element,
# seconds for an import's counters); one joined text is one C call, split by the server.
SEPARATOR = "\x1f"


def joined(values: list[Any], *, nulls: bool = False) -> str:
    """``values`` as the one text ``split_array`` splits: each after a separator (so that an
    empty value is an element too); with ``nulls``, None travels as the empty string, and
    the empty string cannot be sent."""
    if not values:
        return ""
    if nulls:
        if "" in values:
            raise ValueError("an empty value among values whose None is empty")
        texts = ["" if v is None else str(v) for v in values]
    else:
        texts = list(map(str, values))
    text = SEPARATOR + SEPARATOR.join(texts)
    if text.count(SEPARATOR) != len(texts):
        raise ValueError("a value holds the bulk separator")
    return text


def split_array(cast: str, *, nulls: bool = False) -> str:
    """The SQL of an array parameter sent by ``joined``."""
    null = ", ''" if nulls else ""
    return f"(string_to_array(%s, chr(31){null}))[2:]::{cast}[]"
