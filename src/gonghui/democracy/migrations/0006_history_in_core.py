"""StateLog moves into core's one history table (ADR 0021); the reverse copies it back.

StateLog named its object by ``kind`` and ``object_id`` and kept the states only: the model and
the transition are recovered from them."""

from django.db import migrations

from gonghui.core import history_copy

MODEL_OF = {
    "session": "session",
    "motion": "motion",
    "ballot": "ballot",
    "question": "disclosurequestion",
}
CREATED = {"session": "created", "motion": "drafted", "question": "asked", "ballot": "created"}
BY_MOVE = {
    ("motion", "replied", "assigned"): "reopen",
    ("question", "asked", "answered"): "answer",
}
BY_TARGET = {
    "materials_sent": "send_materials",
    "open": "open",
    "closed": "close",
    "submitted": "submit",
    "accepted": "accept",
    "returned": "return_",
    "converted": "convert",
    "assigned": "assign",
    "replied": "answer",
    "implementing": "close_rating",
    "completed": "complete",
    "tallied": "tally",
    "published": "publish",
}


def _name(log):
    if not log.from_state:
        return CREATED.get(log.kind, "created")
    move = BY_MOVE.get((log.kind, log.from_state, log.to_state))
    return move or BY_TARGET.get(log.to_state, log.to_state)


def forward(apps, schema_editor):
    old = apps.get_model("democracy", "StateLog")
    for kind, model in MODEL_OF.items():
        rows = (
            {
                "object_id": log.object_id,
                "org_path": log.org_path,
                "transition": _name(log),
                "from_state": log.from_state,
                "to_state": log.to_state,
                "actor_id": log.actor_id,
                "reason": log.comment,
                "created_at": log.at,
            }
            for log in old.objects.filter(kind=kind).order_by("pk").iterator()
        )
        history_copy.copy_in(apps, "democracy", model, rows)


def backward(apps, schema_editor):
    old = apps.get_model("democracy", "StateLog")
    for kind, model in MODEL_OF.items():
        for entry in history_copy.entries_of(apps, "democracy", model):
            row = old.objects.create(
                kind=kind,
                object_id=entry.object_id,
                org_path=entry.org_path,
                from_state=entry.from_state,
                to_state=entry.to_state,
                comment=entry.reason,
                actor_id=entry.actor_id,
            )
            old.objects.filter(pk=row.pk).update(at=entry.created_at)  # auto_now_add: now
        history_copy.drop(apps, "democracy", model)


class Migration(migrations.Migration):
    dependencies = [
        ("democracy", "0005_backfill_due_confirmed"),
        ("core", "0013_history"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="StateLog"),
    ]
