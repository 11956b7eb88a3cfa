"""hon2's part of the demo: the province's allowance rates (江苏's 100/80/60 as the example), a
劳模 care fund, this month's allowances paid, care records, one revocation decided (its
allowance stops the next month), and two innovation studios with a report and an evaluation.
Written through the services, as the system user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gonghui.core import ledger
from gonghui.core.scoping import unscoped
from gonghui.honors.models import CARE_FUND, Honour, HonourStatus, RevocationCause
from gonghui.honors.services import care, revocations, studios
from gonghui.orgs.models import Org


def seed(builder: Any) -> None:
    actor = builder.actor
    province = Org.objects.filter(code="HA").first()
    first = Org.objects.filter(code="ZZJS-JBL-001").first()
    if province is None or first is None:
        return
    with unscoped("the demo reads the roster it has just written"):
        holders = list(
            Honour.objects.filter(org=first, status=HonourStatus.ACTIVE, kind="person")
            .select_related("award_type")
            .order_by("conferred_on", "pk")
        )
    if len(holders) < 3:
        return
    for key, monthly in (("national", "100"), ("province", "80"), ("city", "60")):
        care.allowance_rate_save(actor=actor, org=province, level_key=key, monthly=monthly)
    fund = ledger.fund_create(actor=actor, org=province, name="省总劳模关爱资金", purpose=CARE_FUND)
    ledger.fund_deposit(actor=actor, fund=fund, amount="50000", memo="省总工会年度预算")
    today = timezone.localdate()
    for h in holders:
        care.care_profile_save(
            actor=actor,
            honour=h,
            bank_name="中国工商银行郑州分行",
            bank_account="622202" + f"{h.pk:010d}",
            retired=h.award_type.national,
            pension_supplement_pct="15" if h.award_type.national else None,
        )
    care.allowances_generate(month=today)
    care.allowances_pay_month(actor=actor, fund=fund, month=today)
    care.care_record_add(
        actor=actor, honour=holders[0], kind="checkup", on=today, place="河南省人民医院"
    )
    care.care_record_add(
        actor=actor,
        honour=holders[1],
        kind="sanatorium",
        on=today - dt.timedelta(days=30),
        place="嵩山职工疗休养基地",
    )
    poor = next((h for h in holders if h.in_hardship), None)
    if poor is not None:
        care.care_record_add(
            actor=actor, honour=poor, kind="hardship", on=today, amount="2000", fund=fund
        )
    leader = holders[0]
    studio = studios.studio_register(
        actor=actor,
        org=first,
        name=f"{leader.name}劳模创新工作室",
        leader=leader,
        field="数控加工",
        level="province",
        members=[("李明", "高级技师"), ("王强", "技师"), ("赵丽", "工程师")],
    )
    studios.studio_report_save(
        actor=actor,
        studio=studio,
        year=today.year - 1,
        innovations=6,
        patents=3,
        savings="860000",
        apprentices=12,
        summary="完成主轴加工工艺改进等六项攻关。",
    )
    studios.studio_evaluate(
        actor=actor,
        org=province,
        studio=studio,
        year=today.year - 1,
        points={
            "innovation": 27,
            "patents": 18,
            "suggestions": 12,
            "savings": 14,
            "apprentices": 18,
        },
    )
    # One revocation, decided: the city 劳模's title (事迹严重失实); the allowance paid this
    # month stays, none is owed from next month.
    revoked = next((h for h in holders if h.award_type.allowance_key == "city"), holders[-1])
    proposal = revocations.revocation_propose(
        actor=actor,
        honour=revoked,
        cause=RevocationCause.objects.get(code="false-deeds"),
        facts="经群众举报并核实，推荐材料中主要事迹严重失实。",
    )
    proposal = revocations.revocation_review(
        actor=actor, revocation=proposal, opinion="经市总工会核查属实，建议撤销"
    )
    proposal = revocations.revocation_decide(
        actor=actor, revocation=proposal, decision_no=f"豫工〔{today.year}〕9号"
    )
    revocations.revocation_recover(
        actor=actor, revocation=proposal, medal_on=today, certificate_on=today, note="本人交回"
    )
