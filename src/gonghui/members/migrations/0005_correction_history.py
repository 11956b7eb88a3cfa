"""Correction requests move through core.workflow (ADR 0021): each request already decided gets
its decision row in core's one history, from the fields that held it (decided_by, decided_at,
decision_note). The reverse drops those rows; the fields stay on the request, so nothing is
lost either way."""

from django.db import migrations

from gonghui.core import history_copy

NAMES = {"approved": "approve", "rejected": "reject"}


def _label(actor):
    return (actor.full_name or actor.username)[:150] if actor is not None else ""


def forward(apps, schema_editor):
    request = apps.get_model("members", "CorrectionRequest")
    rows = (
        {
            "object_id": r.pk,
            "org_path": r.org_path,
            "transition": NAMES[r.status],
            "from_state": "pending",
            "to_state": r.status,
            "actor_id": r.decided_by_id,
            "actor_label": _label(r.decided_by),
            "reason": r.decision_note,
            "created_at": r.decided_at or r.created_at,
        }
        for r in request.objects.filter(status__in=list(NAMES))
        .select_related("decided_by")
        .order_by("pk")
        .iterator()
    )
    history_copy.copy_in(apps, "members", "correctionrequest", rows)


def backward(apps, schema_editor):
    history_copy.drop(apps, "members", "correctionrequest")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_path_and_id_index_diet"),
        ("core", "0013_history"),
    ]

    operations = [migrations.RunPython(forward, backward)]
