"""Innovation studios (劳模和工匠人才创新工作室): the evaluation rubric."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from gonghui.core import registry
from gonghui.honors import rules
from gonghui.honors.services import care, studios
from tests.conftest import Cast
from tests.factories import fresh, register, resident
from tests.honors.aftercare_helpers import city_chair, holder, province_model_type


def test_studio_rubric_total_and_band() -> None:
    full = {code: Decimal(m) for code, _l, m in rules.STUDIO_RUBRIC}
    assert rules.studio_score(full) == rules.Decision("excellent", ("100",))
    assert (
        rules.studio_score({"innovation": Decimal(30), "apprentices": Decimal(20)}).code == "fail"
    )
    assert rules.studio_score({**full, "patents": Decimal(0)}).code == "good"
    with pytest.raises(ValueError, match="patents"):
        rules.studio_score({"patents": Decimal(21)})


@pytest.mark.django_db
def test_studio_leader_must_be_an_active_model_worker_or_craftsman(cast: Cast) -> None:
    grass = fresh(cast.grassroots_officer)
    leader = holder(cast, "张劳模")
    other_type = province_model_type()
    other_type.pk, other_type.code, other_type.model_worker = None, "test-pioneer", False
    other_type.save()
    not_eligible = holder(cast, "先锋号成员", award_type=other_type)
    with pytest.raises(ValidationError, match="领办人"):
        studios.studio_register(
            actor=grass, org=cast.grassroots, name="先锋工作室", leader=not_eligible, field="焊接"
        )
    studio = studios.studio_register(
        actor=grass,
        org=cast.grassroots,
        name="张劳模创新工作室",
        leader=leader,
        field="数控加工",
        employer=cast.employer,
        level="city",
        members=[("李徒弟", "技师"), ("赵徒弟", "")],
    )
    assert studio.members.count() == 2
    with pytest.raises(ValidationError, match="同名"):
        studios.studio_register(
            actor=grass, org=cast.grassroots, name="张劳模创新工作室", leader=leader, field="x"
        )


@pytest.mark.django_db
def test_report_adopted_suggestions_by_handoff_and_evaluation(cast: Cast) -> None:
    grass = fresh(cast.grassroots_officer)
    studio = studios.studio_register(
        actor=grass, org=cast.grassroots, name="攻关工作室", leader=holder(cast), field="电气"
    )
    report = studios.studio_report_save(
        actor=grass,
        studio=studio,
        year=2026,
        innovations=3,
        patents=2,
        savings="120000",
        apprentices=5,
    )
    assert report.savings == Decimal("120000.00")
    kwargs = {
        "studio_id": studio.pk,
        "title": "改进夹具缩短换型时间",
        "source_model": "voice.Proposal",
        "source_id": 77,
        "year": 2026,
        "savings": "30000",
    }
    first = registry.handoff(studios.SUGGESTION_HANDOFF, **kwargs)
    again = registry.handoff(studios.SUGGESTION_HANDOFF, **kwargs)
    assert first.pk == again.pk and studio.suggestions.count() == 1
    with pytest.raises(PermissionDenied):
        studios.studio_evaluate(
            actor=grass, org=cast.grassroots, studio=studio, year=2026, points={}
        )
    boss = city_chair(cast)
    with pytest.raises(ValidationError, match="上级"):  # the registering union's own level
        studios.studio_evaluate(
            actor=boss, org=cast.grassroots, studio=studio, year=2026, points={}
        )
    with pytest.raises(ValidationError, match="分值"):
        studios.studio_evaluate(
            actor=boss, org=cast.city, studio=studio, year=2026, points={"patents": 25}
        )
    evaluation = studios.studio_evaluate(
        actor=boss,
        org=cast.city,
        studio=studio,
        year=2026,
        points={
            "innovation": 28,
            "patents": 18,
            "suggestions": 12,
            "savings": 14,
            "apprentices": 18,
        },
    )
    assert evaluation.total == Decimal("90") and evaluation.band == "excellent"
    with pytest.raises(ValidationError, match="已评估"):
        studios.studio_report_save(actor=grass, studio=studio, year=2026, patents=9)


@pytest.mark.django_db
def test_pages_of_aftercare_render_for_the_union_and_hide_from_the_sibling(
    cast: Cast, client: Any
) -> None:
    grass = fresh(cast.grassroots_officer)
    honour = holder(cast, birth_date=dt.date(1970, timezone.localdate().month, 1))
    studio = studios.studio_register(
        actor=grass, org=cast.grassroots, name="页面工作室", leader=honour, field="装配"
    )
    client.force_login(cast.grassroots_officer)
    pages = {
        reverse("honors:aftercare", args=[honour.pk]): honour.name,
        reverse("honors:revocation_list"): "撤销荣誉",
        reverse("honors:allowance_list"): "荣誉津贴",
        reverse("honors:greetings"): honour.name,
        reverse("honors:studio_list"): "页面工作室",
        reverse("honors:studio", args=[studio.pk]): "页面工作室",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    response = client.post(
        reverse("honors:studio", args=[studio.pk]),
        {
            "step": "report",
            "year": 2026,
            "innovations": 2,
            "patents": 1,
            "savings": "5000",
            "apprentices": 3,
            "summary": "年度总结",
        },
    )
    assert response.status_code == 302 and studio.reports.get().patents == 1
    client.force_login(cast.sibling_officer)
    for url in (
        reverse("honors:aftercare", args=[honour.pk]),
        reverse("honors:studio", args=[studio.pk]),
    ):
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_member_sees_their_own_honours_care_records(cast: Cast, client: Any) -> None:
    member = register(cast, number=resident("41010519800101003"), name="本人劳模", phone="")
    member.account = cast.member
    member.save(update_fields=["account"])
    mine = holder(cast, "本人劳模", member=member)
    other = holder(cast, "别人")
    grass = fresh(cast.grassroots_officer)
    today = timezone.localdate()
    care.care_record_add(actor=grass, honour=mine, kind="sanatorium", on=today, place="太湖疗养院")
    care.care_record_add(actor=grass, honour=other, kind="checkup", on=today, place="别处医院")
    client.force_login(cast.member)
    page = client.get(reverse("honors_m:my_care")).content.decode()
    assert "疗休养" in page and "健康体检" not in page
