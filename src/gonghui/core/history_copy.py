"""Carry an app's old history rows into ``core.HistoryEntry`` and back (ADR 0021).

Called by the apps' data migrations with the migration's historical ``apps``: it touches only the
fields of ``HistoryEntry`` as created by ``core.0013_history`` and ContentType, so later changes
to live models cannot change what an old migration does. Keep it that way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

BATCH = 1000
FIELDS = (
    "object_id",
    "org_path",
    "transition",
    "from_state",
    "to_state",
    "actor_id",
    "actor_label",
    "reason",
    "data",
    "created_at",
)


def _content_type(apps: Any, app_label: str, model: str) -> Any:
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.get_or_create(app_label=app_label, model=model)[0]


def copy_in(apps: Any, app_label: str, model: str, rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` (dicts of :data:`FIELDS`, missing ones empty) as history of
    ``app_label.model``, in batches; returns how many."""
    entry = apps.get_model("core", "HistoryEntry")
    content_type = _content_type(apps, app_label, model)
    batch: list[Any] = []
    written = 0
    for row in rows:
        values = {"actor_label": "", "reason": "", "data": {}, "from_state": "", "to_state": ""}
        values.update(row)
        batch.append(entry(content_type_id=content_type.pk, **values))
        if len(batch) >= BATCH:
            written += len(entry.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(entry.objects.bulk_create(batch))
    return written


def entries_of(apps: Any, app_label: str, model: str) -> Iterator[Any]:
    """The history rows of ``app_label.model``, oldest first (a reverse migration copies them
    back into the app's own table)."""
    entry = apps.get_model("core", "HistoryEntry")
    content_type = _content_type(apps, app_label, model)
    yield from entry.objects.filter(content_type_id=content_type.pk).order_by("created_at", "id")


def drop(apps: Any, app_label: str, model: str) -> None:
    """Delete the history rows of ``app_label.model`` (after a reverse migration copied them)."""
    entry = apps.get_model("core", "HistoryEntry")
    entry.objects.filter(content_type_id=_content_type(apps, app_label, model).pk).delete()
