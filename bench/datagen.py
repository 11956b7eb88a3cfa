"""Bulk data for the benchmarks: rows go in by COPY on PostgreSQL (bulk_create elsewhere), so
the full scale (1.2 M members) is built in minutes. Generator only: real data goes through the
services; here every field is still prepared by its own model field (encryption, blind indexes,
auto_now), so the rows are what the product would have written."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Model


def insert(model: type[Model], rows: Iterable[Model], batch: int = 5000) -> int:
    """Insert unsaved ``rows`` of ``model`` (their primary keys stay unset); the row count."""
    if connection.vendor != "postgresql":
        objs = list(rows)
        model.objects.bulk_create(objs, batch_size=batch)  # type: ignore[attr-defined]
        return len(objs)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in rows:
            copy.write_row(
                [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
            )
            count += 1
    return count


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
