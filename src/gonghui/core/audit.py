"""Audit trail helpers. Services call ``audit_record`` inside their transaction."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from gonghui.core.models import AuditEvent

__all__ = ["AuditEvent", "audit_record", "client_ip", "prune_audit", "request_ip"]

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


@contextmanager
def request_ip(ip: str | None) -> Iterator[None]:
    """Set the client IP for audit rows written while handling one request."""
    token = _client_ip.set(ip)
    try:
        yield
    finally:
        _client_ip.reset(token)


def client_ip() -> str | None:
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
    actor: Any,
    target: Model | None = None,
    org_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """Write one audit row. ``actor=None`` records no person (system jobs, anonymous items)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor.get_username() if actor is not None else ""),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label if target_label is not None else str(target or ""))[:255],
        org_path=org_path,
        before=_jsonable(before) if before else None,
        after=_jsonable(after) if after else None,
        ip=client_ip(),
    )


def prune_audit(now: dt.datetime | None = None) -> int:
    """Delete audit rows older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.GONGHUI_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
