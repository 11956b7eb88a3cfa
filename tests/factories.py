"""Test data built through the services, so tests see the same invariants as production: the
one module of builders that every test imports (DESIGN.md "Testing"). Sections: orgs and
accounts, calendar, members (and their import workbooks), uploads, benefits, assistance,
democracy and ballots, voice."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import itertools
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import python_calamine
import xlsxwriter
from django.db import connection
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from gonghui.accounts.models import AccountType, User
from gonghui.accounts.services.accounts import account_create, officer_seed, token_issue
from gonghui.assistance.models import HardshipCase
from gonghui.assistance.services import cases as assistance
from gonghui.benefits.models import Merchant, Offer
from gonghui.benefits.services import merchants as benefits
from gonghui.core import registry
from gonghui.core.deadlines import bump_calendar_version
from gonghui.core.importing.workbooks import REASON_HEADER, WARNING_HEADER
from gonghui.core.models import CalendarDay, CalendarYear
from gonghui.democracy.models import (
    Attendance,
    Ballot,
    Congress,
    Delegate,
    DisclosureItem,
    Session,
    Term,
)
from gonghui.democracy.services import ballots, disclosure
from gonghui.democracy.services import congress as democracy
from gonghui.members.models import Card, Member
from gonghui.members.services.members import member_register
from gonghui.orgs.models import Employer, Org, OrgKind
from gonghui.orgs.services.orgs import employer_create, org_create
from gonghui.voice.models import Appeal
from gonghui.voice.services import appeals as voice

if TYPE_CHECKING:
    from tests.conftest import Cast

PASSWORD = "Test-pass-2026"
_seq = itertools.count(1)


def superuser() -> User:
    user, created = User.objects.get_or_create(
        username="root", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def make_uscc(prefix: str = "91", region: str = "410105") -> str:
    body = f"{prefix}{region}{next(_seq):09d}"
    return body + stdnum_uscc.calc_check_digit(body)


def make_org(parent: Org | None, kind: str, name: str = "", code: str = "", **kw: Any) -> Org:
    n = next(_seq)
    return org_create(
        actor=superuser(),
        parent=parent,
        code=code or f"T{n:05d}",
        name=name or f"测试组织{n}",
        kind=kind,
        **kw,
    )


def make_employer(
    org: Org, *, union: Org | None = None, employees: int = 50, **kw: Any
) -> Employer:
    n = next(_seq)
    return employer_create(
        actor=superuser(),
        registered_by=org,
        union=union,
        name=kw.pop("name", f"测试用人单位{n}有限公司"),
        uscc=kw.pop("uscc", make_uscc()),
        employee_count=employees,
        **kw,
    )


def make_officer(org: Org, role: str = "admin", username: str = "", phone: str = "") -> User:
    n = next(_seq)
    return officer_seed(
        actor=superuser(),
        username=username or f"officer{n}",
        full_name=f"干部{n}",
        password=PASSWORD,
        org=org,
        role=role,
        phone=phone,
    )


def make_account(account_type: str = AccountType.MEMBER, username: str = "") -> User:
    n = next(_seq)
    return account_create(
        actor=superuser(),
        account_type=account_type,
        username=username or f"user{n}",
        full_name=f"用户{n}",
        password=PASSWORD,
    )


GRASSROOTS = OrgKind.GRASSROOTS


def fresh(user: User) -> User:
    """Reload a user so cached posts reflect the database."""
    return User.objects.get(pk=user.pk)


def bearer(user: User) -> dict[str, str]:
    """The API's Authorization header with a token issued to ``user``."""
    return {"Authorization": f"Bearer {token_issue(user=user)}"}


# --- calendar --------------------------------------------------------------------------------


def ensure_seeded() -> None:
    """The data migration seeds the table; a transactional test elsewhere may have flushed it.
    2027 has no schedule in chinese-calendar 1.11: remove it should a later version add one."""
    if not CalendarYear.objects.filter(year=2026).exists():
        migration = importlib.import_module("gonghui.core.migrations.0003_seed_calendar")
        from django.apps import apps

        migration.seed(apps, None)
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()
    bump_calendar_version()


# --- members ---------------------------------------------------------------------------------


def resident(body17: str) -> str:
    """A resident ID number: ``body17`` with its check digit."""
    return body17 + ric.calc_check_digit(body17 + "0")


