"""Demo data of the app, seeded by gonghui.demo after the union tree and members.

At ZZJS-JBL-001 (officers ``gr_chair``/``gr_staff``, member ``member01``): appeals in every
state — waiting, in hand, referred to a department, replied, rated and closed, reopened,
declined, transferred —, one overdue on the parent's to-do panel, one escalated to 经八路街道工会
(``jbl_chair``), one just past its second deadline that the scheduled escalation job passes up
when it runs, an anonymous one, a chairman's-mailbox letter, a congress hand-off; a
合理化建议月 campaign with proposals at every step; a forum whose items became tracked items.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.deadlines import add_working_days
from gonghui.orgs.models import Org
from gonghui.voice.models import Appeal, AppealKind
from gonghui.voice.services import appeals as services
from gonghui.voice.services import forums, moves, proposals

GRASSROOTS = "ZZJS-JBL-001"
OVERDUE_TITLE = "宿舍热水器损坏"


def _backdate(appeal: Appeal, working_days: int) -> Appeal:
    """Move an appeal's receipt back by ``working_days`` so its clock has run."""
    start = timezone.localdate()
    day = start
    while (add_working_days(day, working_days).due) > start:
        day -= dt.timedelta(days=1)
    appeal.received_on = day
    moves.schedule(appeal, day)
    appeal.save()
    return appeal


def _seed_appeals(chair: User, member_user: User, union: Org) -> None:
    cat = services.category_get
    member = member_user.member

    def mine(title: str, content: str, code: str = "wage", **kw: Any) -> Appeal:
        return services.appeal_submit(
            actor=member_user, category=cat(code), title=title, content=content, **kw
        )

    def hotline(title: str, content: str, code: str, name: str, **kw: Any) -> Appeal:
        return services.appeal_enter(
            actor=chair,
            org=union,
            category=cat(code),
            channel=kw.pop("channel", "hotline"),
            title=title,
            content=content,
            contact_name=name,
            **kw,
        )

    mine("加班工资计算有误", "十月份加班工资按基本工资计算，没有按实际工资标准计算加班工资。")
    accepted = hotline(
        "劳动合同到期未续签", "劳动合同九月到期后单位未续签也未通知。", "contract", "孙建国"
    )
    services.appeal_accept(actor=chair, appeal=accepted, opinion="已受理，约谈人事部门")
    referred = hotline(
        "社保断缴三个月", "单位连续三个月没有缴纳社保，影响医保报销。", "insurance", "周丽"
    )
    services.appeal_accept(actor=chair, appeal=referred)
    services.appeal_refer(
        actor=chair, appeal=referred, department="金水区人社局社保稽核科", reason="需核查缴费记录"
    )
    replied = mine("车间高温防暑降温费", "车间夏季高温，希望按规定发放防暑降温费。", "safety")
    services.appeal_accept(actor=chair, appeal=replied)
    services.appeal_reply(
        actor=chair, appeal=replied, reply="经与企业协商，防暑降温费将于下月随工资补发。"
    )
    closed = mine("食堂饭菜价格上涨", "食堂饭菜价格上涨较多，希望工会协调平价窗口。", "suggestion")
    services.appeal_accept(actor=chair, appeal=closed)
    services.appeal_reply(actor=chair, appeal=closed, reply="食堂已增设平价窗口，每餐不超过八元。")
    services.appeal_rate(actor=member_user, appeal=closed, rating="satisfied", comment="很及时")
    reopened = mine("夜班交通补贴", "夜班下班没有公交，希望发放夜班交通补贴。", "hardship")
    services.appeal_accept(actor=chair, appeal=reopened)
    services.appeal_reply(actor=chair, appeal=reopened, reply="已向企业反映，企业研究中。")
    services.appeal_rate(actor=member_user, appeal=reopened, rating="unsatisfied")
    services.appeal_reopen(actor=member_user, appeal=reopened, reason="没有明确答复何时发放")
    declined = hotline(
        "邻居装修噪音", "小区邻居装修噪音大影响休息。", "other", "吴某", channel="visit"
    )
    services.appeal_decline(
        actor=chair, appeal=declined, reason="不属于工会受理范围，已告知向物业和街道反映"
    )
    moved = hotline("派遣工同工不同酬", "派遣到本单位的职工工资明显低于正式工。", "wage", "郑海")
    services.appeal_transfer(
        actor=chair, appeal=moved, to_code="ZZJS", reason="涉及多家用工单位，请区总工会协调"
    )
    # The anonymous one: no officer sees who it is; its submitter follows it with the 查询码
    # shown once at submission (the demo does not keep it: nothing may link it to the account).
    mine(
        "班组长克扣绩效奖金",
        "班组长按个人好恶分配绩效奖金，多名职工被无故扣减。",
        anonymous=True,
    )
    mine(
        "致主席的信：职工书屋开放时间",
        "希望职工书屋晚上和周末也能开放。",
        "suggestion",
        kind=AppealKind.LETTER,
    )
    # Overdue (on 经八路街道工会's to-do panel) and escalated (now 经八路街道工会's to handle).
    _backdate(hotline("更衣室漏雨", "更衣室屋顶漏雨，雨天无法使用。", "safety", "冯强"), 5)
    escalated = _backdate(
        hotline("拖欠年终奖", "去年年终奖至今未发放。", "wage", "陈明", channel="letter"), 12
    )
    services.appeal_escalate_overdue()
    escalated.refresh_from_db()
    # Just past its second deadline, seeded after the escalation above: the scheduler's
    # voice.escalate_overdue passes it to 经八路街道工会 when it runs.
    waiting = hotline(
        OVERDUE_TITLE, "职工宿舍三楼热水器损坏两周，多次报修未修。", "hardship", "韩雪"
    )
    rule = waiting.category  # receipt → accept deadline → second deadline, in working days
    _backdate(waiting, rule.accept_days + rule.escalate_days + 1)
    services.receive_motion(
        actor=chair,
        org=union,
        title="关于增设职工子女暑期托管班的建议",
        content="职代会代表提出：暑期职工子女无人照看，建议工会开办托管班。",
        member=member,
        source="职代会提案 第3号",
    )


