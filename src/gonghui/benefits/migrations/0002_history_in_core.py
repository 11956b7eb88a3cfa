"""MerchantHistory moves into core's one history table (ADR 0021); the reverse copies it back."""

from django.db import migrations

from gonghui.core import history_copy

# The transition that led to each status (MerchantHistory kept the states only).
BY_TARGET = {"signed": "sign", "suspended": "suspend", "terminated": "terminate"}


def forward(apps, schema_editor):
    old = apps.get_model("benefits", "MerchantHistory")
    rows = (
        {
            "object_id": h.merchant_id,
            "org_path": h.merchant.org_path,
            "transition": BY_TARGET.get(h.to_status, h.to_status),
            "from_state": h.from_status,
            "to_state": h.to_status,
            "actor_id": h.actor_id,
            "reason": h.comment,
            "created_at": h.at,
        }
        for h in old.objects.select_related("merchant").order_by("at", "id").iterator()
    )
    history_copy.copy_in(apps, "benefits", "merchant", rows)


def backward(apps, schema_editor):
    old = apps.get_model("benefits", "MerchantHistory")
    for entry in history_copy.entries_of(apps, "benefits", "merchant"):
        row = old.objects.create(
            merchant_id=entry.object_id,
            from_status=entry.from_state,
            to_status=entry.to_state,
            actor_id=entry.actor_id,
            comment=entry.reason[:200],
        )
        old.objects.filter(pk=row.pk).update(at=entry.created_at)  # auto_now_add set it to now
    history_copy.drop(apps, "benefits", "merchant")


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0001_initial"),
        ("core", "0013_history"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="MerchantHistory"),
    ]
