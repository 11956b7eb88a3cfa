"""Seed the national default appeal categories (issue 17.4): the forms only read them, so a form
built on a GET writes nothing. An installation that already has categories keeps them as they are
(an admin may have edited or disabled some)."""

from django.db import migrations

# The defaults as of this migration, frozen here: a later change of voice.intake's list is not
# this migration's business.
DEFAULTS = (
    ("wage", "工资", 10),
    ("contract", "劳动合同", 20),
    ("insurance", "社保", 30),
    ("safety", "安全", 40),
    ("hardship", "生活困难", 50),
    ("suggestion", "意见建议", 60),
    ("other", "其他", 90),
)


def seed(apps, schema_editor):
    AppealCategory = apps.get_model("voice", "AppealCategory")
    if AppealCategory.objects.using(schema_editor.connection.alias).exists():
        return
    AppealCategory.objects.using(schema_editor.connection.alias).bulk_create(
        [AppealCategory(code=code, name=name, order=order) for code, name, order in DEFAULTS]
    )


class Migration(migrations.Migration):
    dependencies = [("voice", "0004_appeal_path_index_diet")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
