"""core.bulksql: arrays of thousands of values sent as one joined text, split by the server."""

from __future__ import annotations

import pytest
from django.db import connection

from gonghui.core import counters
from gonghui.core.bulksql import SEPARATOR, bound_cursor, joined, split_array


def test_joined_refuses_what_the_server_would_split_wrongly() -> None:
    assert joined([]) == ""
    assert joined(["a", "", 3]) == f"{SEPARATOR}a{SEPARATOR}{SEPARATOR}3"
    with pytest.raises(ValueError, match="separator"):
        joined(["a", f"b{SEPARATOR}c"])
    with pytest.raises(ValueError, match="empty"):
        joined(["a", ""], nulls=True)  # it would come back as NULL


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's string_to_array")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "cast", "nulls"),
    [
        ([], "text", False),
        ([""], "text", False),  # a lone empty value is an element, not an empty array
        (["", "x"], "varchar", False),
        ([None], "jsonb", True),
        (['{"1985": 2}', None, '{"a": "b"}'], "jsonb", True),
        ([1, -2, 3_000_000_000], "bigint", False),
        (["甲乙", "a\\b", "t\ta", "n\nn"], "text", False),
    ],
)
def test_split_array_gives_back_the_values(values: list, cast: str, nulls: bool) -> None:
    with bound_cursor() as cursor:
        cursor.execute(
            f"SELECT {split_array(cast, nulls=nulls)}::text[]", [joined(values, nulls=nulls)]
        )
        (got,) = cursor.fetchone()
    expected = [None if v is None else str(v) for v in values]
    if cast == "jsonb":
        import json

        expected = [None if v is None else json.dumps(json.loads(v)) for v in values]
    assert got == expected


@pytest.mark.django_db
def test_bump_of_one_scalar_and_of_spreads_stores_them() -> None:
    counters.bump({("0001", "members.current"): 1})  # one row, its spread NULL
    counters.bump({("0001", "members.born.1985"): 2, ("0001", "members.born.1990"): 1})
    counters.bump({("0001", "members.born.1985"): -2, ("0002", "members.current"): 3})
    stored = counters.stored()
    assert stored[("0001", "members.current")] == 1
    assert stored[("0001", "members.born.1990")] == 1
    assert ("0001", "members.born.1985") not in stored
    assert stored[("0002", "members.current")] == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a psycopg cursor")
@pytest.mark.django_db
def test_bound_cursor_errors_surface_as_djangos() -> None:
    """A lost server in a bulk statement (an on-commit counter bump during a restart) must be
    Django's OperationalError, which the request answers as a retryable 503, not psycopg's own
    exception, which became a 500 (deploy drill, stop 31)."""
    import psycopg
    from django.db import DataError, OperationalError, transaction

    with pytest.raises(DataError) as raised, transaction.atomic(), bound_cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert isinstance(raised.value.__cause__, psycopg.errors.DivisionByZero)
    assert issubclass(psycopg.errors.AdminShutdown, psycopg.OperationalError)
    with pytest.raises(OperationalError), transaction.atomic(), bound_cursor() as cursor:
        raise psycopg.errors.AdminShutdown("terminating connection")
