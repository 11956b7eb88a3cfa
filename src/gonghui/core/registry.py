"""Named registries through which apps cooperate without importing each other.

Apps fill them in ``AppConfig.ready()`` with explicit calls (not Django signals):

* to-do providers feed the officer's 待办 panel;
* dissolve guards say why an org may not be dissolved yet (members, open cases ...);
* merge handlers move an app's rows from a merged org to the surviving one;
* org-path models carry a denormalized ``org_path`` that a subtree move must rewrite: found by
  introspection (:func:`org_path_models`), never registered; an app only declares the paths that
  stay put (:func:`keep_path`);
* hand-offs pass a piece of work from one module to another (a motion becoming an appeal);
* member tiles put a module's phone pages on the member's home page ``/m/``;
* the ballot engine: one secret-ballot engine for every vote, and listeners of its results;
* member segments (农民工, 困难职工, 劳模 ...) that offers target and reports count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from gonghui.core.scoping import Actor

if TYPE_CHECKING:
    from django.db.models import Model, Q

    from gonghui.core.scoping import Viewer


@dataclass(frozen=True)
class TodoItem:
    title: str | Promise
    url: str = ""
    count: int = 1
    due: str = ""
    overdue: bool = False
    source: str = ""


TodoProvider = Callable[["Viewer"], Iterable[TodoItem]]
DissolveGuard = Callable[[Any], Iterable[str]]
MergeHandler = Callable[..., None]

_todo_providers: list[tuple[str, TodoProvider]] = []
_dissolve_guards: list[tuple[str, DissolveGuard]] = []
_merge_handlers: list[tuple[str, MergeHandler]] = []


def _add(registry: list[tuple[str, Any]], name: str, fn: Any) -> None:
    # ready() may run twice in some test set-ups: registration is idempotent by name.
    registry[:] = [(n, f) for n, f in registry if n != name]
    registry.append((name, fn))


def register_todo_provider(name: str, provider: TodoProvider) -> None:
    _add(_todo_providers, name, provider)


def register_dissolve_guard(name: str, guard: DissolveGuard) -> None:
    _add(_dissolve_guards, name, guard)


def register_merge_handler(
    name: str, handler: MergeHandler | None, handles: Iterable[type[Model]] = ()
) -> None:
    """``handler(*, source, target, actor)`` runs inside the merge's transaction and moves the
    rows of the models it ``handles`` (every path field of theirs) from source to target.
    ``handler=None`` declares models that ``org_merge`` moves itself."""
    if handler is not None:
        _add(_merge_handlers, name, handler)
    for model in handles:
        _merge_handled[model._meta.label] = name


# --- org paths -----------------------------------------------------------------------------------
# The rule (ADR 0020): a concrete CharField named ``org_path`` or ending in ``_path`` holds a
# materialized org path, except the tree's own column. A subtree move rewrites every such field;
# a merge re-points the rows left at the merged org to the surviving one: the handler that
# declares the model does it, else ``org_merge`` itself when the model has no foreign key to the
# tree (its parent row was moved by a handler). The system check gonghui.E202 fails for any other.

_tree: list[tuple[type[Model], str]] = []
_merge_handled: dict[str, str] = {}
_kept: dict[tuple[str, str], tuple[str, str]] = {}


def register_tree(model: type[Model], field: str = "path") -> None:
    """The org tree itself (orgs.Org): its path is rewritten by the move, not as a copy."""
    _tree[:] = [(model, field)]


def tree_model() -> type[Model] | None:
    return _tree[0][0] if _tree else None


def keep_path(model: type[Model], field: str = "org_path", *, on: str, reason: str) -> None:
    """Declare that ``field`` stays put: ``on="move"`` frozen history (neither a move nor a
    merge touches it), ``on="merge"`` moved with its subtree but left at a merged org."""
    if on not in ("move", "merge") or not reason.strip():
        raise ValueError("keep_path needs on='move'|'merge' and a reason")
    _kept[(model._meta.label, field)] = (on, reason)


def is_path_field(field: Any) -> bool:
    from django.db import models

    return (
        isinstance(field, models.CharField)
        and field.concrete
        and (field.name == "org_path" or field.name.endswith("_path"))
    )


def path_fields_of(model: type[Model]) -> list[str]:
    if _tree and model is _tree[0][0]:
        return []
    return [f.name for f in model._meta.concrete_fields if is_path_field(f)]


def path_models() -> list[tuple[type[Model], str]]:
    """Every (model, field) holding an org path, found in the app registry."""
    from django.apps import apps

    return [(m, f) for m in apps.get_models() for f in path_fields_of(m)]


def kept(model: type[Model], field: str) -> tuple[str, str] | None:
    return _kept.get((model._meta.label, field))


def merge_handler_of(model: type[Model]) -> str | None:
    return _merge_handled.get(model._meta.label)


def todo_items(viewer: Viewer) -> list[TodoItem]:
    items: list[TodoItem] = []
    for name, provider in _todo_providers:
        items.extend(
            TodoItem(**{**item.__dict__, "source": item.source or name})
            for item in provider(viewer)
        )
    return sorted(items, key=lambda i: (not i.overdue, i.due or "9999", i.title))


def dissolve_obstacles(org: Any) -> list[str]:
    return [reason for _, guard in _dissolve_guards for reason in guard(org)]


def merge_handlers() -> list[MergeHandler]:
    return [fn for _, fn in _merge_handlers]


def org_path_models() -> list[tuple[type[Model], str]]:
    """The (model, field) pairs a subtree move rewrites: every path field but frozen history."""
    return [(m, f) for m, f in path_models() if (kept(m, f) or ("",))[0] != "move"]


def merge_swept() -> list[tuple[type[Model], str]]:
    """The (model, field) pairs ``org_merge`` re-points itself after the handlers ran."""
    return [(m, f) for m, f in path_models() if kept(m, f) is None and merge_handler_of(m) is None]


ShellProvider = Callable[[Any], dict[str, Any]]
_shell_providers: list[tuple[str, ShellProvider]] = []


def register_shell_provider(name: str, provider: ShellProvider) -> None:
    """``provider(request) -> dict`` adds to every page's context (the acting org, ...)."""
    _add(_shell_providers, name, provider)


