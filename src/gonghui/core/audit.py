"""Audit trail helpers. Services call ``audit_record`` inside their transaction."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise

from gonghui.core.models import AuditEvent
from gonghui.core.prepared import insert
from gonghui.core.scoping import Actor

__all__ = [
    "AuditEvent",
    "audit_action_label",
    "audit_actions",
    "audit_record",
    "current_client_ip",
    "prune_audit",
    "register_audit_actions",
    "request_ip",
]

logger = logging.getLogger(__name__)

# Every action code written to the trail, with the Chinese label the audit page shows (DESIGN.md
# rule 2). Apps fill it in their AppConfig.ready(), one dict per app.
_ACTION_LABELS: dict[str, str | Promise] = {}


def register_audit_actions(labels: Mapping[str, str | Promise]) -> None:
    """Register action codes with their labels; one code may not get two different labels."""
    for code, label in labels.items():
        known = _ACTION_LABELS.get(code)
        if known is not None and str(known) != str(label):
            raise ImproperlyConfigured(f"audit action {code!r} registered twice")
        _ACTION_LABELS[code] = label


def audit_actions() -> dict[str, str | Promise]:
    """The registered codes and their (lazy) labels."""
    return dict(_ACTION_LABELS)


def audit_action_label(code: str) -> str:
    """The label of a code; an unregistered code (a row older than its registration) as itself."""
    label = _ACTION_LABELS.get(code)
    return str(label) if label is not None else code


_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


@contextmanager
def request_ip(ip: str | None) -> Iterator[None]:
    """Set the client IP for audit rows written while handling one request."""
    token = _client_ip.set(ip)
    try:
        yield
    finally:
        _client_ip.reset(token)


def current_client_ip() -> str | None:
    """The address ``core.net.client_ip`` found for the request being handled, if any."""
    return _client_ip.get()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value.pk)
    return value


def audit_record(
    *,
    action: str,
    actor: Actor | None,
    target: Model | None = None,
    org_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """Write one audit row. ``actor=None`` records no person (system jobs, anonymous items).

    An unregistered ``action`` is refused under ``GONGHUI_STRICT_AUDIT_ACTIONS`` (the tests, so
    that the suite proves every code written has a label) and only logged in production, where a
    missing label must not undo the user's work."""
    event = audit_event(
        action=action,
        actor=actor,
        target=target,
        org_path=org_path,
        before=before,
        after=after,
        target_label=target_label,
    )
    # The INSERT's text is built once (core.prepared.insert): every service writes audit rows.
    return insert(event)


def audit_event(
    *,
    action: str,
    actor: Actor | None,
    target: Model | None = None,
    org_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """The row :func:`audit_record` writes, not yet written: for a service that writes it in
    one statement with its target (``core.prepared.insert_linked(target, event,
    link="target_id")``, the target new and without its key yet)."""
    if action not in _ACTION_LABELS:
        if getattr(settings, "GONGHUI_STRICT_AUDIT_ACTIONS", False):
            raise ImproperlyConfigured(f"audit action {action!r} is not registered")
        logger.warning("unregistered audit action %s", action)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent(
        action=action,
        actor=actor,
        actor_label=(actor.get_username() if actor is not None else ""),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=(target_label if target_label is not None else str(target or ""))[:255],
        org_path=org_path,
        before=_jsonable(before) if before else None,
        after=_jsonable(after) if after else None,
        ip=current_client_ip(),
    )


PRUNE_BATCH = 5000


def prune_audit(
    now: dt.datetime | None = None, *, batch: int = PRUNE_BATCH, max_batches: int | None = None
) -> int:
    """Delete audit rows older than the retention period, ``batch`` rows per statement (at most
    ``max_batches`` statements: the scheduled job stops there and goes on at its next run);
    returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.GONGHUI_AUDIT_RETENTION_DAYS)
    return delete_in_batches(
        AuditEvent.objects.filter(created_at__lt=cutoff), batch=batch, max_batches=max_batches
    )


def delete_in_batches(queryset: Any, *, batch: int, max_batches: int | None = None) -> int:
    """Delete the rows of ``queryset`` oldest id first, ``batch`` at a time: no statement holds
    locks on more than one batch (a retention job on a table of millions)."""
    deleted = batches = 0
    while max_batches is None or batches < max_batches:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        count, _ = queryset.model.objects.filter(pk__in=ids).delete()
        deleted += count
        batches += 1
    return deleted
