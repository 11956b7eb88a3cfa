"""Demo of the selection engine and the roster, written through the services: a provincial 劳模
cycle in 公示 with candidates sent up by two cities (郑州's list holds the composition rule,
洛阳's breaks the 一线 share and goes up with a written reason), one objection waiting for an
answer, and holders of earlier honours (one 困难劳模). The officers who act on each queue:
gr_chair nominates, zz_chair and ly_chair send their cities' lists up, prov_chair answers
objections and approves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from stdnum.cn import ric

from gonghui.honors.models import AwardType, CompositionRule
from gonghui.honors.services import calls, nominations, roster
from gonghui.members.models import Member
from gonghui.orgs.models import Org, PostRole

DEEDS = [
    "带领班组完成数控机床关键部件国产化攻关，年节约成本三百余万元",
    "扎根一线二十年，首创焊接工艺法，获国家发明专利两项",
    "组织职工技术创新，提出合理化建议四十余条，被采纳三十条",
    "在防汛抢险中连续奋战七昼夜，保障了城市供水安全",
    "培养高级技师十二名，所带徒弟多人获省级技术能手称号",
]


def _worker_id(rng: Any, region: str) -> str:
    body = f"{region}{rng.randint(1970, 1990)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(100, 999)}"
    return body + ric.calc_check_digit(body + "0")


def _members_under(org: Org, n: int) -> list[Member]:
    return list(
        Member.objects.unscoped(reason="the demo picks members of a city")
        .filter(org_path__startswith=org.path, status="active")
        .order_by("id")[:n]
    )


def seed(builder: Any) -> None:
    """``builder`` has ``rng``, ``actor`` (the system user), ``seed`` and ``officer()``."""
    rng, actor = builder.rng, builder.actor
    orgs = {o.code: o for o in Org.objects.filter(code__in=["HA", "ZZ", "LY"])}
    if len(orgs) < 3:
        return
    province, zz, ly = orgs["HA"], orgs["ZZ"], orgs["LY"]
    builder.officer("zz_chair", zz, PostRole.CHAIR)
    builder.officer("ly_chair", ly, PostRole.CHAIR)
    today = timezone.localdate()
    award = AwardType.objects.get(code="province-model-worker")
    CompositionRule.objects.update_or_create(
        award_type=award,
        year=today.year,
        defaults={
            "front_line_min": Decimal(55),
            "heads_max": Decimal(20),
            "source": "演示：参照2015年全国评选比例设定",
        },
    )
    call = calls.call_issue(
        actor=actor,
        award_type=award,
        org=province,
        year=today.year,
        seats=6,
        nominations_due=today + dt.timedelta(days=1),
        title=f"{today.year}年河南省劳动模范评选",
        issued_on=today - dt.timedelta(days=30),
    )
    calls.quota_give(actor=actor, call=call, org=zz, seats=3)
    calls.quota_give(actor=actor, call=call, org=ly, seats=2)

    def nominate(org: Org, member: Member | None, front_line: bool, i: int) -> Any:
        extra: dict[str, Any] = (
            {"member": member}
            if member is not None
            else {"name": builder.person(), "id_number": _worker_id(rng, org.region_code)}
        )
        return nominations.nomination_create(
            actor=actor,
            call=call,
            org=org,
            deeds=DEEDS[i % len(DEEDS)],
            position="高级技师" if front_line else "总经理",
            flags={
                "enterprise": True,
                "front_line": front_line,
                "enterprise_head": not front_line,
            },
            **extra,
        )

    zz_people = _members_under(zz, 3)
    zz_list = [
        nominate(zz, zz_people[i] if i < len(zz_people) else None, fl, i)
        for i, fl in enumerate([True, True, True])
    ]
    for n in zz_list:
        nominations.nomination_consult(
            actor=actor, nomination=n, body="employer", agreed=True, answered_on=today
        )
        nominations.nomination_consult(
            actor=actor, nomination=n, body="police", agreed=True, answered_on=today
        )
    nominations.list_submit(actor=actor, call=call, org=zz, chosen=[n.pk for n in zz_list])
    ly_people = _members_under(ly, 2)
    ly_list = [
        nominate(ly, ly_people[i] if i < len(ly_people) else None, fl, 3 + i)
        for i, fl in enumerate([True, False])
    ]
    nominations.list_submit(
        actor=actor,
        call=call,
        org=ly,
        chosen=[n.pk for n in ly_list],
        override_reason="洛阳市一线人选经两轮征集仍不足，经市总工会党组会研究按现名单上报",
    )
    calls.call_close_nominations(actor=actor, call=call)
    calls.call_publish(actor=actor, call=call, start=today - dt.timedelta(days=2))
    nominations.objection_receive(
        actor=None,
        nomination=zz_list[2],
        content="该人选所在企业近年发生过安全生产事故，请核查",
        anonymous=True,
    )
    _holders(builder)


def _holders(builder: Any) -> None:
    """Honours of earlier cycles on the roster, at the demo's first grassroots union."""
    actor = builder.actor
    first = Org.objects.filter(code="ZZJS-JBL-001").first()
    if first is None:
        return
    people = _members_under(first, 4)
    if len(people) < 4:
        return
    # member01's own record first, so that its phone page shows an honour.
    own = (
        Member.objects.unscoped(reason="the demo member's own record")
        .filter(account__username="member01")
        .first()
    )
    if own is not None and own not in people:
        people[0] = own
    types = {t.code: t for t in AwardType.objects.all()}
    done = [
        roster.honour_record(
            actor=actor,
            award_type=types["national-model-worker"],
            org=first,
            member=people[0],
            conferred_on=dt.date(2020, 11, 24),
            front_line=True,
            conferring_body="中共中央、国务院",
        ),
        roster.honour_record(
            actor=actor,
            award_type=types["city-model-worker"],
            org=first,
            member=people[1],
            conferred_on=dt.date(2022, 4, 28),
            front_line=True,
            conferring_body="郑州市人民政府",
        ),
        roster.honour_record(
            actor=actor,
            award_type=types["province-may-day-medal"],
            org=first,
            member=people[2],
            conferred_on=dt.date(2024, 4, 28),
            conferring_body="河南省总工会",
        ),
        roster.honour_record(
            actor=actor,
            award_type=types["province-model-worker"],
            org=first,
            member=people[3],
            conferred_on=dt.date(2021, 4, 28),
            front_line=True,
            migrant_worker=True,
            conferring_body="河南省人民政府",
        ),
    ]
    roster.honour_mark_hardship(actor=actor, honour=done[3], in_hardship=True)
    roster.honour_record(
        actor=actor,
        award_type=types["province-pioneer-team"],
        org=first,
        name="一车间数控班",
        conferred_on=dt.date(2023, 4, 28),
        conferring_body="河南省总工会",
    )