def shell_providers() -> list[ShellProvider]:
    return [fn for _, fn in _shell_providers]


Handoff = Callable[..., Any]
_handoffs: list[tuple[str, Handoff]] = []


def register_handoff(name: str, receiver: Handoff) -> None:
    """``name`` is the kind of work received, e.g. ``"voice.appeal.suggestion"``: a motion that the
    congress turns into a suggestion. The receiver takes keyword arguments and returns what it
    created; the sender calls :func:`handoff` inside its own transaction."""
    _add(_handoffs, name, receiver)


def handoff(name: str, **kwargs: Any) -> Any:
    """Hand the work to its receiver; ``LookupError`` when no installed module receives it."""
    for registered, receiver in _handoffs:
        if registered == name:
            return receiver(**kwargs)
    raise LookupError(name)


def has_handoff(name: str) -> bool:
    return any(registered == name for registered, _ in _handoffs)


@dataclass(frozen=True)
class MemberTile:
    """An entry on the member's phone home page ``/m/``."""

    label: str | Promise
    url_name: str
    order: int = 100
    icon: str = ""


_member_tiles: list[tuple[str, MemberTile]] = []


def register_member_tile(name: str, tile: MemberTile) -> None:
    _add(_member_tiles, name, tile)


def member_tiles() -> list[MemberTile]:
    return sorted((tile for _, tile in _member_tiles), key=lambda t: t.order)


# --- deadlines passing and who is told (core.reminders) -----------------------------------------

OverdueSource = Callable[..., Iterable[Any]]
OfficerFinder = Callable[[str, str], list[Any]]
_overdue_sources: list[tuple[str, OverdueSource]] = []
_officer_finders: list[tuple[str, OfficerFinder]] = []


def register_overdue_source(name: str, source: OverdueSource) -> None:
    """``source(*, since, today)`` yields a ``core.reminders.Notice`` for each open item of the
    module whose deadline fell in [since, today): what its to-do panel now shows as overdue."""
    _add(_overdue_sources, name, source)


def overdue_sources() -> list[tuple[str, OverdueSource]]:
    return list(_overdue_sources)


def register_officer_finder(name: str, finder: OfficerFinder) -> None:
    """``finder(capability, org_path)`` lists the active accounts to tell about an item of that
    org (``orgs``: the officers holding the capability there, else at the nearest union above)."""
    _add(_officer_finders, name, finder)


def officers_holding(capability: str, org_path: str) -> list[Any]:
    found: dict[Any, Any] = {}
    for _, finder in _officer_finders:
        for user in finder(capability, org_path):
            found.setdefault(user.pk, user)
    return list(found.values())


