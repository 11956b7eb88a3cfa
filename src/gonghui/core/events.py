"""Explicit in-process events (DESIGN.md "Who may import whom"): no Django signals.

An app announces that something happened with ``emit("members.member.joined", member=m, ...)``;
other apps react through handlers they register in ``AppConfig.ready()``::

    events.register_handler("members.member.joined", bump_counters)            # same transaction
    events.register_handler("members.member.joined", send_welcome, when="on_commit")

* ``when="now"`` handlers run immediately, inside the emitter's transaction, in registration
  order. An exception propagates to the emitter and, inside ``transaction.atomic``, rolls the
  whole change back: use them for what must stay consistent with the change (rollup counters).
* ``when="on_commit"`` handlers are scheduled with ``transaction.on_commit``: they run after the
  emitter's outermost transaction commits (in registration order) and never if it rolls back.
  Outside any transaction they run at once, as Django's ``on_commit`` does. They are registered
  ``robust``: the data is already committed, so a failing handler is logged and does not stop the
  others or fail the request. Use them for side effects (notifications, tasks).

Handlers are called with the payload as keyword arguments: ``handler(**payload)``. Event names
are namespaced like audit actions: ``<app>.<entity>.<past tense verb>``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction

__all__ = ["Handler", "emit", "handlers", "register_handler", "unregister_handler"]

Handler = Callable[..., Any]
When = Literal["now", "on_commit"]
_WHEN: tuple[str, ...] = ("now", "on_commit")
_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class Registration:
    event: str
    name: str
    handler: Handler
    when: str


_handlers: dict[str, list[Registration]] = {}


def _check_event(event: str) -> None:
    if not _EVENT_NAME.match(event):
        raise ValueError(f"event name must be namespaced, like 'members.member.joined': {event!r}")


def register_handler(
    event: str, handler: Handler, *, when: When = "now", name: str | None = None
) -> None:
    """Register ``handler`` for ``event``. Idempotent by ``name`` (default: the handler's dotted
    path): registering the same name again replaces the handler and keeps its position, so
    ``ready()`` running twice registers nothing twice."""
    _check_event(event)
    if when not in _WHEN:
        raise ValueError(f"when must be one of {_WHEN}: {when!r}")
    name = name or f"{handler.__module__}.{handler.__qualname__}"
    registration = Registration(event=event, name=name, handler=handler, when=when)
    registered = _handlers.setdefault(event, [])
    for i, existing in enumerate(registered):
        if existing.name == name:
            registered[i] = registration
            return
    registered.append(registration)


def unregister_handler(event: str, name: str) -> None:
    """Remove a handler by name (tests, plug-ins switched off); unknown names are ignored."""
    _handlers[event] = [r for r in _handlers.get(event, []) if r.name != name]


def handlers(event: str) -> list[Registration]:
    return list(_handlers.get(event, []))


def emit(event: str, /, *, using: str | None = None, **payload: Any) -> None:
    """Announce ``event``: run its "now" handlers, schedule its "on_commit" handlers.

    ``using`` names the database whose transaction "on_commit" handlers wait for.
    """
    _check_event(event)
    for registration in handlers(event):
        if registration.when == "now":
            registration.handler(**payload)
        else:
            transaction.on_commit(
                functools.partial(registration.handler, **payload), using=using, robust=True
            )
