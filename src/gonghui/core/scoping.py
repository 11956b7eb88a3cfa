"""Data scope: every read starts from the viewer and fails closed (DESIGN.md rule 1).

A viewer is anything with ``is_authenticated`` and ``scope_paths()`` — the materialized paths of
the orgs whose subtrees it may see. ``accounts.User`` implements it from the officer's posts.
A query with no viewer raises; a viewer with no scope sees nothing; an object outside scope is a
404, never a 403 that confirms it exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

M = TypeVar("M", bound=Model)


@runtime_checkable
class Viewer(Protocol):
    @property
    def is_authenticated(self) -> bool: ...

    def scope_paths(self) -> Sequence[str]: ...

    def has_capability(self, capability: str, path: str) -> bool: ...

    def capabilities_at(self, path: str) -> set[str]: ...


class ViewerRequest(HttpRequest):
    """A request whose user is a viewer (views behind ``officer_required``)."""

    user: Viewer  # type: ignore[assignment]
    htmx: HtmxDetails


class ScopeError(RuntimeError):
    """A scoped read was attempted without a viewer: a programming error, never a result."""


def collapse(paths: Iterable[str]) -> list[str]:
    """Drop paths covered by a shorter one in the set (a subtree inside another subtree)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return sorted(kept)


def viewer_paths(viewer: Viewer | None) -> list[str]:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        raise ScopeError("scoped query without an authenticated viewer")
    return collapse(viewer.scope_paths())


def prefix_q(field: str, prefix: str) -> Q:
    """Rows whose materialized path ``field`` starts with ``prefix``, using the column's index.

    PostgreSQL serves ``LIKE 'prefix%'`` from the ``varchar_pattern_ops`` index Django creates
    for indexed CharFields. SQLite's LIKE is case-insensitive and never uses an index, so there
    the same rows are asked for as a range (paths are ASCII; U+FFFF encodes above any of it).
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\uffff"})
    return Q(**{f"{field}__startswith": prefix})


def scope_q(viewer: Viewer | None, field: str = "org_path") -> Q:
    """A filter for rows whose ``field`` lies in one of the viewer's subtrees (empty: no rows)."""
    paths = viewer_paths(viewer)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= prefix_q(field, path)
    return q


def scoped(queryset: QuerySet[M], viewer: Viewer | None, field: str = "org_path") -> QuerySet[M]:
    return queryset.filter(scope_q(viewer, field))


def in_scope(viewer: Viewer | None, path: str) -> bool:
    return any(path.startswith(p) for p in viewer_paths(viewer))


def get_scoped_or_404(
    queryset: QuerySet[M], viewer: Viewer | None, field: str = "org_path", **lookup: Any
) -> M:
    try:
        return scoped(queryset, viewer, field).get(**lookup)
    except queryset.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def require_capability(viewer: Viewer | None, capability: str, path: str) -> None:
    """Raise PermissionDenied unless the viewer holds ``capability`` over ``path``.

    Call it only after the object was found in scope, so that a refusal never confirms that
    something outside the viewer's scope exists.
    """
    from django.core.exceptions import PermissionDenied

    viewer_paths(viewer)
    assert viewer is not None
    if not viewer.has_capability(capability, path):
        raise PermissionDenied(capability)
