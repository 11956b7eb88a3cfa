"""Seed the revocation causes (DOMAIN.md §4): 武汉 1998 and the railway rules, plus the term
engine's own ground (民主评议 below the line two years running). Data: admins edit them."""

from django.db import migrations

CAUSES = [
    ("criminal", "受刑事处罚", "武汉 1998；铁路劳模管理办法", 10),
    ("probation", "受留用察看及以上处分", "武汉 1998", 20),
    ("false-deeds", "主要模范事迹严重失实", "武汉 1998", 30),
    ("fraud", "评选中弄虚作假", "铁路劳模管理办法", 40),
    ("dismissed", "被开除", "铁路劳模管理办法", 50),
    ("assessment", "民主评议连续低于警示线", "劳模非终身制管理（地方实践）", 60),
]


def seed(apps, schema_editor):
    cause = apps.get_model("honors", "RevocationCause")
    for code, name, source, order in CAUSES:
        cause.objects.update_or_create(
            code=code, defaults={"name": name, "source": source, "order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("honors", "RevocationCause").objects.filter(
        code__in=[c[0] for c in CAUSES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("honors", "0003_aftercare")]
    operations = [migrations.RunPython(seed, unseed)]
