"""Demo data of the app, seeded by gonghui.demo after the union tree and members: rules at the
province and the county, households in every state at ZZJS-JBL-001, funds with a ledger, a
送温暖 campaign allotted down the tree (with one cross-level duplicate flagged) and a 金秋助学."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from stdnum.cn import ric

from gonghui.assistance.models import HardshipCase
from gonghui.assistance.services import archive, campaigns, funds
from gonghui.assistance.services import cases as services
from gonghui.assistance.services.identification import rule_set
from gonghui.core import ledger
from gonghui.orgs.models import Org

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "志强", "桂兰", "海燕", "国庆", "红梅", "德明", "丽娟", "文斌"]


def _id(rng: Any, year: int) -> str:
    body = f"410105{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return body + ric.calc_check_digit(body + "0")


def _months_back(n: int) -> list[dt.date]:
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(n):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def seed(builder: Any) -> None:
    """``builder`` has ``rng`` (random.Random), ``actor`` (the system user) and ``seed``."""
    rng, actor = builder.rng, builder.actor
    orgs = {
        o.code: o
        for o in Org.objects.filter(code__in=["HA", "ZZ", "ZZJS", "ZZJS-JBL", "ZZJS-JBL-001"])
    }
    if len(orgs) < 5:
        return
    union = orgs["ZZJS-JBL-001"]
    rule_set(
        actor=actor,
        org=orgs["HA"],
        urban_line=Decimal(800),
        rural_line=Decimal(650),
        relative_multiplier=Decimal(2),
        inclusive=False,
        effective_from=dt.date(2024, 1, 1),
        note="省总工会困难职工认定办法（演示）",
    )
    rule_set(
        actor=actor,
        org=orgs["ZZJS"],
        urban_line=Decimal(850),
        rural_line=Decimal(700),
        relative_multiplier=Decimal("1.5"),
        inclusive=True,
        effective_from=dt.date(2025, 1, 1),
        note="金水区标准（演示：含边界）",
    )

    def case(income: int, rigid: int, size: int, **kw: Any) -> HardshipCase:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        values: dict[str, Any] = {
            "name": name,
            "id_number": _id(rng, rng.randint(1968, 1990)),
            "household_size": size,
            "annual_income": Decimal(income),
            "rigid_medical": Decimal(rigid),
            "causes": [rng.choice(["illness", "disability", "schooling", "low_wage"])],
            "housing": "自有住房60平方米",
            "bank_name": "中国工商银行",
            "bank_account": "6222" + "".join(rng.choice("0123456789") for _ in range(15)),
            "consent_purpose": "困难职工认定与帮扶",
            "phone": f"139{rng.randint(10000000, 99999999)}",
        }
        values.update(kw)
        made = services.case_create(actor=actor, org=union, **values)
        services.person_add_locked(
            made,
            name=name[0] + "小明",
            relation="child",
            id_number=_id(rng, 2006),
            schooling="高中在读",
        )
        return made

    def to(made: HardshipCase, state: str) -> HardshipCase:
        order = ["visited", "publicity", "pending_approval", "archived"]
        for step in order[: order.index(state) + 1]:
            if step == "visited":
                made = services.case_visit(
                    actor=actor,
                    case=made,
                    opinion="入户走访，情况属实",
                    visitors="工会主席、女工委员",
                )
            elif step == "publicity":
                made = services.case_review(actor=actor, case=made, passed=True, opinion="同意上报")
            elif step == "pending_approval":
                assert made.publicity_end is not None
                made = services.case_end_publicity(
                    actor=actor,
                    case=made,
                    opinion="公示无异议",
                    today=made.publicity_end + dt.timedelta(days=1),
                )
            else:
                made = services.case_approve(
                    actor=actor, case=made, approved=True, opinion="同意建档"
                )
        return made

    case(30000, 8000, 4)  # 待入户走访
    to(case(42000, 6000, 3), "visited")
    to(case(50000, 10000, 3), "publicity")
    to(case(36000, 2000, 3), "pending_approval")
    archived = [
        to(case(income, rigid, 4), "archived")
        for income, rigid in [(30000, 6000), (36000, 9000), (48000, 12000), (60000, 20000)]
    ]
    accident = case(96000, 0, 3, event="illness", event_costs=Decimal(80000))
    to(accident, "archived")
    exiting = to(case(36000, 6000, 4), "archived")
    exited = to(case(32000, 4000, 4), "archived")
    for made in (exiting, exited):
        for month in _months_back(6):
            made = archive.case_record_income(actor=actor, case=made, month=month, per_capita=1500)
    archive.case_exit_decide(
        actor=actor,
        case=exited.__class__.objects.get(pk=exited.pk),
        confirm=True,
        opinion="家庭收入连续6个月超过标准，同意解困脱困",
    )
    closed = to(case(30000, 3000, 2), "archived")
    archive.case_close(actor=actor, case=closed, reason="retirement", opinion="本人退休")
    rejected = to(case(120000, 0, 3), "visited")
    services.case_review(actor=actor, case=rejected, passed=False, opinion="收入高于标准")

    from gonghui.accounts.models import User

    account = User.objects.filter(username="member01").first()
    if account is not None and getattr(account, "member", None) is not None:
        services.case_apply(
            applicant=account,
            id_number=account.member.id_number,
            household_size=3,
            annual_income=Decimal(26000),
            rigid_medical=Decimal(3000),
            causes=["illness"],
            consent_purpose="申请困难职工帮扶",
        )

    county_fund = ledger.fund_create(
        actor=actor, org=orgs["ZZJS"], name="金水区困难职工帮扶专项资金", purpose="special"
    )
    ledger.fund_deposit(
        actor=actor, fund=county_fund, amount="200000", memo="2026年度财政及工会经费"
    )
    ledger.fund_deposit(actor=actor, fund=county_fund, amount="50000", memo="爱心企业捐赠")
    city_fund = ledger.fund_create(
        actor=actor, org=orgs["ZZ"], name="郑州市送温暖资金", purpose="campaign"
    )
    ledger.fund_deposit(actor=actor, fund=city_fund, amount="100000", memo="市总工会拨付")
    year = timezone.localdate().year
    warmth = campaigns.campaign_create(
        actor=actor,
        org=orgs["ZZ"],
        kind="warmth",
        name=f"{year}年郑州市送温暖",
        year=year,
        budget="100000",
    )
    campaigns.allot(actor=actor, campaign=warmth, to_org=orgs["ZZJS"], amount="60000")
    campaigns.allot(actor=actor, campaign=warmth, to_org=orgs["ZZJS-JBL"], amount="20000")
    campaigns.allot(actor=actor, campaign=warmth, to_org=union, amount="10000")
    for made in archived:
        record = funds.record_create(
            actor=actor,
            fund=county_fund,
            kind="cash",
            amount="800",
            case=made,
            campaign=warmth,
            description="春节慰问金",
        )
        funds.record_pay(actor=actor, record=record)
    funds.record_create(
        actor=actor,
        fund=county_fund,
        kind="medical",
        amount="3000",
        case=archived[1],
        description="大病医疗救助",
    )
    # The city registers one of the same households: flagged before payment.
    funds.record_create(
        actor=actor,
        fund=city_fund,
        kind="goods",
        amount="500",
        case=archived[0],
        campaign=warmth,
        description="米面油",
    )

    aid = campaigns.campaign_create(
        actor=actor,
        org=orgs["ZZJS"],
        kind="student",
        name=f"{year}年金水区金秋助学",
        year=year,
        budget="50000",
    )
    higher = campaigns.student_apply(
        actor=actor,
        campaign=aid,
        org=union,
        parent_name=archived[0].name,
        student_name=archived[0].name[0] + "同学",
        student_id=_id(rng, 2006),
        school="郑州大学",
        stage="higher",
        tuition="5500",
        case=archived[0],
    )
    campaigns.student_pay(actor=actor, application=higher, fund=county_fund)
    campaigns.student_apply(
        actor=actor,
        campaign=aid,
        org=union,
        parent_name="赵海燕",
        student_name="赵同学",
        student_id=_id(rng, 2008),
        school="郑州市第一中学",
        stage="senior",
        tuition="1800",
    )
    campaigns.student_apply(
        actor=actor,
        campaign=aid,
        org=union,
        parent_name="钱德明",
        student_name="钱同学",
        student_id=_id(rng, 2006),
        school="某师范大学（定向）",
        stage="higher",
        tuition="0",
        exclusion="directed",
    )