def _seed_proposals(chair: User, member_user: User, union: Org) -> None:
    today = timezone.localdate()
    campaign = proposals.campaign_create(
        actor=chair,
        org=union,
        name=f"{today.year}年合理化建议月",
        starts_on=today.replace(day=1) - dt.timedelta(days=60),
        ends_on=today.replace(day=1) - dt.timedelta(days=30),
    )
    plans = [
        ("空压机余热回收供热水", "saving", "王建设", "王建设 李铁 赵晓", "adopt", 65000),
        ("装配线增加防错工装", "quality", "钱进", "", "implement", 18000),
        ("叉车通道加装凸面镜", "safety", "孙伟", "", "reward", 0),
        ("办公用纸双面打印", "saving", "李娜", "", "reject", 0),
        ("优化备件库存管理", "management", "刘洋", "刘洋 何平", "review", 0),
    ]
    for title, field, proposer, team, stage, saving in plans:
        p = proposals.proposal_submit(
            actor=chair,
            org=union,
            campaign=campaign,
            field=field,
            title=title,
            content=f"{title}：现状存在浪费和隐患，建议改进工艺和管理方法，提高效率。",
            proposer=proposer,
            team=team,
            estimated_saving=Decimal(saving) * Decimal("1.2") if saving else None,
        )
        if stage == "review":
            proposals.proposal_review(
                actor=chair, proposal=p, adopt=True, opinion="思路可行", reviewer_name="设备处张工"
            )
            continue
        proposals.proposal_review(
            actor=chair, proposal=p, adopt=stage != "reject", opinion="已评审"
        )
        proposals.proposal_decide(
            actor=chair,
            proposal=p,
            adopt=stage != "reject",
            reason="不采纳：已有同类措施" if stage == "reject" else "效益明显，予以采纳",
        )
        if stage in ("implement", "reward", "adopt") and saving:
            p = proposals.proposal_implement(
                actor=chair,
                proposal=p,
                implemented_on=today - dt.timedelta(days=20),
                benefit_kind="money",
                verified_saving=Decimal(saving),
            )
        if stage in ("reward", "adopt"):
            proposals.proposal_reward(
                actor=chair, proposal=p, amount=Decimal(500 + saving // 50), paid_on=today
            )
    proposals.proposal_submit(
        actor=member_user,
        campaign=campaign,
        field="safety",
        title="楼梯间增加应急照明",
        content="夜班时楼梯间照明不足，建议增加应急照明灯。",
    )
    forum = forums.forum_create(
        actor=chair,
        org=union,
        title="一线职工代表座谈会",
        held_on=today - dt.timedelta(days=10),
        place="公司三楼会议室",
        participants="一线职工代表12人，公司人力资源部、后勤部负责人",
    )
    forums.forum_item_add(
        actor=chair,
        forum=forum,
        text="夜班没有热饭，希望食堂延长供餐时间。",
        raised_by="马师傅",
        kind="appeal",
        category="hardship",
    )
    forums.forum_item_add(
        actor=chair,
        forum=forum,
        text="建议在车间入口设置工具定置管理看板，减少工具丢失。",
        raised_by="杨班长",
        kind="proposal",
        field="management",
    )


def seed(builder: Any) -> None:
    """``builder`` has ``rng`` (random.Random), ``actor`` (the system user) and ``seed``."""
    union = Org.objects.get(code=GRASSROOTS)
    chair = User.objects.get(username="gr_chair")
    member_user = User.objects.get(username="member01")
    if getattr(member_user, "member", None) is None:
        return
    services.ensure_categories()
    _seed_appeals(chair, member_user, union)
    _seed_proposals(chair, member_user, union)
