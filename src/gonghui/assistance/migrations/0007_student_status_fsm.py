"""金秋助学 applications move through core.workflow (ADR 0021): the status becomes an FSM field,
and each application already paid gets its 发放 row in core's one history, taken from the
history of the record that paid it (its time and officer; the record's time of payment when that
record has no trail). The reverse drops those rows: the status itself is unchanged."""

import django_fsm
from django.db import migrations

from gonghui.core import history_copy


def forward(apps, schema_editor):
    student = apps.get_model("assistance", "StudentApplication")
    entry = apps.get_model("core", "HistoryEntry")
    content_type = apps.get_model("contenttypes", "ContentType")
    record_type = content_type.objects.get_or_create(
        app_label="assistance", model="assistancerecord"
    )[0]
    paid = {
        e.object_id: e
        for e in entry.objects.filter(content_type_id=record_type.pk, transition="pay")
    }

    def rows():
        for s in (
            student.objects.filter(status="paid", record__isnull=False)
            .select_related("record")
            .order_by("pk")
            .iterator()
        ):
            step = paid.get(s.record_id)
            yield {
                "object_id": s.pk,
                "org_path": s.org_path,
                "transition": "pay",
                "from_state": "pending",
                "to_state": "paid",
                "actor_id": step.actor_id if step else None,
                "actor_label": step.actor_label if step else "",
                "data": {"amount": str(s.amount), "record": s.record_id},
                "created_at": step.created_at if step else (s.record.paid_at or s.created_at),
            }

    history_copy.copy_in(apps, "assistance", "studentapplication", rows())


def backward(apps, schema_editor):
    history_copy.drop(apps, "assistance", "studentapplication")


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0006_funds_into_core_ledger"),
        ("core", "0015_one_ledger"),
    ]

    operations = [
        migrations.AlterField(
            model_name="studentapplication",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("pending", "待审核"),
                    ("approved", "已核定"),
                    ("excluded", "不予资助"),
                    ("paid", "已发放"),
                ],
                default="pending",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
