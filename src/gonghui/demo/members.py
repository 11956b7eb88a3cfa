"""Demo members: ~5,000 real-name records with valid ID numbers, spread over the demo unions,
in every 会籍 state. A data generator, so it writes in bulk (encryption, blind indexes, cards
and change records as the services would); the rules themselves are tested on the services."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric

from gonghui.accounts.models import User, phone_index
from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor
from gonghui.members.models import (
    Card,
    CardSequence,
    CardStatus,
    ChangeKind,
    Member,
    MembershipChange,
    MemberStatus,
)
from gonghui.members.services.cards import card_prefix
from gonghui.members.services.members import id_index, transfer_issue
from gonghui.orgs.models import GRASSROOTS_KINDS, Org

# Home counties: the union's own and others of Henan. Zhengzhou districts "start" in 1983 in the
# region table, so members born before 1983 there exercise DOMAIN.md §1.1a.
HOME_REGIONS = [
    "410105",
    "410102",
    "410103",
    "410122",
    "410302",
    "410311",
    "411302",
    "411323",
    "412726",
    "410923",
    "411522",
    "410581",
    "410221",
    "410725",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅玉兰志鹏宇浩然欣怡子涵雨晨"
STATES = [
    (MemberStatus.ACTIVE, 90),
    (MemberStatus.RETAINED, 6),
    (MemberStatus.WITHDRAWN, 3),
    (MemberStatus.EXPELLED, 1),
]


def _id_number(rng: random.Random, region: str, born: dt.date, male: bool, used: set[str]) -> str:
    while True:
        sequence = rng.randrange(0, 999)
        if sequence % 2 != int(male):
            sequence = (sequence + 1) % 1000
        body = f"{region}{born:%Y%m%d}{sequence:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def _person(rng: random.Random, today: dt.date) -> tuple[str, bool, dt.date]:
    male = rng.random() < 0.56
    born = dt.date(rng.randint(1962, 2006), rng.randint(1, 12), rng.randint(1, 28))
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2, 2])))
    return name, male, born


def seed_demo_members(
    rng: random.Random, actor: Actor, count: int = 5000, account: tuple[str, str] | None = None
) -> list[Member]:
    """``account`` = (username, union code): link that member login to a record there."""
    today = timezone.localdate()
    unions = list(
        Org.objects.filter(kind__in=GRASSROOTS_KINDS, status="active")
        .exclude(kind="group")
        .prefetch_related("employers")
        .order_by("path")
    )
    weights = [max(5, sum(e.employee_count for e in u.employers.all())) for u in unions]
    used: set[str] = set()
    phones: set[str] = set()
    members: list[Member] = []
    now = timezone.now()
    # The member login's record is the first one, at its union, active and with a phone, so it
    # exists whatever the count and the seed (a small demo may leave a union empty).
    home = next((u for u in unions if account is not None and u.code == account[1]), None)
    for _i in range(count):
        union = rng.choices(unions, weights)[0]
        if _i == 0 and home is not None:
            union = home
        name, male, born = _person(rng, today)
        region = (
            union.region_code
            if rng.random() < 0.55 and union.region_code
            else rng.choice(HOME_REGIONS)
        )
        number = _id_number(rng, region, born, male, used)
        earliest = max(dt.date(born.year + 18, born.month, born.day), dt.date(2000, 1, 1))
        joined = earliest + dt.timedelta(days=rng.randrange(max(1, (today - earliest).days)))
        phone = ""
        if rng.random() < 0.8:
            while not phone or phone in phones:
                phone = (
                    "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
                )
            phones.add(phone)
        if _i == 0 and home is not None and not phone:
            phone = "13800000000"
            phones.add(phone)
        migrant = rng.random() < 0.22
        employers = list(union.employers.all())
        status = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        if status == MemberStatus.RETAINED and born.year > 1975:
            status = MemberStatus.ACTIVE  # 保留会籍 here is mostly retirement
        if _i == 0 and home is not None:
            status = MemberStatus.ACTIVE
        members.append(
            Member(
                id_type="resident",
                id_number=number,
                id_index=id_index(number),
                name=name,
                gender="M" if male else "F",
                birth_date=born,
                ethnicity=rng.choices(["01", "04", "03", "08"], [96, 2, 1, 1])[0],
                education=rng.choice(["14", "21", "21", "31", "31", "44", "61", "71"]),
                political_status=rng.choices(["01", "03", "13", "12"], [22, 18, 58, 2])[0],
                skill_level=rng.choice(["", "5", "4", "3", "2"]),
                household_type="1" if migrant else rng.choice(["2", "3"]),
                employment_status="40" if status == MemberStatus.RETAINED else "10",
                migrant_worker=migrant,
                new_employment=rng.choice(["02", "06", "08", "01"]) if rng.random() < 0.06 else "",
                phone=phone,
                phone_index=phone_index(phone),
                employer=rng.choice(employers) if employers else None,
                union=union,
                org_path=union.path,
                joined_on=joined,
                status=status,
                consent_at=now,
                consent_purpose="工会会员实名制管理和会员服务",
            )
        )
    members = Member.objects.bulk_create(members, batch_size=1000)
    _cards_and_history(members, actor)
    _open_transfers(rng, members, unions, actor)
    if account is not None:
        username, union_code = account
        user = User.objects.get(username=username)
        linked = next(
            m
            for m in members
            if m.status == MemberStatus.ACTIVE and m.phone and m.union.code == union_code
        )
        Member.objects.filter(pk=linked.pk).update(account=user, name=user.full_name)
    audit_record(
        action="demo.members.seeded",
        actor=None,
        after={"members": len(members)},
        org_path=unions[0].path[:4] if unions else "",
    )
    return members


def _cards_and_history(members: list[Member], actor: Actor) -> None:
    prefix = card_prefix(members[0].union)
    sequence, _ = CardSequence.objects.get_or_create(prefix=prefix)
    cards, changes = [], []
    for member in members:
        sequence.last += 1
        body = f"{prefix}{sequence.last:010d}"
        current = member.status in (MemberStatus.ACTIVE, MemberStatus.RETAINED)
        cards.append(
            Card(
                number=body + luhn.calc_check_digit(body),
                member=member,
                status=CardStatus.ACTIVE if current else CardStatus.VOID,
                issued_on=member.joined_on,
                ended_on=None if current else timezone.localdate(),
            )
        )
        changes.append(
            MembershipChange(
                member=member,
                kind=ChangeKind.JOINED,
                reason="登记入会",
                to_status=MemberStatus.ACTIVE,
                org_path=member.org_path,
                occurred_on=member.joined_on,
                actor=actor,
            )
        )
        if member.status != MemberStatus.ACTIVE:
            kind = {
                MemberStatus.RETAINED: ChangeKind.RETAINED,
                MemberStatus.WITHDRAWN: ChangeKind.WITHDRAWN,
                MemberStatus.EXPELLED: ChangeKind.EXPELLED,
            }[MemberStatus(member.status)]
            reason = {
                ChangeKind.RETAINED: "退休",
                ChangeKind.WITHDRAWN: "本人申请退会",
                ChangeKind.EXPELLED: "受刑事处罚",
            }[kind]
            changes.append(
                MembershipChange(
                    member=member,
                    kind=kind,
                    reason=reason,
                    from_status=MemberStatus.ACTIVE,
                    to_status=member.status,
                    org_path=member.org_path,
                    actor=actor,
                    occurred_on=min(
                        timezone.localdate(), member.joined_on + dt.timedelta(days=900)
                    ),
                )
            )
    Card.objects.bulk_create(cards, batch_size=1000)
    MembershipChange.objects.bulk_create(changes, batch_size=1000)
    sequence.save(update_fields=["last"])


def _open_transfers(
    rng: random.Random, members: list[Member], unions: list[Org], actor: Actor
) -> None:
    """A few transfers waiting for the receiving union, so the 转会 pages have work."""
    candidates = [m for m in members if m.status == MemberStatus.ACTIVE]
    for member in rng.sample(candidates, min(12, len(candidates))):
        target = rng.choice(
            [u for u in unions if u.pk != member.union_id and u.kind == "grassroots"]
        )
        transfer_issue(actor=actor, member=member, to_union=target, reason="调动工作")
