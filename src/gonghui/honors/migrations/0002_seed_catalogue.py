"""The catalogue of award types the union world confers (issue 20, DOMAIN.md §4) and the
national 劳模 cycles' composition figures of 2005 and 2015 as example rules. Frozen here: later
changes are made by administrators (the admin pages), not by editing this list."""

from decimal import Decimal

from django.db import migrations

N, P, C, K = "national", "province", "city", "county"
PERSON, TEAM, UNIT = "person", "team", "unit"
Y, F = "yearly", "five_yearly"

# code, name, level, recipient, cycle, term_years, model_worker, allowance, membership, extra
TYPES = [
    ("national-model-worker", "全国劳动模范", N, PERSON, F, 5, True, "national", False, {}),
    ("national-advanced-worker", "全国先进工作者", N, PERSON, F, 5, True, "national", False, {}),
    ("province-model-worker", "省劳动模范", P, PERSON, F, 5, True, "province", False, {}),
    ("province-advanced-worker", "省先进工作者", P, PERSON, F, 5, True, "province", False, {}),
    ("city-model-worker", "市劳动模范", C, PERSON, F, 5, True, "city", False, {}),
    ("city-advanced-worker", "市先进工作者", C, PERSON, F, 5, True, "city", False, {}),
    ("county-model-worker", "县(区)劳动模范", K, PERSON, F, 5, True, "", False, {}),
    ("national-may-day-medal", "全国五一劳动奖章", N, PERSON, Y, None, False, "", False, {}),
    ("province-may-day-medal", "省五一劳动奖章", P, PERSON, Y, None, False, "", False, {}),
    ("national-may-day-award", "全国五一劳动奖状", N, UNIT, Y, None, False, "", False, {}),
    ("province-may-day-award", "省五一劳动奖状", P, UNIT, Y, None, False, "", False, {}),
    ("national-pioneer-team", "全国工人先锋号", N, TEAM, Y, None, False, "", False, {}),
    ("province-pioneer-team", "省工人先锋号", P, TEAM, Y, None, False, "", False, {}),
    ("great-craftsman", "大国工匠", N, PERSON, Y, None, False, "", False, {}),
    ("province-craftsman", "省工匠", P, PERSON, Y, None, False, "", False, {}),
    ("city-craftsman", "市工匠", C, PERSON, Y, None, False, "", False, {}),
    ("technical-expert", "技术能手", P, PERSON, Y, None, False, "", False, {}),
    ("advanced-team", "先进班组", C, TEAM, Y, None, False, "", False, {}),
    ("excellent-union-cadre", "优秀工会干部", P, PERSON, Y, None, False, "", True, {}),
    ("union-activist", "优秀工会积极分子", P, PERSON, Y, None, False, "", True, {}),
    ("model-workers-home", "模范职工之家", P, UNIT, Y, None, False, "", False, {"fed_by": "homes"}),
    ("ankang-cup", "安康杯竞赛优胜单位", P, UNIT, Y, None, False, "", False, {"fed_by": "safety"}),
    ("women-pioneer-post", "巾帼文明岗", P, TEAM, Y, None, False, "", False, {"women_led": True}),
]

SOURCE_2005 = "2005年全国劳模和先进工作者评选（DOMAIN.md §4）"
SOURCE_2015 = "2015年全国劳模和先进工作者评选（DOMAIN.md §4）"
RULES = [
    (
        "national-model-worker",
        2005,
        {
            "enterprise_min": Decimal(45),
            "front_line_min": Decimal(55),
            "heads_max": Decimal(22),
            "farmers_min": Decimal(25),
        },
        SOURCE_2005,
    ),
    (
        "national-model-worker",
        2015,
        {"front_line_min": Decimal(57), "heads_max": Decimal(20), "migrant_min": Decimal(25)},
        SOURCE_2015,
    ),
]


def seed(apps, schema_editor):
    AwardType = apps.get_model("honors", "AwardType")
    CompositionRule = apps.get_model("honors", "CompositionRule")
    for order, (code, name, level, kind, cycle, term, mw, allowance, member, extra) in enumerate(
        TYPES, start=1
    ):
        AwardType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "recipient_kind": kind,
                "cycle": cycle,
                "national": level == N,
                "term_years": term,
                "model_worker": mw,
                "allowance_key": allowance,
                "requires_membership": member,
                "publicity_days": 5 if cycle == Y else 7,
                "order": order * 10,
                **extra,
            },
        )
    for code, year, shares, source in RULES:
        CompositionRule.objects.update_or_create(
            award_type=AwardType.objects.get(code=code),
            year=year,
            defaults={**shares, "source": source},
        )


def unseed(apps, schema_editor):
    AwardType = apps.get_model("honors", "AwardType")
    CompositionRule = apps.get_model("honors", "CompositionRule")
    CompositionRule.objects.filter(source__in=[SOURCE_2005, SOURCE_2015]).delete()
    AwardType.objects.filter(
        code__in=[t[0] for t in TYPES], calls__isnull=True, honours__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("honors", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
