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

from django.db import connections, transaction
from django.db.models import Model, QuerySet, signals
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

    def _compiled(self, alias: str) -> _Shape:
        connection = connections[alias]
        cached: _Shape | None = getattr(self._local, alias, None)
        if cached is not None and cached.connection is connection:
            return cached
        markers = {name: Marker(f"\x00{name}\x00") for name in self._names}
        queryset = self._build(**markers)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError("a prepared query reads model rows (and their annotations) only")
        # Each parameter: the index of the caller's value, or the compiled constant itself.
        slots = [
            self._names.index(p[1:-1]) if isinstance(p, Marker) else _Constant(p) for p in params
        ]
        if sorted(s for s in slots if isinstance(s, int)) != list(range(len(self._names))):
            raise ValueError("every marker must appear once in the compiled parameters")
        cached = _Shape(compiler, sql, slots, alias)
        setattr(self._local, alias, cached)
        return cached

    def all(self, *values: Any, using: str = "default") -> list[M]:
        """The model instances (with their select_related objects) for ``values``, given in the
        order of the names."""
        shape = self._compiled(using)
        if shape.locks and shape.connection.get_autocommit():
            raise TransactionManagementError("select_for_update outside of a transaction")
        params = [s.value if isinstance(s, _Constant) else values[s] for s in shape.slots]
        with shape.connection.cursor() as cursor:
            cursor.execute(shape.sql, params)
            rows = cursor.fetchall()
        return [shape.instance(row) for row in rows]

    def first(self, *values: Any, using: str = "default") -> M | None:
        found = self.all(*values, using=using)
        return found[0] if found else None


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class _Shape:
    """A compiled query and what turns its rows into instances, built once: the converters of
    every selected column, the field names, the related-object populators (Django's
    ModelIterable builds all of these again for every query; at the counter that was more
    Python than the statement's round trip)."""

    def __init__(self, compiler: Any, sql: str, slots: list[Any], db: str) -> None:
        self.compiler, self.sql, self.slots, self.db = compiler, sql, slots, db
        self.connection = compiler.connection
        self.locks = bool(compiler.query.select_for_update)
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.names = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, db)
        self.annotations = list(compiler.annotation_col_map.items())
        columns = [s[0] for s in select[0 : compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("a prepared query reads no composite fields")
        self.converters = list(compiler.get_converters(columns).items())

    def instance(self, fetched: Any) -> Any:
        """One row as Django's ModelIterable would have built it."""
        row = list(fetched)
        connection = self.connection
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        obj = self.model.from_db(self.db, self.names, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj


# --- one new row, the INSERT's text built once ---------------------------------------------------
# (model, database alias) -> (the connection it was built for, the fields written, the SQL).
_inserts: dict[tuple[type[Model], str], tuple[Any, list[Any], str, tuple[Any, ...]]] = {}


def _plain_insert(model: type[Model], connection: Any) -> bool:
    """Whether ``insert`` may write this model's rows itself: what ``save()`` would do besides
    the INSERT (parents, ordering, database defaults, custom placeholders) is absent."""
    meta = model._meta
    return (
        connection.features.can_return_columns_from_insert
        and not meta.parents
        and not meta.order_with_respect_to
        and meta.db_returning_fields == [meta.pk]
        and meta.auto_field is meta.pk
        and not any(hasattr(f, "get_placeholder") for f in meta.local_concrete_fields)
    )


def _direct(obj: Model, using: str) -> tuple[Any, list[Any], str, tuple[Any, ...]] | None:
    """The INSERT's shape for ``obj`` (built once per model and connection) when ``insert`` may
    write it itself; None when ``save()`` must (a key already set, save listeners, a model with
    more to it: see ``_plain_insert``)."""
    model = type(obj)
    connection = connections[using]
    shape = _inserts.get((model, using))
    built = shape is not None and shape[0] is connection
    if (
        obj.pk is not None
        or signals.pre_save.has_listeners(model)
        or signals.post_save.has_listeners(model)
        or not (built or _plain_insert(model, connection))
    ):
        return None
    if shape is None or not built:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.pk]
        quote = connection.ops.quote_name
        returning, returning_params = connection.ops.return_insert_columns([meta.pk])
        # the model's own table and columns; the values are parameters
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608
            f" VALUES ({', '.join(['%s'] * len(fields))}) {returning}"
        )
        shape = (connection, fields, sql, tuple(returning_params))
        _inserts[(model, using)] = shape
    return shape


def _params(obj: Model, fields: list[Any], connection: Any, skip: Any = None) -> list[Any] | None:
    """The values of ``fields`` as the insert compiler prepares them (``pre_save`` included);
    None when one is an expression (the compiler's work)."""
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    fields = [f for f in fields if f is not skip]
    values = [f.pre_save(obj, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):
        return None
    return [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]


def _saved(obj: M, pk: Any, using: str) -> M:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return obj


def insert(obj: M, using: str = "default") -> M:
    """``obj.save()`` of a new row whose key the database assigns, the INSERT's text built once
    per model and connection: each call runs only the fields' ``pre_save`` (``auto_now_add``)
    and database preparation, as the ORM's insert compiler does, and reads the key back from
    ``RETURNING``. A model (or a value) with more to it than that is saved by ``save()``."""
    shape = _direct(obj, using)
    params = None if shape is None else _params(obj, shape[1], shape[0])
    if shape is None or params is None:
        obj.save(force_insert=True, using=using)
        return obj
    connection, _fields, sql, returning_params = shape
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params + list(returning_params))
        (pk,) = connection.ops.fetch_returned_insert_columns(cursor, returning_params)
    return _saved(obj, pk, using)


# (first model, second model, link field, alias) -> (the connection, the SQL)
_linked: dict[tuple[Any, ...], tuple[Any, str]] = {}


def insert_linked(first: M, second: Model, *, link: str, using: str = "default") -> M:
    """``insert(first)``, then ``insert(second)`` with its field ``link`` holding the key just
    given to ``first`` (as text for a text field: an audit row's ``target_id``). On PostgreSQL
    one statement (a data-modifying CTE), so one round trip for both rows; elsewhere, or when a
    row needs ``save()``, two. Both rows are saved either way, with their keys set."""
    field: Any = type(second)._meta.get_field(link)
    one, two = _direct(first, using), _direct(second, using)
    connection = connections[using]
    params = None
    if one is not None and two is not None and connection.vendor == "postgresql":
        first_params = _params(first, one[1], connection)
        second_params = _params(second, two[1], connection, skip=field)
        if first_params is not None and second_params is not None:
            params = first_params + second_params
    if one is None or two is None or params is None:
        insert(first, using)
        setattr(second, field.attname, field.to_python(first.pk))
        insert(second, using)
        return first
    key = (type(first), type(second), link, using)
    built = _linked.get(key)
    if built is None or built[0] is not connection:
        built = (connection, _linked_sql(first, second, field, connection))
        _linked[key] = built
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(built[1], params)
        second_pk, link_value = cursor.fetchone()
    first_pk = type(first)._meta.pk.to_python(link_value)
    _saved(first, first_pk, using)
    setattr(second, field.attname, field.to_python(first_pk))
    _saved(second, second_pk, using)
    return first


def _linked_sql(first: Model, second: Model, field: Any, connection: Any) -> str:
    quote = connection.ops.quote_name
    one, two = type(first)._meta, type(second)._meta
    first_fields = [f for f in one.local_concrete_fields if not f.generated and f is not one.pk]
    second_fields = [f for f in two.local_concrete_fields if not f.generated and f is not two.pk]
    # the link's value: the new key, in the link column's type; every other value a parameter
    key = f"CAST(r.{quote(one.pk.column)} AS {field.cast_db_type(connection)})"
    values = ", ".join(key if f is field else "%s" for f in second_fields)
    # the models' own tables and columns
    return (
        f"WITH r AS (INSERT INTO {quote(one.db_table)}"  # noqa: S608
        f" ({', '.join(quote(f.column) for f in first_fields)})"
        f" VALUES ({', '.join(['%s'] * len(first_fields))})"
        f" RETURNING {quote(one.pk.column)})"
        f" INSERT INTO {quote(two.db_table)} ({', '.join(quote(f.column) for f in second_fields)})"
        f" SELECT {values} FROM r"
        f" RETURNING {quote(two.pk.column)}, {quote(field.column)}"
    )
