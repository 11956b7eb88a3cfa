"""0003 added ``Motion.due_confirmed`` with default True, so a database upgraded past it showed
every earlier deadline as confirmed, also those running into a year whose holiday schedule is not
published. Recompute the flag the way ``core.deadlines.add_working_days`` does: confirmed when
every year from the day after assignment to the due date has its schedule entered."""

import datetime as dt

from django.db import migrations


def backfill(apps, schema_editor):
    motion_model = apps.get_model("democracy", "Motion")
    known = set(apps.get_model("core", "CalendarYear").objects.values_list("year", flat=True))
    unconfirmed = []
    rows = motion_model.objects.filter(due_on__isnull=False).values_list(
        "pk", "assigned_on", "due_on"
    )
    for pk, assigned_on, due_on in rows.iterator(chunk_size=2000):
        first = (assigned_on or due_on) + dt.timedelta(days=1)
        years = range(min(first, due_on).year, due_on.year + 1)
        if not all(year in known for year in years):
            unconfirmed.append(pk)
    for start in range(0, len(unconfirmed), 2000):
        motion_model.objects.filter(pk__in=unconfirmed[start : start + 2000]).update(
            due_confirmed=False
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_seed_calendar"),
        ("democracy", "0004_secret_ballots_sealed"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