ZHENGZHOU_1970 = resident("41010519700315123")  # 金水区 code "starts" in 1983: still valid


def register(cast: Cast, number: str = ZHENGZHOU_1970, **kw: object) -> Member:
    """A member of the cast's grassroots union, registered by its chair."""
    values: dict[str, object] = {
        "union": cast.grassroots,
        "id_type": "resident",
        "id_number": number,
        "name": "张伟",
        "joined_on": dt.date(2020, 1, 1),
        "consent_purpose": "工会会员实名登记",
        "phone": "13912340000",
        "ethnicity": "汉",
        "political_status": "党员",
    }
    values.update(kw)
    return member_register(actor=fresh(cast.grassroots_officer), **values)  # type: ignore[arg-type]


def join(cast: Cast, body: str, union: Any = None, **kw: Any) -> Any:
    """A bare member (no phone, no dictionaries) registered by the superuser: for counting."""
    return member_register(
        actor=superuser(),
        union=union or cast.grassroots,
        id_type="resident",
        id_number=resident(body),
        name="会员",
        joined_on=kw.pop("joined_on", dt.date(2020, 1, 1)),
        consent_purpose="实名登记",
        **kw,
    )


def new_member(**fields: Any) -> dict[str, Any]:
    """The API's member registration body."""
    return {
        "union_code": "EAST-G1",
        "id_type": "resident",
        "id_number": resident("41010519850612202"),
        "name": "李娜",
        "joined_on": "2021-03-01",
        "consent_purpose": "工会会员实名登记",
        "phone": "13700001111",
        "employer_id": None,
        "ethnicity": "汉族",
        "education": "本科",
        **fields,
    }


# The member roster workbook as officers send it (issue 5).
HEADER = [
    "序号",
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "文化程度",
    "政治面貌",
    "联系电话",
    "工作单位",
    "入会日期",
    "是否农民工",
]


def person(n: int, name: str, number: str, **cells: Any) -> list[Any]:
    row = {
        "name": name,
        "id": number,
        "gender": "",
        "ethnicity": "汉",
        "education": "本科",
        "political": "群众",
        "phone": "",
        "employer": "",
        "joined": "2020-05-01",
        "migrant": "否",
    } | cells
    return [n, *row.values()]


def workbook(rows: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("会员")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, "东区第一工会会员信息采集表")
    sheet.write(1, 0, "填报单位：东方机械有限公司工会委员会        填报日期：2026年11月")
    for r, cells in enumerate([HEADER, *rows], start=3):
        for c, value in enumerate(cells):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def problem_rows(result: Any, name_column: int = 1) -> dict[str, tuple[str, str]]:
    """Name -> (reasons, warnings) of an import's problem workbook."""
    book = python_calamine.CalamineWorkbook.from_path(result.problems_path)
    found = {}
    for name in ("问题行", "已导入但有警告"):
        rows = book.get_sheet_by_name(name).to_python()
        reasons, warnings = rows[0].index(REASON_HEADER), rows[0].index(WARNING_HEADER)
        found |= {
            str(r[name_column]).strip(): (str(r[reasons]), str(r[warnings])) for r in rows[1:]
        }
    return found


# --- uploads whose metadata name an author (core.scrub) --------------------------------------

AUTHOR = "Zhang Sanfeng"
AUTHOR_ZH = "张三丰"


def spellings(data: bytes) -> list[bytes]:
    """Where ``data`` holds the author's name in any of the usual encodings."""
    found = []
    for name in (AUTHOR, AUTHOR_ZH):
        for enc in ("utf-8", "utf-16-be", "utf-16-le"):
            if name.encode(enc) in data:
                found.append(name.encode(enc))
    return found


