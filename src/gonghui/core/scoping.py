"""Data scope: every read starts from the viewer and fails closed (DESIGN.md rule 1).

A viewer is anything with ``is_authenticated`` and ``scope_paths()`` — the materialized paths of
the orgs whose subtrees it may see. ``accounts.User`` implements it from the officer's posts.
A query with no viewer raises; a viewer with no scope sees nothing; an object outside scope is a
404, never a 403 that confirms it exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

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


# The characters of a materialized path, in ascending order (orgs builds its segments from them).
# Kept here because core computes range bounds from it and core imports no domain app.
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PATH_STEP = 4  # characters per tree level in a materialized path (Org.path)


def path_upper(prefix: str) -> str | None:
    """The least path above every path that starts with ``prefix`` (None: there is none).

    Incrementing the last character in the path alphabet (carrying past its last character)
    bounds the subtree with characters of the alphabet only, which every collation in use
    orders like bytes (ADR 0015); a sentinel such as U+FFFF or '~' is ordered differently by
    ICU and glibc locales and would cut the range short or let it overrun.
    """
    for i in range(len(prefix) - 1, -1, -1):
        position = PATH_ALPHABET.find(prefix[i])
        if position < 0:
            raise ValueError(f"not a materialized path: {prefix!r}")
        if position + 1 < len(PATH_ALPHABET):
            return prefix[:i] + PATH_ALPHABET[position + 1]
    return None


def prefix_q(field: str, prefix: str) -> Q:
    """Rows whose materialized path ``field`` starts with ``prefix``, as a range on the column.

    ``field >= prefix AND field < path_upper(prefix)`` is served by a default-opclass btree
    index on the column, or one that leads with it, under any collation the database uses and
    on every vendor. ``LIKE 'prefix%'`` is not: under a non-C collation PostgreSQL needs a
    pattern-ops index for it, and composite indexes such as ``(org_path, id)`` have none.
    """
    if not set(prefix) <= set(PATH_ALPHABET):
        return Q(pk__in=[])  # no materialized path starts with a character outside the alphabet
    upper = path_upper(prefix)
    if upper is None:
        return Q(**{f"{field}__gte": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


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
