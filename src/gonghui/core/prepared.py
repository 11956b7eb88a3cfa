"""Querysets compiled once per connection, run again with new parameters (issue 18 items 4 and 5).

Compiling a queryset to SQL (joins, selected columns, the related objects to build) costs the
ORM more Python than the database spends answering the small reads of a hot path: the card at
the counter is read twice per redemption. A :class:`Prepared` query builds its queryset once
per database connection with marker values in place of the parameters, keeps the SQL text and
the compiler, and then only substitutes the parameters, runs the statement and lets the same
compiler turn the rows into model instances (its converters and related-object populators:
what Django would have built). The queryset must be the same for every call but for the marked
values (no viewer-dependent scope), and it is a single read: no prefetch, no ``values()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)


class Marker(str):
    """A parameter's place in the compiled SQL: a value no caller sends (NUL is refused at
    every door), found again among the compiled parameters."""

    __slots__ = ()


class Prepared(Generic[M]):
    def __init__(self, build: Callable[..., QuerySet[M]], *names: str) -> None:
        """``build(**markers)``: the queryset, with each of ``names`` given as a marker."""
        self._build = build
        self._names = names
        self._local = threading.local()  # a compiled form per thread's connection

    def _compiled(self, alias: str) -> tuple[Any, str, list[Any]]:
        connection = connections[alias]
        cached = getattr(self._local, alias, None)
        if cached is not None and cached[0].connection is connection:
            return cached
        markers = {name: Marker(f"\x00{name}\x00") for name in self._names}
        queryset = self._build(**markers)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        prefetch = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        if compiler.annotation_col_map or prefetch:
            raise ValueError("a prepared query reads model rows only")
        # Each parameter: the index of the caller's value, or the compiled constant itself.
        slots = [
            self._names.index(p[1:-1]) if isinstance(p, Marker) else _Constant(p) for p in params
        ]
        if sorted(s for s in slots if isinstance(s, int)) != list(range(len(self._names))):
            raise ValueError("every marker must appear once in the compiled parameters")
        cached = (compiler, sql, slots)
        setattr(self._local, alias, cached)
        return cached

    def all(self, *values: Any, using: str = "default") -> list[M]:
        """The model instances (with their select_related objects) for ``values``, given in the
        order of the names."""
        compiler, sql, slots = self._compiled(using)
        if compiler.query.select_for_update and compiler.connection.get_autocommit():
            raise TransactionManagementError("select_for_update outside of a transaction")
        params = [s.value if isinstance(s, _Constant) else values[s] for s in slots]
        with compiler.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return list(_instances(compiler, rows, using))

    def first(self, *values: Any, using: str = "default") -> M | None:
        found = self.all(*values, using=using)
        return found[0] if found else None


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _instances(compiler: Any, rows: list[Any], db: str) -> Any:
    """Django's ModelIterable over rows already fetched: the same converters and populators."""
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, db)
    for row in compiler.results_iter(results=[rows]):
        obj = model.from_db(db, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        yield obj