def pdf_bytes(author: str = AUTHOR) -> bytes:
    """A one-page PDF whose document info and XMP name ``author`` (and a Chinese name)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": author, "/Creator": AUTHOR_ZH, "/Title": "工资条"})
    xmp = StreamObject()
    xmp.set_data(f"<x:xmpmeta><dc:creator>{author}</dc:creator></x:xmpmeta>".encode())
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes() -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = AUTHOR  # Artist
    exif[0x8298] = AUTHOR  # Copyright
    exif[0x0112] = 6  # Orientation: rotated 90° clockwise
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        z.writestr(
            "docProps/core.xml",
            '<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>'
            f"{AUTHOR}</dc:creator><cp:lastModifiedBy>{AUTHOR_ZH}</cp:lastModifiedBy>"
            "</cp:coreProperties>",
        )
        z.writestr(
            "docProps/app.xml", f"<Properties><Company>{AUTHOR_ZH}公司</Company></Properties>"
        )
        z.writestr(
            "word/document.xml",
            f'<w:document><w:body><w:ins w:author="{AUTHOR}" w:initials="ZS">'
            "<w:r><w:t>加班工资</w:t></w:r></w:ins></w:body></w:document>",
        )
        z.writestr(
            "word/comments.xml",
            f'<w:comments><w:comment w:author="{AUTHOR_ZH}"><w:p/></w:comment></w:comments>',
        )
    return out.getvalue()


# --- benefits: a signed merchant with the cast's merchant account at its counter ------------

TODAY = dt.date.today()
FAR = dt.date(TODAY.year + 2, 12, 31)
PAST = dt.date(TODAY.year - 1, 1, 1)


def pending_merchant(org: Org, officer: User, name: str = "东区测试超市") -> Merchant:
    """A merchant registered by ``officer`` at ``org``, waiting to be signed."""
    return benefits.merchant_create(
        actor=officer,
        org=org,
        name=name,
        uscc=make_uscc("92", "410105"),
        category="shopping",
        address="东区测试路1号",
        region_code="410105",
        contact_name="王经理",
        contact_phone="13712345678",
        agreement_start=PAST,
        agreement_end=FAR,
    )


def signed_merchant(cast: Cast, name: str = "东区测试超市") -> Merchant:
    officer = fresh(cast.grassroots_officer)
    merchant = pending_merchant(cast.grassroots, officer, name)
    merchant = benefits.merchant_transition(actor=officer, merchant=merchant, action="sign")
    benefits.staff_link(actor=officer, merchant=merchant, username=cast.merchant.username)
    return merchant


def approved_offer(cast: Cast, merchant: Merchant, **kw: Any) -> Offer:
    officer = fresh(cast.grassroots_officer)
    values: dict[str, Any] = {
        "title": "会员立减10元",
        "kind": "amount",
        "value": Decimal("10"),
        "valid_from": PAST,
        "valid_until": FAR,
        "quota": 100,
        "budget": Decimal("1000"),
        "per_member_daily": 1,
    }
    values.update(kw)
    offer = benefits.offer_create(actor=officer, merchant=merchant, **values)
    return benefits.offer_transition(actor=officer, offer=offer, action="approve")


def members(cast: Cast, n: int, **kw: Any) -> list[Member]:
    """``n`` members with active cards (distinct ID numbers, born 1980-1989)."""
    made = []
    for i in range(n):
        body = f"410105198{i % 10}0{1 + i // 250}{1 + (i // 10) % 25:02d}{i % 1000:03d}"
        made.append(register(cast, resident(body[:17]), name=f"会员{i}", phone="", **kw))
    return made


def card_of(member: Member) -> str:
    return Card.objects.get(member=member, status="active").number


# --- assistance: a hardship case from application to the archive ----------------------------

HEAD_ID = resident("41010519750101123")
CHILD_ID = resident("41010520050505002")


def apply(cast: Cast, number: str = HEAD_ID, org: Org | None = None, **kw: Any) -> HardshipCase:
    values: dict[str, Any] = {
        "name": "困难户甲",
        "id_number": number,
        "household_size": 4,
        "annual_income": Decimal("36000"),
        "rigid_medical": Decimal("6000"),
        "consent_purpose": "困难职工建档",
        "causes": ["illness"],
        "bank_name": "工商银行",
        "bank_account": "6222020200112233445",
    }
    values.update(kw)
    officer = kw.pop("officer", None) or cast.grassroots_officer
    values.pop("officer", None)
    return assistance.case_create(actor=fresh(officer), org=org or cast.grassroots, **values)


def chair(org: Org, username: str) -> Any:
    """A federation chair: holds assistance.approve and assistance.fund there."""
    existing = User.objects.filter(username=username).first()
    return existing or make_officer(org, "chair", username)


def archive(cast: Cast, case: HardshipCase, approver: Any = None) -> HardshipCase:
    grass = fresh(cast.grassroots_officer)
    case = assistance.case_visit(actor=grass, case=case, opinion="入户核实，情况属实")
    case = assistance.case_review(
        actor=grass, case=case, passed=True, opinion="同意", publicity_days=5
    )
    assert case.publicity_end is not None
    case = assistance.case_end_publicity(
        actor=grass, case=case, today=case.publicity_end + dt.timedelta(days=1)
    )
    approver = approver or chair(cast.county, "east_chair")
    return assistance.case_approve(
        actor=fresh(approver), case=case, approved=True, opinion="同意建档"
    )


# --- democracy: a congress of the EAST grassroots union with delegates ----------------------

ELECTED = dt.date(2025, 1, 10)


def officer(cast: Cast) -> Any:
    return fresh(cast.grassroots_officer)


def make_congress(cast: Cast, staff: int = 1000, female: int = 0) -> tuple[Congress, Term]:
    existing = Congress.objects.filter(org=cast.grassroots).first()
    if existing is not None:
        return existing, existing.terms.get(number=1)
    actor = officer(cast)
    congress = democracy.congress_create(
        actor=actor,
        org=cast.grassroots,
        name="东方机械职工代表大会",
        staff_count=staff,
        female_staff_count=female,
    )
    term = democracy.term_create(
        actor=actor, congress=congress, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2029, 12, 31)
    )
    return congress, term


def elect(
    cast: Cast,
    term: Term,
    count: int,
    group: str = "frontline",
    gender: str = "M",
    prefix: str = "代表",
) -> list[Delegate]:
    """Bulk delegates for quorum arithmetic (the service is exercised by the other tests)."""
    start = term.delegates.count()
    return Delegate.objects.bulk_create(
        Delegate(
            term=term,
            org_path=term.org_path,
            name=f"{prefix}{start + i}",
            gender=gender,
            group=group,
            constituency="一车间",
            elected_on=ELECTED,
        )
        for i in range(count)
    )


def link_member(cast: Cast, delegate: Delegate, account: Any, number: str) -> Member:
    """Give ``delegate`` a member record whose phone account is ``account``."""
    member = register(cast, number=resident(number), name=delegate.name, phone="")
    member.account = account
    member.save(update_fields=["account"])
    delegate.member = member
    delegate.save(update_fields=["member"])
    return member


@contextmanager
def fake_appeal_receiver() -> Iterator[list[dict[str, Any]]]:
    """Stand in for the voice app's receiver and restore whatever was registered before."""
    calls: list[dict[str, Any]] = []
    saved = list(registry._handoffs)

    class Appeal:
        pk = 77

        def get_absolute_url(self) -> str:
            return "/voice/appeals/77/"

    def receive(**kwargs: Any) -> Appeal:
        calls.append(kwargs)
        return Appeal()

    registry.register_handoff("voice.appeal.suggestion", receive)
    try:
        yield calls
    finally:
        registry._handoffs[:] = saved


