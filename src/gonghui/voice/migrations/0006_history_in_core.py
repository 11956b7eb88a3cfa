"""AppealStep and ProposalStep move into core's one history table (ADR 0021); the reverse
copies them back. An anonymous appeal's submitter steps carry no actor before or after: the
rows are copied as they are (actor empty, label 提出人（匿名）)."""

from django.db import migrations

from gonghui.core import history_copy

COLUMNS = {
    "from_state": "from_status",
    "to_state": "to_status",
    "actor_id": "actor_id",
    "actor_label": "actor_label",
    "reason": "opinion",
    "created_at": "created_at",
}

appeals_forward, appeals_backward = history_copy.mover(
    old=("voice", "AppealStep"),
    owner_field="appeal",
    owner=("voice", "appeal"),
    columns=COLUMNS,
    name_of=lambda step: step.action,
    name_field="action",
    data_fields=("org_name",),
)
proposals_forward, proposals_backward = history_copy.mover(
    old=("voice", "ProposalStep"),
    owner_field="proposal",
    owner=("voice", "proposal"),
    columns=COLUMNS,
    name_of=lambda step: step.action,
    name_field="action",
)


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0005_seed_appeal_categories"),
        ("core", "0013_history"),
    ]

    operations = [
        migrations.RunPython(appeals_forward, appeals_backward),
        migrations.RunPython(proposals_forward, proposals_backward),
        migrations.DeleteModel(name="AppealStep"),
        migrations.DeleteModel(name="ProposalStep"),
    ]
