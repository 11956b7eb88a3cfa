"""Carry an app's old history rows into ``core.HistoryEntry`` and back (ADR 0021).

Called by the apps' data migrations with the migration's historical ``apps``: it touches only the
fields of ``HistoryEntry`` as created by ``core.0013_history`` and ContentType, so later changes
to live models cannot change what an old migration does. Keep it that way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
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

# The layout most old step tables shared: from_status, to_status, actor, comment, at.
STATUS_COLUMNS = {
    "from_state": "from_status",
    "to_state": "to_status",
    "actor_id": "actor_id",
    "reason": "comment",
    "created_at": "at",
}


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


def mover(
    *,
    old: tuple[str, str],
    owner_field: str,
    owner: tuple[str, str],
    columns: Mapping[str, str],
    name_of: Callable[[Any], str],
    name_field: str = "",
    data_fields: tuple[str, ...] = (),
) -> tuple[Callable[[Any, Any], None], Callable[[Any, Any], None]]:
    """The (forward, backward) pair of a RunPython that carries the rows of the old step model
    ``old`` (app label, model name), each pointing to its object by ``owner_field``, into the
    history of ``owner``. ``columns`` maps HistoryEntry fields to the old fields (it must name
    ``created_at``); ``name_of(old_row)`` gives the transition; ``name_field`` is the old field
    that held it, if any (written back on reverse); ``data_fields`` are old fields kept in the
    entry's ``data`` (and restored on reverse)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(*old)
        rows = (
            {
                "object_id": getattr(step, f"{owner_field}_id"),
                "org_path": getattr(step, owner_field).org_path,
                "transition": name_of(step)[:40],
                **{new: getattr(step, column) for new, column in columns.items()},
                "data": {f: getattr(step, f) for f in data_fields},
            }
            for step in model.objects.select_related(owner_field).order_by("pk").iterator()
        )
        copy_in(apps, *owner, rows)

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(*old)
        for entry in entries_of(apps, *owner):
            values = {c: getattr(entry, new) for new, c in columns.items() if new != "created_at"}
            if name_field:
                values[name_field] = entry.transition
            values.update({f: entry.data.get(f, "") for f in data_fields})
            row = model.objects.create(**{f"{owner_field}_id": entry.object_id}, **values)
            # auto_now_add set the old time column to now: put the recorded time back.
            model.objects.filter(pk=row.pk).update(**{columns["created_at"]: entry.created_at})
        drop(apps, *owner)

    return forward, backward
