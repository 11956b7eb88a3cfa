from django.db import migrations


def seed(apps, schema_editor):
    from gonghui.core.dicts import seed_builtin

    seed_builtin(apps)


def unseed(apps, schema_editor):
    from gonghui.core.dicts_data import BUILTIN

    apps.get_model("core", "DictEntry").objects.filter(dictionary__in=list(BUILTIN)).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_seed_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
