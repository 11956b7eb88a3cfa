"""Data scope: every read starts from the viewer and fails closed (DESIGN.md rule 1).

A viewer is anything with ``is_authenticated`` and ``scope_paths()`` — the materialized paths of
the orgs whose subtrees it may see. ``accounts.User`` implements it from the officer's posts.
A query with no viewer raises; a viewer with no scope sees nothing; an object outside scope is a
404, never a 403 that confirms it exists.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Manager, Model, Q, QuerySet
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


# Who does a thing (ADR 0023): the acting person, recorded in foreign keys (created_by,
# decided_by, actor ...) and in the audit, is the account model itself, ``accounts.User``, which
# also implements ``Viewer``. Core imports no domain app, so it names that model through
# django-stubs: its mypy plugin resolves ``django.contrib.auth.models._User`` to
# ``settings.AUTH_USER_MODEL``. At run time only postponed annotations mention ``Actor`` (every
# module has ``from __future__ import annotations``); the name is bound to the protocol the
# account implements so that importing it works everywhere.
# ``actor: Actor | None`` is reserved for acts of the system itself (scheduled jobs, commands,
# the demo seeding): ``None`` is 系统, and the audit shows 系统.
if TYPE_CHECKING:
    from django.contrib.auth.models import _User as Actor
else:
    Actor = Viewer


class ViewerRequest(HttpRequest):
    """A request whose user is a signed-in account (views behind ``officer_required`` and
    ``member_required``, API operations behind its authentication): the boundary where
    ``request.user`` stops being ``User | AnonymousUser``."""

    user: Actor
    htmx: HtmxDetails


class ExplainedRefusal(PermissionDenied):
    """A permission refusal whose message is written for the person refused (Chinese, and safe
    to show: it names nothing outside their scope). Pages show its message; a plain
    ``PermissionDenied`` carries a capability code, so pages show their own sentence instead."""


class ScopeError(RuntimeError):
    """A scoped read was attempted without a viewer: a programming error, never a result."""


def within(path: str, root: str) -> bool:
    """Whether materialized ``path`` lies in the subtree of ``root`` (``root`` itself included).

    The one spelling of the subtree test on paths in Python; queries use :func:`prefix_q`."""
    return path.startswith(root)


def collapse(paths: Iterable[str]) -> list[str]:
    """Drop paths covered by a shorter one in the set (a subtree inside another subtree)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(within(path, k) for k in kept):
            kept.append(path)
    return sorted(kept)


def viewer_paths(viewer: Viewer | None) -> list[str]:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        raise ScopeError("scoped query without an authenticated viewer")
    return collapse(viewer.scope_paths())


def subtrees_with(viewer: Viewer | None, capability: str) -> list[str]:
    """The roots of the viewer's subtrees where it holds ``capability`` (collapsed).

    Tested on every post's own path before collapsing: a post without the capability must not
    hide a post below it that has it."""
    viewer_paths(viewer)
    assert viewer is not None
    return collapse(p for p in viewer.scope_paths() if viewer.has_capability(capability, p))


