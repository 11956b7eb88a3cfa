"""Demo data of the app, seeded by gonghui.demo after the union tree and members: the 金水区
grassroots union ZZJS-JBL-001 gets a congress with a term, delegates (member01 among them, with
a 补选), a closed and an upcoming session, motions in every state and a disclosure plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gonghui.core import registry
from gonghui.core.scoping import Actor
from gonghui.democracy.demo.ballots import seed_ballots
from gonghui.democracy.models import Delegate, OccupationGroup
from gonghui.democracy.services import congress, disclosure, motions
from gonghui.members.models import Member
from gonghui.orgs.models import Org

ORG_CODE = "ZZJS-JBL-001"
GROUPS = [OccupationGroup.FRONTLINE] * 22 + [OccupationGroup.TECHNICAL] * 6
GROUPS += [OccupationGroup.MANAGEMENT] * 5 + [OccupationGroup.LEADERSHIP] * 2

MOTIONS = [
    ("增设夜班职工班车", "夜班下班后已无公交，职工骑电动车回家存在安全隐患。"),
    ("车间加装降温设备", "夏季二车间温度超过35度，建议加装冷风机。"),
    ("食堂延长供餐时间", "三班倒职工错过饭点，建议夜间供应简餐。"),
    ("设立职工子女暑期托管班", "双职工家庭暑期子女无人照看。"),
    ("完善技能等级晋升通道", "技能等级与岗位工资挂钩办法不明确。"),
    ("增设母婴室", "女职工哺乳期缺少专用场所。"),
    ("更新劳保用品标准", "防护手套磨损快，发放周期过长。"),
    ("开放职工书屋周末借阅", "职工书屋周末不开放。"),
    ("建议调整停车场收费", "属于个人诉求，不宜作为提案。"),
]


def seed(builder: Any) -> None:
    """``builder`` has ``rng`` (random.Random), ``actor`` (the system user) and ``seed``."""
    org = Org.objects.filter(code=ORG_CODE).first()
    if org is None:
        return
    actor, rng = builder.actor, builder.rng
    today = timezone.localdate()
    body = congress.congress_create(
        actor=actor,
        org=org,
        name=f"{org.name}职工代表大会",
        staff_count=320,
        female_staff_count=120,
    )
    term = congress.term_create(
        actor=actor,
        congress=body,
        starts_on=dt.date(today.year - 1, 3, 1),
        ends_on=dt.date(today.year + 3, 2, 28),
    )
    people = list(Member.objects.filter(union=org).order_by("pk")[: len(GROUPS) + 1])
    first = Member.objects.filter(account__username="member01").first()
    if first is not None and first in people:
        people.remove(first)
        people.insert(0, first)
    elected = dt.date(today.year - 1, 3, 1)
    seats: list[Delegate] = []
    for i, group in enumerate(GROUPS):
        member = people[i] if i < len(people) else None
        seats.append(
            congress.delegate_elect(
                actor=actor,
                term=term,
                name=member.name if member else f"代表{i + 1}",
                gender=member.gender if member else rng.choice("MF"),
                group=group,
                constituency=f"第{i % 5 + 1}选区",
                elected_on=elected,
                member=member,
            )
        )
    # A 补选: one delegate retired, the constituency elected a successor.
    left = congress.delegate_leave(
        actor=actor, delegate=seats[-3], left_on=today - dt.timedelta(days=90), reason="退休"
    )
    extra = people[len(GROUPS)] if len(people) > len(GROUPS) else None
    congress.delegate_elect(
        actor=actor,
        term=term,
        name=extra.name if extra else "补选代表",
        gender="F",
        group=OccupationGroup.FRONTLINE,
        constituency=left.constituency,
        elected_on=today - dt.timedelta(days=60),
        member=extra,
        replaces=left,
    )
    in_office = [s for s in seats if s.pk != left.pk]

    # Last year's session: held with a quorum, closed.
    held = congress.session_create(
        actor=actor,
        term=term,
        title=f"第{term.number}届第1次职工代表大会",
        scheduled_for=today - dt.timedelta(days=120),
        location="公司礼堂",
        agenda="一、审议工作报告\n二、审议集体合同草案\n三、提案征集",
    )
    congress.session_send_materials(actor=actor, session=held)
    for seat in in_office[:30]:
        congress.attendance_check_in(actor=actor, session=held, delegate=seat)
    congress.session_open(actor=actor, session=held)
    seed_ballots(builder, held)
    congress.session_close(actor=actor, session=held)
    congress.session_create(
        actor=actor,
        term=term,
        title=f"第{term.number}届第2次职工代表大会",
        scheduled_for=today + dt.timedelta(days=12),
        location="公司礼堂",
        agenda="一、提案办理情况报告\n二、审议厂务公开工作报告",
    )

    departments = [
        motions.department_add(actor=actor, congress=body, name=name)
        for name in ("行政部", "人力资源部", "安全环保部", "后勤服务中心")
    ]
    _motions(actor, held, in_office, departments)
    _disclosure(actor, org, today)


def _motions(actor: Actor, session: Any, seats: list[Delegate], departments: list[Any]) -> None:
    made = []
    for i, (title, content) in enumerate(MOTIONS):
        made.append(
            motions.motion_draft(
                actor=actor, delegate=seats[i], title=title, content=content, session=session
            )
        )
    for m in made[1:]:
        for seat in seats[10:12]:
            motions.motion_second(actor=actor, motion=m, delegate=seat)
        motions.motion_submit(actor=actor, motion=m)
    # made[0] stays a draft (member01's own, waiting for co-signers); made[1] waits for 立案.
    motions.motion_return(actor=actor, motion=made[8], reason="属于个人诉求，请通过诉求渠道反映")
    if registry.has_handoff(motions.APPEAL_HANDOFF):
        motions.motion_convert(actor=actor, motion=made[7])
    for i, m in enumerate(made[2:7]):
        m = motions.motion_accept(actor=actor, motion=m)
        if i == 0:
            continue  # accepted, not yet assigned
        m = motions.motion_assign(actor=actor, motion=m, department=departments[i % 4])
        if i == 1:
            motions.milestone_add(actor=actor, motion=m, title="完成选型", percent=20)
            continue  # assigned, reply pending
        m = motions.motion_reply(actor=actor, motion=m, reply="已研究，将按计划落实。")
        if i == 2:
            continue  # replied, waiting for the proposer's rating
        m = motions.motion_rate(actor=actor, motion=m, rating="satisfied")
        motions.milestone_add(actor=actor, motion=m, title="方案确定", percent=50)
        if i == 4:
            motions.milestone_add(actor=actor, motion=m, title="全部完成", percent=100)


def _disclosure(actor: Actor, org: Org, today: dt.date) -> None:
    plan = disclosure.plan_create(
        actor=actor, org=org, year=today.year, title=f"{today.year}年度厂务公开计划"
    )
    rows = [
        ("plans", "年度生产经营情况", "上半年", -100, "上半年营业收入同比增长6%。"),
        ("vital", "薪酬调整方案", "第二季度", -60, "一线岗位工资上调5%。"),
        ("rules", "考勤管理制度修订", "第三季度", -10, ""),
        ("contracts", "集体合同履行情况", "下半年", 30, ""),
    ]
    for category, title, period, offset, content in rows:
        item = disclosure.item_add(
            actor=actor,
            plan=plan,
            category=category,
            title=title,
            period=period,
            due_on=today + dt.timedelta(days=offset),
        )
        if content:
            disclosure.item_publish(actor=actor, item=item, content=content)