def published(cast: Cast) -> DisclosureItem:
    """A published 厂务公开 item of the EAST grassroots union's 2026 plan."""
    actor = officer(cast)
    plan = disclosure.plan_create(
        actor=actor, org=cast.grassroots, year=2026, title="2026年厂务公开"
    )
    item = disclosure.item_add(
        actor=actor,
        plan=plan,
        category="contracts",
        title="集体合同履行情况",
        period="2026年上半年",
        due_on=dt.date(2026, 7, 15),
    )
    return disclosure.item_publish(actor=actor, item=item, content="履行良好。")


# --- ballots: an open session of the EAST congress with delegates present -------------------


def open_session(
    cast: Cast, in_office: int = 9, present: int | None = None
) -> tuple[Session, list[Delegate]]:
    """A session open with ``present`` (default all) of ``in_office`` delegates checked in."""
    _c, term = make_congress(cast)
    seats = elect(cast, term, in_office)
    actor = officer(cast)
    session = democracy.session_create(
        actor=actor, term=term, title="一届三次职代会", scheduled_for=dt.date(2026, 12, 1)
    )
    now = timezone.now()
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            delegate=d,
            org_path=session.org_path,
            checked_in_at=now,
            method="officer",
        )
        for d in seats
    )
    democracy.session_send_materials(actor=actor, session=session)
    session = democracy.session_open(actor=actor, session=session)
    if present is not None:
        # The others walk out after the opening: the live quorum drops.
        Attendance.objects.filter(session=session, delegate__in=seats[present:]).update(left_at=now)
    return session, seats