def holds_anywhere(viewer: Viewer | None, capability: str) -> bool:
    """Whether the viewer holds ``capability`` over at least one org (False for no viewer)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return bool(subtrees_with(viewer, capability))


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


def subtrees_q(paths: Iterable[str], field: str = "org_path") -> Q:
    """Rows whose ``field`` lies in one of the subtrees ``paths`` (none: no rows)."""
    q = Q()
    for path in collapse(paths):
        q |= prefix_q(field, path)
    return q if q.children else Q(pk__in=[])


def scope_q(viewer: Viewer | None, field: str = "org_path", capability: str | None = None) -> Q:
    """A filter for rows whose ``field`` lies in one of the viewer's subtrees (empty: no rows),
    or only those where it holds ``capability``."""
    if capability is None:
        return subtrees_q(viewer_paths(viewer), field)
    return subtrees_q(subtrees_with(viewer, capability), field)


def scoped(queryset: QuerySet[M], viewer: Viewer | None, field: str = "org_path") -> QuerySet[M]:
    return mark_scoped(queryset.filter(scope_q(viewer, field)), VIEWER_SCOPE)


def in_scope(viewer: Viewer | None, path: str) -> bool:
    return any(within(path, p) for p in viewer_paths(viewer))


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


# --- scoped managers (ADR 0020) ------------------------------------------------------------------
# Every model with an org path gets ``objects = ScopedManager()`` (the system check
# ``gonghui.E201`` fails otherwise). Its querysets remember whether they were narrowed to a
# viewer or opted out with a reason; under GONGHUI_STRICT_SCOPE (the tests) evaluating one that
# is neither, from a view, API or selector module, raises UnscopedQuery.

VIEWER_SCOPE = "viewer"
_opt_out: ContextVar[str] = ContextVar("gonghui_unscoped", default="")
# The front doors: modules named views/api/selectors (jobs_api, views_support ...) and the
# modules of packages so named (orgs.views.orgs, democracy.selectors.ballots, members.phone.views).
_FRONT_DOOR = re.compile(r"(^|_)(views?|api|selectors)(_|$)")


class UnscopedQuery(ScopeError):
    """A path model was read from a view, API or selector without a viewer or a reason."""


@contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """Reads inside the block may be unscoped: services that check the capability themselves,
    jobs, migrations, counters. ``reason`` says why, for the reader of the call site."""
    if not reason.strip():
        raise ValueError("unscoped() needs a reason")
    token = _opt_out.set(reason)
    try:
        yield
    finally:
        _opt_out.reset(token)


def mark_scoped(queryset: QuerySet[M], scope: str) -> QuerySet[M]:
    if isinstance(queryset, ScopedQuerySet):
        queryset._scope = scope
    return queryset


def _front_door_caller() -> str:
    """The module of the nearest project frame outside this one, when it is a front door."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("gonghui.") and module != __name__:
            parts = module.split(".")[2:] or module.split(".")[-1:]
            return module if any(_FRONT_DOOR.search(part) for part in parts) else ""
        frame = frame.f_back  # type: ignore[assignment]
    return ""


class ScopedQuerySet(QuerySet[M]):
    """A queryset of a path model: ``for_viewer`` narrows it, ``unscoped`` opts out."""

    _scope: str = ""

    def _clone(self) -> ScopedQuerySet[M]:
        clone = super()._clone()  # type: ignore[misc]
        clone._scope = self._scope
        return clone

    def for_viewer(
        self, viewer: Viewer | None, capability: str | None = None, *, field: str = ""
    ) -> ScopedQuerySet[M]:
        """Rows in the viewer's subtrees (only those where it holds ``capability``, if given)."""
        chosen = field or scope_field(self.model)
        queryset = self.filter(scope_q(viewer, chosen, capability))
        queryset._scope = VIEWER_SCOPE
        return queryset

    def unscoped(self, *, reason: str) -> ScopedQuerySet[M]:
        """Every row, deliberately: ``reason`` says why (the capability is checked elsewhere)."""
        if not reason.strip():
            raise ValueError("unscoped() needs a reason")
        queryset = self._chain()  # type: ignore[attr-defined]
        queryset._scope = reason
        return queryset

    def _guard(self) -> None:
        if self._scope or _opt_out.get() or not getattr(settings, "GONGHUI_STRICT_SCOPE", False):
            return
        if self._known_related_objects:  # type: ignore[attr-defined]
            return  # a related manager's rows of an object that was itself found in scope
        caller = _front_door_caller()
        if caller:
            raise UnscopedQuery(
                f"{caller} reads {self.model.__name__} without for_viewer() or unscoped(reason=...)"
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._guard()
            # Prefetches and other queries run while fetching a checked queryset are its own.
            token = _opt_out.set(self._scope or _opt_out.get() or "checked by the outer query")
            try:
                super()._fetch_all()
            finally:
                _opt_out.reset(token)

    def count(self) -> int:
        if self._result_cache is None:
            self._guard()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._guard()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._guard()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size: int | None = None) -> Iterator[M]:
        self._guard()
        return super().iterator(chunk_size=chunk_size)


# The default manager of every model with an org path (module-level from_queryset: the
# django-stubs plugin types its proxied for_viewer/unscoped).
ScopedManager = Manager.from_queryset(ScopedQuerySet)


def scope_field(model: type[Model]) -> str:
    """The path a viewer's scope applies to: ``org_path``, else the model's first path field."""
    from gonghui.core.registry import path_fields_of

    fields = path_fields_of(model)
    if "org_path" in fields or not fields:
        return "org_path"
    return fields[0]