# --- the ballot engine ---------------------------------------------------------------------------
# Every vote, of any electorate, runs on one secret-ballot engine (ADR 0011). The module that
# provides it (democracy) registers it here; the others (elections, contract votes, 劳模 assessment,
# 换届) create and read ballots through ``ballot_engine()`` without importing it, and hear of a
# published result through a listener registered under their own owner name.


@dataclass(frozen=True)
class Electorate:
    """Who may vote: ``kind`` is "members" (a union's members, 会员大会), "staff" (the members
    employed by ``employer_id``, 职工大会), "named" (``names``, one person each) or "delegates"
    (the delegates present at congress session ``session_id``)."""

    kind: str
    session_id: int | None = None
    employer_id: int | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutcomeRow:
    code: str
    label: str
    votes: int
    elected: bool = False
    grades: dict[str, int] | None = None
    satisfaction_pct: str = ""
    flagged: bool = False


@dataclass(frozen=True)
class BallotOutcome:
    """A published result: totals per option (per leader and grade), never a choice per voter."""

    ballot_id: int
    kind: str
    passed: bool
    eligible: int
    voted: int
    rows: tuple[OutcomeRow, ...]
    published_hash: str


class BallotEngine:
    """The protocol a ballot engine implements (the registered object's methods)."""

    def create(
        self,
        *,
        actor: Actor,
        org: Any,
        kind: str,
        title: str,
        electorate: Electorate,
        options: Iterable[str] = (),
        seats: int = 1,
        pass_rule: str = "",
        tellers: Iterable[str] = (),
        tellers_needed: int = 2,
        owner: str = "",
        owner_ref: str = "",
    ) -> int:
        """A draft ballot; returns its id. ``owner`` names the calling module's listener."""
        raise NotImplementedError

    def state(self, ballot_id: int) -> str:
        raise NotImplementedError

    def url(self, ballot_id: int) -> str:
        """The officers' page of the ballot (tellers, opening, tally, publication)."""
        raise NotImplementedError

    def outcome(self, ballot_id: int) -> BallotOutcome | None:
        """The published result, or None while it is not published."""
        raise NotImplementedError


BallotListener = Callable[..., None]
_ballot_engine: list[BallotEngine] = []
_ballot_listeners: list[tuple[str, BallotListener]] = []


def register_ballot_engine(engine: BallotEngine) -> None:
    _ballot_engine[:] = [engine]


def ballot_engine() -> BallotEngine:
    """The installed engine; ``LookupError`` when no module provides one."""
    if not _ballot_engine:
        raise LookupError("ballot engine")
    return _ballot_engine[0]


def register_ballot_listener(owner: str, listener: BallotListener) -> None:
    """``listener(*, ballot_id, owner_ref, outcome)`` runs after a ballot created with this
    ``owner`` is published (on commit of the publication)."""
    _add(_ballot_listeners, owner, listener)


def ballot_listener(owner: str) -> BallotListener | None:
    return next((fn for name, fn in _ballot_listeners if name == owner), None)


# --- member segments -----------------------------------------------------------------------------
# Groups of members that an offer may be restricted to and that reports count (who benefits):
# benefits registers 农民工, 八大群体 and 保留会籍, assistance 困难职工, honours 劳模. Modules read
# them here, never from the module that registered them.


@dataclass(frozen=True)
class MemberSegment:
    """``predicate(member)`` says whether one member belongs; ``q``, when given, filters a member
    queryset to the segment (reports count its members, per 1,000)."""

    code: str
    label: str | Promise
    predicate: Callable[[Any], bool]
    q: Q | None = None


_member_segments: list[tuple[str, MemberSegment]] = []


def register_member_segment(
    code: str, label: str | Promise, predicate: Callable[[Any], bool], q: Q | None = None
) -> None:
    _add(_member_segments, code, MemberSegment(code, label, predicate, q))


def member_segments_all() -> list[MemberSegment]:
    return [segment for _, segment in _member_segments]


def member_segment_get(code: str) -> MemberSegment | None:
    return next((segment for name, segment in _member_segments if name == code), None)


def member_in_segment(member: Any, code: str) -> bool:
    """Whether ``member`` belongs to segment ``code`` (only that segment's check runs: the
    counter asks about one offer's segment, not every module's)."""
    segment = member_segment_get(code)
    return segment is not None and bool(segment.predicate(member))


def member_segments(member: Any) -> list[str]:
    """The codes of the segments ``member`` belongs to."""
    return [code for code, segment in _member_segments if segment.predicate(member)]
