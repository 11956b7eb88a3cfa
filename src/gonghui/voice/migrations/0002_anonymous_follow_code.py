"""Anonymous appeals become unlinkable (issue 16 item 2).

Adds ``Appeal.follow_digest`` (SHA-256 of the random 查询码 an anonymous appeal's author keeps)
and clears ``owner_key`` on every existing anonymous appeal: that keyed hash of the account id
was the same value as on the member's signed appeals and proposals, so one join named the author.
Nothing can be derived in its place without keeping the very link we remove, so the authors of
anonymous appeals submitted before this migration can no longer follow them on their phone;
the handling union still replies, and the reply stays on the appeal. Not reversible in data.
"""

from django.db import migrations, models


def clear_anonymous_owner_keys(apps, schema_editor):
    Appeal = apps.get_model("voice", "Appeal")
    Appeal.objects.filter(anonymous=True).exclude(owner_key="").update(owner_key="")


class Migration(migrations.Migration):

    dependencies = [
        ("voice", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="follow_digest",
            field=models.CharField(blank=True, db_index=True, default="", max_length=64),
        ),
        migrations.RunPython(clear_anonymous_owner_keys, migrations.RunPython.noop),
    ]