_voters = itertools.count(1)


def voter(cast: Cast, delegate: Delegate) -> Any:
    """Give ``delegate`` a phone account; returns the account."""
    account = make_account("member", f"ballot_voter{delegate.pk}")
    link_member(cast, delegate, account, f"41010519800101{next(_voters) % 1000:03d}")
    return account


TELLERS = ["甲监票", "乙监票", "丙监票"]


def open_ballot(actor: Any, ballot: Any, needed: int = 2) -> tuple[Any, list[str]]:
    """Name three tellers (k = ``needed``), freeze the list and open: the ballot and the shares
    that the opening showed once."""
    ballots.ballot_tellers_set(actor=actor, ballot=ballot, names=TELLERS, needed=needed)
    ballots.ballot_freeze(actor=actor, ballot=ballot)
    opened = ballots.ballot_open(actor=actor, ballot=ballot)
    return opened.ballot, [share for _teller, share in opened.shares]


def close_and_tally(actor: Any, ballot: Any, shares: list[str]) -> Any:
    """Close (if open) and let tellers 1 and 3 tally."""
    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.state == "open":
        ballots.ballot_close(actor=actor, ballot=ballot)
    return ballots.ballot_tally(actor=actor, ballot=ballot, shares=[shares[0], shares[2]])


def dump_tables() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the database returns it (what a database reader sees)."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump[table] = list(cursor.fetchall())
    return dump


# --- voice: a member with a login, an appeal at the cast's grassroots union -----------------

WORKER_NAME = "隐名职工甲"
WORKER_PHONE = "13955556666"
WORKER_ID = resident("41010519850505123")
WORKER_LOGIN = "anon_worker_zz"


def worker(cast: Cast) -> tuple[Any, Member]:
    """A member of EAST-G1 with a phone login (idempotent)."""
    member = Member.objects.filter(name=WORKER_NAME).first()
    if member is None:
        account = make_account(AccountType.MEMBER, WORKER_LOGIN)
        member = register(
            cast, number=WORKER_ID, name=WORKER_NAME, phone=WORKER_PHONE, account=account
        )
    assert member.account is not None
    return fresh(member.account), member


def submit(cast: Cast, *, anonymous: bool = False, **kw: Any) -> Appeal:
    user, _ = worker(cast)
    values: dict[str, Any] = {
        "category": voice.category_get("wage"),
        "title": "拖欠加班工资",
        "content": "车间连续三个月没有发放加班工资，希望工会帮助协调。",
        "anonymous": anonymous,
    }
    values.update(kw)
    return voice.appeal_submit(actor=user, **values)


# --- concurrency: callers released at once (PostgreSQL tests of row locks) --------------------


def at_once(calls: list[Callable[[], object]], refused: type[BaseException]) -> list[str]:
    """Run each call in its own thread, all released together; "won" or "refused" per call.

    Each thread closes its own database connection (Django opens one per thread)."""
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("won")
        except refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


# --- governance: committees and 换届 (gov) --------------------------------------------------


def voters(cast: Cast, n: int, start: int = 0) -> list[Member]:
    """``n`` members of the EAST grassroots union with phone accounts (they can vote)."""
    made = []
    for i in range(start, start + n):
        member = register(
            cast, resident(f"41010519750{i // 100 + 1}01{i % 100:03d}"), name=f"选民{i}", phone=""
        )
        member.account = make_account("member", f"gov_voter{i}")
        member.save(update_fields=["account"])
        made.append(member)
    return made


def committee_in_office(
    cast: Cast, people: list[Member], *, took_office_on: dt.date, years: int = 3
) -> Any:
    """The EAST grassroots union's main committee: the first of ``people`` its chair."""
    from gonghui.governance.services.committees import committee_register

    return committee_register(
        actor=fresh(cast.grassroots_officer),
        org=cast.grassroots,
        kind="main",
        chosen_by="assembly",
        term_years=years,
        took_office_on=took_office_on,
        seats=[(people[0], "chair"), *[(p, "member") for p in people[1:]]],
    )


def town_chair(cast: Cast) -> User:
    """The EAST town union's chair: the upper union of the EAST grassroots union."""
    return fresh(cast.town_officer)
