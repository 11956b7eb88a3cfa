"""The demo province: deterministic for a seed, built through the services (so it is audited
and validated like real data)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

from gonghui.accounts.models import AccountType, User
from gonghui.accounts.services.accounts import account_create, officer_seed
from gonghui.core.audit import AuditEvent, audit_record
from gonghui.core.counters import rebuild_counters
from gonghui.core.identifiers import USCC_ALPHABET
from gonghui.demo.members import seed_demo_members
from gonghui.orgs.capabilities import CAPABILITIES, capabilities_of
from gonghui.orgs.models import Org, OrgKind, OwnershipType, PostRole, level_of
from gonghui.orgs.services.orgs import employer_create, org_create

ROOT_CODE = "HA"
DEMO_MEMBERS = 5000  # members of the small province
SEEDED_ACTION = "demo.province.seeded"

_COMPANY_WORDS = [
    "宏达",
    "华信",
    "中原",
    "嵩山",
    "黄河",
    "金盾",
    "瑞丰",
    "恒通",
    "远航",
    "新锐",
    "天成",
    "博远",
    "裕隆",
    "鼎盛",
    "安泰",
    "嘉禾",
    "德源",
    "启明",
    "众合",
    "联创",
]
_COMPANY_TRADES = [
    ("机械制造", "制造业"),
    ("物流", "交通运输、仓储和邮政业"),
    ("食品", "制造业"),
    ("建设工程", "建筑业"),
    ("软件科技", "信息传输、软件和信息技术服务业"),
    ("商贸", "批发和零售业"),
    ("物业服务", "房地产业"),
    ("纺织", "制造业"),
    ("医药", "制造业"),
    ("餐饮管理", "住宿和餐饮业"),
]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅"


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    org_code: str
    org_kind: str
    org_name: str = ""
    duties: str = ""  # what the account can do, in the officers' words

    def as_dict(self) -> dict[str, str]:
        return self.__dict__.copy()


@dataclass
class DemoResult:
    root: str
    accounts: list[DemoAccount] = field(default_factory=list)
    created: bool = True


class _Builder:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.actor = self._system_user()
        self.company_seq = 0
        self.phones: set[str] = set()

    def _system_user(self) -> User:
        user, _ = User.objects.get_or_create(
            username="admin",
            defaults={"is_superuser": True, "is_staff": True, "full_name": "系统管理员"},
        )
        return user

    def uscc(self, department_category: str, region: str) -> str:
        body = (
            department_category + region + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9))
        )
        return body + stdnum_uscc.calc_check_digit(body)

    def phone(self) -> str:
        while True:
            phone = (
                "1"
                + self.rng.choice("3589")
                + "".join(self.rng.choice("0123456789") for _ in range(9))
            )
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def person(self) -> str:
        return self.rng.choice(_SURNAMES) + "".join(
            self.rng.sample(_GIVEN, self.rng.choice([1, 2]))
        )

    def org(self, parent: Org | None, code: str, name: str, kind: str, region: str) -> Org:
        # 分工会 and 工会小组 are parts of a grassroots union, not registered bodies.
        registered = kind not in (OrgKind.BRANCH, OrgKind.GROUP)
        category = "81" if kind in (OrgKind.GRASSROOTS, OrgKind.ORGANIZER) else "89"
        return org_create(
            actor=self.actor,
            parent=parent,
            code=code,
            name=name,
            kind=kind,
            region_code=region,
            uscc=self.uscc(category, region) if registered else "",
            founded_on=None,
            chair_name=self.person(),
        )

    def company(self, region: str) -> tuple[str, str]:
        word = _COMPANY_WORDS[self.company_seq % len(_COMPANY_WORDS)]
        trade, industry = _COMPANY_TRADES[(self.company_seq // 3) % len(_COMPANY_TRADES)]
        self.company_seq += 1
        city = {"4101": "郑州", "4103": "洛阳"}.get(region[:4], "河南")
        return f"{city}{word}{trade}有限公司", industry

    def grassroots(self, parent: Org, code: str, region: str) -> Org:
        company, industry = self.company(region)
        union = self.org(parent, code, f"{company}工会委员会", OrgKind.GRASSROOTS, region)
        employer_create(
            actor=self.actor,
            registered_by=parent,
            union=union,
            name=company,
            uscc=self.uscc("91", region),
            industry=industry,
            ownership=self.rng.choice(
                [OwnershipType.PRIVATE, OwnershipType.STATE, OwnershipType.JOINT_STOCK]
            ),
            employee_count=self.rng.randint(30, 1200),
            region_code=region,
        )
        return union

    def unorganized(self, parent: Org, region: str, employees: int) -> None:
        company, industry = self.company(region)
        employer_create(
            actor=self.actor,
            registered_by=parent,
            name=company,
            uscc=self.uscc("91", region),
            industry=industry,
            ownership=OwnershipType.PRIVATE,
            employee_count=employees,
            region_code=region,
        )

    def officer(self, username: str, org: Org, role: str) -> None:
        officer_seed(
            actor=self.actor,
            username=username,
            full_name=self.person(),
            password=demo_password(self.seed, username),
            org=org,
            role=role,
            phone=self.phone(),
        )

    def other_account(self, username: str, account_type: str) -> None:
        account_create(
            actor=self.actor,
            account_type=account_type,
            username=username,
            full_name=self.person(),
            password=demo_password(self.seed, username),
            phone=self.phone(),
        )


def _build_small(b: _Builder) -> None:
    province = b.org(None, ROOT_CODE, "河南省总工会", OrgKind.PROVINCE, "410000")
    zhengzhou = b.org(province, "ZZ", "郑州市总工会", OrgKind.CITY, "410100")
    luoyang = b.org(province, "LY", "洛阳市总工会", OrgKind.CITY, "410300")
    jinshui = b.org(zhengzhou, "ZZJS", "金水区总工会", OrgKind.COUNTY, "410105")
    zhongyuan = b.org(zhengzhou, "ZZZY", "中原区总工会", OrgKind.COUNTY, "410102")
    laocheng = b.org(luoyang, "LYLC", "老城区总工会", OrgKind.COUNTY, "410302")
    luolong = b.org(luoyang, "LYLL", "洛龙区总工会", OrgKind.COUNTY, "410311")
    jingbalu = b.org(jinshui, "ZZJS-JBL", "经八路街道工会", OrgKind.TOWN, "410105")
    linshanzhai = b.org(zhongyuan, "ZZZY-LSZ", "林山寨街道工会", OrgKind.TOWN, "410102")
    park = b.org(luolong, "LYLL-CYY", "洛龙产业园区工会", OrgKind.TOWN, "410311")
    joint = b.org(jinshui, "ZZJS-KJY", "金水科技园区联合工会", OrgKind.JOINT, "410105")
    education = b.org(province, "HAJY", "河南省教育工会", OrgKind.INDUSTRY, "410000")

    grassroots: dict[str, list[Org]] = {}
    plan = [
        (jingbalu, 5),
        (jinshui, 4),
        (linshanzhai, 4),
        (zhongyuan, 3),
        (laocheng, 4),
        (park, 3),
        (luolong, 3),
        (education, 3),
        (luoyang, 2),
    ]
    for parent, count in plan:
        grassroots[parent.code] = [
            b.grassroots(parent, f"{parent.code}-{i:03d}", parent.region_code or "410000")
            for i in range(1, count + 1)
        ]
    first = grassroots[jingbalu.code][0]
    branch = b.org(first, f"{first.code}-F01", "生产部分工会", OrgKind.BRANCH, "410105")
    b.org(branch, f"{first.code}-F01-G1", "一车间工会小组", OrgKind.GROUP, "410105")
    b.org(first, f"{first.code}-F02", "后勤部分工会", OrgKind.BRANCH, "410105")
    b.org(luolong, "LYLL-ZZY", "洛龙区快递行业组织员", OrgKind.ORGANIZER, "410311")

    for _i in range(3):  # small employers covered by the regional joint union
        company, industry = b.company("410105")
        employer_create(
            actor=b.actor,
            registered_by=joint,
            union=joint,
            name=company,
            uscc=b.uscc("92", "410105"),
            industry=industry,
            ownership=OwnershipType.PRIVATE,
            employee_count=b.rng.randint(5, 20),
            region_code="410105",
        )
    for parent, employees in [
        (jinshui, 60),
        (jinshui, 12),
        (zhongyuan, 140),
        (laocheng, 35),
        (luolong, 8),
        (jingbalu, 26),
    ]:
        b.unorganized(parent, parent.region_code, employees)

    b.officer("prov_admin", province, PostRole.ADMIN)
    b.officer("prov_chair", province, PostRole.CHAIR)
    b.officer("zz_admin", zhengzhou, PostRole.ADMIN)
    b.officer("ly_admin", luoyang, PostRole.ADMIN)
    b.officer("js_admin", jinshui, PostRole.ADMIN)
    b.officer("js_chair", jinshui, PostRole.CHAIR)
    b.officer("zy_admin", zhongyuan, PostRole.ADMIN)
    b.officer("jbl_chair", jingbalu, PostRole.CHAIR)
    b.officer("jy_admin", education, PostRole.ADMIN)
    b.officer("gr_chair", first, PostRole.CHAIR)
    b.officer("gr_staff", first, PostRole.STAFF)
    b.other_account("member01", AccountType.MEMBER)
    b.other_account("shop01", AccountType.MERCHANT)
    seed_demo_members(b.rng, b.actor, count=DEMO_MEMBERS, account=("member01", first.code))


DEMO_USERNAMES = [
    "prov_admin",
    "prov_chair",
    "zz_admin",
    "ly_admin",
    "js_admin",
    "js_chair",
    "zy_admin",
    "jbl_chair",
    "jy_admin",
    "gr_chair",
    "gr_staff",
    "zz_chair",
    "ly_chair",
    "member01",
    "shop01",
]
# Where the merchant account belongs until the 普惠 module links it to a merchant.
DEMO_HOME_ORG = {"shop01": "ZZJS"}


SIZES = {"small": _build_small}
# Each module seeds its own demo data on top of the tree and the members, in this order.
DEMO_MODULES = [
    "gonghui.assistance.demo",
    "gonghui.democracy.demo.congress",
    "gonghui.voice.demo",
    "gonghui.benefits.demo",
    "gonghui.honors.demo",
    "gonghui.governance.demo.dues",
    "gonghui.governance.demo.committees",
]
# Steps that read the counters (the annual reports freeze them): after the rebuild.
DEMO_AFTER_COUNTS = ["gonghui.stats.demo"]


def seeded_marker() -> AuditEvent | None:
    return AuditEvent.objects.filter(action=SEEDED_ACTION).order_by("-id").first()


def demo_password(seed: int, username: str) -> str:
    """A readable password that is a function of the seed and the username only."""
    rng = random.Random(f"{seed}:{username}")
    letters, upper = "abcdefghjkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return (
        rng.choice(upper)
        + "".join(rng.choice(letters) for _ in range(3))
        + "-"
        + "".join(rng.choice("23456789") for _ in range(4))
    )


def seed_demo(*, size: str = "small", seed: int = 2026) -> DemoResult:
    """Build the demo province once; later calls change nothing and list the same accounts."""
    marker = seeded_marker()
    if marker is not None:
        params: dict[str, Any] = marker.after or {}
        return _accounts_of(seed=int(params.get("seed", seed)), created=False)
    if Org.objects.filter(code=ROOT_CODE).exists():
        raise RuntimeError("an org with the demo root code exists but was not seeded as a demo")
    with transaction.atomic():
        builder = _Builder(seed)
        SIZES[size](builder)
        for step in DEMO_MODULES:
            import_module(step).seed(builder)
        rebuild_counters()  # the generator writes members in bulk, past the services' counters
        for step in DEMO_AFTER_COUNTS:
            import_module(step).seed(builder)
        builder.actor.set_password(demo_password(seed, "admin"))
        builder.actor.save(update_fields=["password"])
        audit_record(
            action=SEEDED_ACTION,
            actor=None,
            after={"size": size, "seed": seed},
            org_path=Org.objects.get(code=ROOT_CODE).path,
        )
    return _accounts_of(seed=seed, created=True)


def _accounts_of(*, seed: int, created: bool) -> DemoResult:
    result = DemoResult(root=ROOT_CODE, created=created)
    root = Org.objects.get(code=ROOT_CODE)
    result.accounts.append(
        DemoAccount(
            "admin",
            demo_password(seed, "admin"),
            "系统管理员",
            root.code,
            root.kind,
            root.name,
            str(_("全部权限，含授予任意职务")),
        )
    )
    users = (
        User.objects.filter(username__in=DEMO_USERNAMES)
        .select_related("member__union")
        .prefetch_related("posts__org")
    )
    by_name = {u.username: u for u in users}
    for username in DEMO_USERNAMES:
        user = by_name.get(username)
        if user is None:
            continue
        post = next((p for p in user.posts.all() if p.active), None)
        if post is not None:
            role, org = str(PostRole(post.role).label), post.org
            duties = _post_duties(post.role, post.org.kind)
        elif hasattr(user, "member"):
            role, org = str(AccountType(user.account_type).label), user.member.union
            duties = str(_("手机端：电子会员卡、普惠优惠、诉求与建议、困难帮扶申请"))
        else:
            role = str(AccountType(user.account_type).label)
            org = Org.objects.get(code=DEMO_HOME_ORG[username])
            duties = str(_("商户端：扫码核销会员优惠、查看核销和结算"))
        result.accounts.append(
            DemoAccount(
                username, demo_password(seed, username), role, org.code, org.kind, org.name, duties
            )
        )
    return result


def _post_duties(role: str, org_kind: str) -> str:
    """What a post lets its holder do: the labels of the capabilities it grants beyond viewing,
    from the one matrix (so the printed table cannot drift from what the account may do)."""
    granted = capabilities_of(role, level_of(org_kind))
    acts = [str(c.label) for c in CAPABILITIES if c.code in granted and not c.code.endswith("view")]
    return "、".join(acts) if acts else str(_("查看本级及下级的组织、会员（脱敏）和统计"))
