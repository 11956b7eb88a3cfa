"""ReportStep moves into core's one history table (ADR 0021); the reverse copies it back."""

from django.db import migrations

from gonghui.core import history_copy

# The transition that led to each status (ReportStep kept the states only; the top of the tree
# went from draft to accepted in one step).
BY_TARGET = {"submitted": "submit", "accepted": "accept", "returned": "send_back"}

forward, backward = history_copy.mover(
    old=("stats", "ReportStep"),
    owner_field="report",
    owner=("stats", "orgreport"),
    columns=history_copy.STATUS_COLUMNS,
    name_of=lambda step: BY_TARGET.get(step.to_status, step.to_status),
)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0003_snapshot_subtree"),
        ("core", "0013_history"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="ReportStep"),
    ]
