"""MerchantHistory moves into core's one history table (ADR 0021); the reverse copies it back."""

from django.db import migrations

from gonghui.core import history_copy

# The transition that led to each status (MerchantHistory kept the states only).
BY_TARGET = {"signed": "sign", "suspended": "suspend", "terminated": "terminate"}

forward, backward = history_copy.mover(
    old=("benefits", "MerchantHistory"),
    owner_field="merchant",
    owner=("benefits", "merchant"),
    columns=history_copy.STATUS_COLUMNS,
    name_of=lambda step: BY_TARGET.get(step.to_status, step.to_status),
)


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0001_initial"),
        ("core", "0013_history"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="MerchantHistory"),
    ]
