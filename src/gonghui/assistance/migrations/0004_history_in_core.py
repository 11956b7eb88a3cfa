"""CaseStep moves into core's one history table (ADR 0021); the reverse copies it back.

The step's kind names the history row (the pages label it as before); the union that took the
step (the upper level for an approval) goes into ``data`` as ``org_id`` and ``org_name``, with
the step's own data; the actor's name at the time becomes the row's label."""

from django.db import migrations

from gonghui.core import history_copy

ACTING = ("org_id", "org_name")


def _label(actor):
    return (actor.full_name or actor.username)[:150] if actor is not None else ""


def forward(apps, schema_editor):
    step = apps.get_model("assistance", "CaseStep")
    rows = (
        {
            "object_id": s.case_id,
            "org_path": s.org_path,
            "transition": s.kind,
            "from_state": s.from_status,
            "to_state": s.to_status,
            "actor_id": s.actor_id,
            "actor_label": _label(s.actor),
            "reason": s.opinion,
            "data": {**s.data, "org_id": s.org_id, "org_name": s.org.name if s.org else ""},
            "created_at": s.at,
        }
        for s in step.objects.select_related("actor", "org").order_by("pk").iterator()
    )
    history_copy.copy_in(apps, "assistance", "hardshipcase", rows)


def backward(apps, schema_editor):
    step = apps.get_model("assistance", "CaseStep")
    for entry in history_copy.entries_of(apps, "assistance", "hardshipcase"):
        row = step.objects.create(
            case_id=entry.object_id,
            kind=entry.transition[:16],
            from_status=entry.from_state,
            to_status=entry.to_state,
            opinion=entry.reason,
            data={k: v for k, v in entry.data.items() if k not in ACTING},
            actor_id=entry.actor_id,
            org_id=entry.data.get("org_id"),
            org_path=entry.org_path,
        )
        # auto_now_add set the time to now: put the recorded time back.
        step.objects.filter(pk=row.pk).update(at=entry.created_at)
    history_copy.drop(apps, "assistance", "hardshipcase")


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0003_private_file_storage"),
        ("core", "0013_history"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="CaseStep"),
    ]
