"""合理化建议 from submission to reward, campaign rankings, and 座谈会 items becoming tracked
appeals or proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gonghui.core.workflow import history_of
from gonghui.voice.models import Channel, ProposalStatus
from gonghui.voice.services import forums, proposals
from tests.conftest import Cast, fresh
from tests.factories import ensure_seeded, submit, worker


@pytest.fixture(autouse=True)
def seeded_calendar(db: None) -> None:
    ensure_seeded()


def test_a_proposal_is_reviewed_adopted_implemented_and_rewarded(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    campaign = proposals.campaign_create(
        actor=officer,
        org=cast.grassroots,
        name="2026年合理化建议月",
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )
    team = proposals.proposal_submit(
        actor=officer,
        org=cast.grassroots,
        campaign=campaign,
        field="saving",
        title="空压机余热回收",
        content="利用空压机余热为浴室供热水，每年可节约燃气费用。",
        proposer="王师傅",
        team="王师傅 李工 赵工",
        estimated_saving=Decimal("80000"),
    )
    user, _ = worker(cast)
    own = proposals.proposal_submit(
        actor=user,
        campaign=campaign,
        field="safety",
        title="叉车通道加装凸面镜",
        content="仓库转角视线受阻，建议加装凸面镜，避免叉车碰撞。",
    )
    assert own.proposer == "隐名职工甲" and own.org == cast.grassroots
    assert list(proposals.my_proposals(user=user)) == [own]
    proposals.proposal_review(
        actor=officer, proposal=team, adopt=True, opinion="技术可行", reviewer_name="设备处张工"
    )
    review = proposals.proposal_review(
        actor=officer, proposal=team, adopt=True, opinion="同意", score=90
    )
    assert review.reviewer == officer
    with pytest.raises(ValidationError):
        proposals.proposal_decide(actor=officer, proposal=team, adopt=True, reason="")
    proposals.proposal_decide(actor=officer, proposal=team, adopt=True, reason="效益明显，予以采纳")
    proposals.proposal_decide(actor=officer, proposal=own, adopt=False, reason="已有同类措施")
    team = proposals.proposal_implement(
        actor=officer,
        proposal=team,
        implemented_on=dt.date(2026, 6, 15),
        benefit_kind="money",
        verified_saving=Decimal("65000"),
    )
    team = proposals.proposal_reward(
        actor=officer, proposal=team, amount=Decimal("2000"), paid_on=dt.date(2026, 7, 1)
    )
    assert team.status == ProposalStatus.REWARDED
    assert list(history_of(team).values_list("transition", flat=True)) == [
        "submitted",
        "reviewed",
        "reviewed",
        "adopted",
        "implemented",
        "rewarded",
    ]
    ranking = proposals.campaign_ranking(campaign=campaign)
    assert ranking["proposers"][0]["proposer"] == "王师傅"
    assert ranking["proposers"][0]["benefit"] == Decimal("65000")
    assert ranking["unions"][0]["submitted"] == 2
    with pytest.raises(PermissionDenied):  # the town sees it but does not handle it
        proposals.proposal_reward(
            actor=fresh(cast.town_officer),
            proposal=own,
            amount=Decimal(1),
            paid_on=dt.date(2026, 7, 1),
        )


def test_forum_items_become_tracked_appeals_and_proposals(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    forum = forums.forum_create(
        actor=officer, org=cast.grassroots, title="一线职工座谈会", held_on=dt.date(2026, 6, 1)
    )
    appeal_item = forums.forum_item_add(
        actor=officer,
        forum=forum,
        text="夜班没有热饭，希望食堂延长供餐。",
        kind="appeal",
        category="hardship",
    )
    assert appeal_item.appeal is not None and appeal_item.appeal.channel == Channel.FORUM
    assert appeal_item.appeal.anonymous  # nobody named: nobody recorded
    assert "一线职工座谈会" in appeal_item.appeal.source
    idea = forums.forum_item_add(
        actor=officer,
        forum=forum,
        text="建议在装配线增加防错工装，减少返工。",
        raised_by="钱师傅",
        kind="proposal",
        field="quality",
    )
    assert idea.proposal is not None and idea.proposal.proposer == "钱师傅"


def test_officer_pages_render(cast: Cast) -> None:
    client = Client()
    client.force_login(fresh(cast.grassroots_officer))
    for url in [
        "/voice/",
        "/voice/new/",
        "/voice/report/",
        "/voice/proposals/",
        "/voice/proposals/new/",
        "/voice/campaigns/",
        "/voice/forums/",
    ]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/voice/new/",
        {
            "org": "EAST-G1",
            "kind": "appeal",
            "channel": "hotline",
            "category": client.get("/voice/new/")
            .context["form"]
            .fields["category"]
            .queryset.first()
            .pk,
            "title": "12351来电反映停工",
            "content": "来电反映企业停工两个月未发生活费。",
            "contact_name": "来电人丙",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert "来电人丙" in detail.content.decode() and "12351热线" in detail.content.decode()


def test_the_api_lists_in_scope_and_takes_submissions(cast: Cast) -> None:
    user, _ = worker(cast)
    member = Client()
    member.force_login(user)
    created = member.post(
        "/api/voice/appeals",
        data={
            "category": "safety",
            "title": "消防通道堵塞",
            "content": "仓库消防通道长期堆放货物。",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["org_code"] == "EAST-G1" and body["steps"][0]["action"] == "submitted"
    officer = Client()
    officer.force_login(fresh(cast.grassroots_officer))
    entered = officer.post(
        "/api/voice/appeals",
        data={
            "category": "wage",
            "title": "12351来电",
            "content": "来电反映工资被拖欠两个月。",
            "org_code": "EAST-G1",
            "channel": "hotline",
            "contact_name": "来电人丁",
        },
        content_type="application/json",
    )
    assert entered.status_code == 201, entered.content
    assert officer.get("/api/voice/appeals").json()["count"] == 2
    sibling = Client()
    sibling.force_login(fresh(cast.sibling_officer))
    assert sibling.get("/api/voice/appeals").json()["count"] == 0
    assert sibling.get(f"/api/voice/appeals/{body['id']}").status_code == 404
    refused = sibling.post(
        "/api/voice/appeals",
        data={
            "category": "wage",
            "title": "越权",
            "content": "越权登记东区诉求。",
            "org_code": "EAST-G1",
        },
        content_type="application/json",
    )
    assert refused.status_code == 404


def test_the_report_exports_and_the_list_narrows_to_a_subtree(cast: Cast) -> None:
    town = Client()
    town.force_login(fresh(cast.town_officer))
    submit(cast, content="加班工资拖欠三个月")
    submit(cast, content="加班太多，加班工资不足")
    csv = town.get("/voice/report/?format=csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "按类别" in text and "加班" in text
    assert town.get("/voice/?org=EAST-G1").status_code == 200
    assert town.get("/voice/?org=WEST-G1").status_code == 404
