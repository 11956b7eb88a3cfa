"""Merchant complaints move through core.workflow (ADR 0021): the status becomes an FSM field,
and each complaint already handled gets its 处理 row in core's one history, from the audit row
that recorded it (who, when) and the reply it holds. The reverse drops those rows; the audit rows
and the replies stay, so nothing is lost either way."""

import django_fsm
from django.db import migrations

from gonghui.core import history_copy


def forward(apps, schema_editor):
    complaint = apps.get_model("benefits", "Complaint")
    audit = apps.get_model("core", "AuditEvent")
    handled = {
        str(pk): (org_path, reply, created_at)
        for pk, org_path, reply, created_at in complaint.objects.filter(status="handled")
        .values_list("pk", "org_path", "reply", "created_at")
        .iterator()
    }
    if not handled:
        return
    decided = {}
    events = audit.objects.filter(
        action="benefits.complaint.handled", target_type="benefits.complaint"
    ).order_by("created_at", "pk")
    for event in events.iterator():
        decided.setdefault(event.target_id, event)
    rows = []
    for pk, (org_path, reply, created_at) in sorted(handled.items(), key=lambda i: int(i[0])):
        event = decided.get(pk)
        rows.append(
            {
                "object_id": int(pk),
                "org_path": org_path,
                "transition": "handle",
                "from_state": "open",
                "to_state": "handled",
                "actor_id": event.actor_id if event else None,
                "actor_label": event.actor_label if event else "",
                "reason": reply[:200],
                "created_at": event.created_at if event else created_at,
            }
        )
    history_copy.copy_in(apps, "benefits", "complaint", rows)


def backward(apps, schema_editor):
    history_copy.drop(apps, "benefits", "complaint")


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0002_history_in_core"),
        ("core", "0015_one_ledger"),
    ]

    operations = [
        migrations.AlterField(
            model_name="complaint",
            name="status",
            field=django_fsm.FSMField(
                choices=[("open", "待处理"), ("handled", "已处理")], default="open", max_length=8
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
