"""会费 (DOMAIN.md §2.3): the dues base by unit kind, the tail under 10 yuan, 保留会籍, and the
自动退会 rule (§2.2) on both sides of each of its conditions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.governance import rules
from gonghui.governance.rules import StaffKind, UnitKind, WagePart

D = Decimal


# --- the 10-yuan tail ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wage", "counted", "dues"),
    [
        (D("3009.99"), D("3000"), D("15.00")),  # a tail of 9.99 is not counted
        (D("3010.00"), D("3010"), D("15.05")),  # a tail of 0.00: the next 10 yuan counts
        (D("3000.00"), D("3000"), D("15.00")),
        (D("2999.99"), D("2990"), D("14.95")),
        (D("9.99"), D("0"), D("0.00")),  # under 10 yuan: nothing counted
        (D("10.00"), D("10"), D("0.05")),
    ],
)
def test_dues_amount_drops_the_tail_under_ten_yuan(wage, counted, dues):
    assert rules.dues_amount(wage) == (counted, dues)


def test_dues_amount_refuses_a_negative_base():
    with pytest.raises(ValueError):
        rules.dues_amount(D("-1"))


# --- the base by unit kind -----------------------------------------------------------------------


def test_enterprise_base_is_the_wage_without_bonus_and_allowances():
    parts = {WagePart.WAGE: D("4009.99"), WagePart.BONUS: D("2000"), WagePart.ALLOWANCE: D("300")}
    found = rules.member_dues(
        unit_kind=UnitKind.ENTERPRISE, staff_kind=StaffKind.CADRE, parts=parts, retained=False
    )
    assert (found.base, found.counted, found.amount) == (D("4009.99"), D("4000"), D("20.00"))
    assert set(found.excluded) == {WagePart.BONUS, WagePart.ALLOWANCE}


def test_government_cadre_base_is_post_level_basic_and_seniority():
    parts = {
        WagePart.POST: D("1000"),
        WagePart.LEVEL: D("900"),
        WagePart.BASIC: D("600"),
        WagePart.SENIORITY: D("105"),
        WagePart.SUBSIDY: D("800"),
        WagePart.GRADE: D("500"),  # not a part of a 机关 cadre's base
    }
    found = rules.member_dues(
        unit_kind=UnitKind.GOVERNMENT, staff_kind=StaffKind.CADRE, parts=parts, retained=False
    )
    assert found.base == D("2605.00")
    assert found.amount == D("13.00")  # 2600 × 0.5 %
    assert WagePart.GRADE in found.excluded


def test_institution_cadre_base_is_post_and_grade():
    parts = {WagePart.POST: D("1500"), WagePart.GRADE: D("1219"), WagePart.BASIC: D("700")}
    found = rules.member_dues(
        unit_kind=UnitKind.INSTITUTION, staff_kind=StaffKind.CADRE, parts=parts, retained=False
    )
    assert (found.base, found.amount) == (D("2719.00"), D("13.55"))


@pytest.mark.parametrize("unit", [UnitKind.GOVERNMENT, UnitKind.INSTITUTION])
def test_worker_base_in_government_and_institutions_is_position_and_grade(unit):
    parts = {WagePart.POSITION: D("1800"), WagePart.GRADE: D("400"), WagePart.POST: D("999")}
    found = rules.member_dues(
        unit_kind=unit, staff_kind=StaffKind.WORKER, parts=parts, retained=False
    )
    assert (found.base, found.amount) == (D("2200.00"), D("11.00"))


def test_unit_kind_follows_the_employers_ownership():
    assert rules.unit_kind_of("government") == UnitKind.GOVERNMENT
    assert rules.unit_kind_of("institution") == UnitKind.INSTITUTION
    assert rules.unit_kind_of("private") == UnitKind.ENTERPRISE


def test_retained_member_owes_no_dues():
    found = rules.member_dues(
        unit_kind=UnitKind.ENTERPRISE,
        staff_kind=StaffKind.CADRE,
        parts={WagePart.WAGE: D("5000")},
        retained=True,
    )
    assert found.amount == D("0")
    assert found.counted == D("0")
    assert "保留会籍" in found.reasons[0]


# --- 自动退会 ---------------------------------------------------------------------------


def _months(first: dt.date, n: int) -> list[dt.date]:
    out, month = [], first
    for _i in range(n):
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def test_unpaid_streak_counts_back_from_the_month_and_stops_at_a_paid_or_unowed_month():
    months = _months(dt.date(2026, 1, 1), 8)
    owed = {m: False for m in months}
    owed[dt.date(2026, 2, 1)] = True  # paid in February
    assert rules.unpaid_streak(owed, dt.date(2026, 8, 15)) == 6  # March..August
    assert rules.unpaid_streak(owed, dt.date(2026, 7, 1)) == 5
    del owed[dt.date(2026, 5, 1)]  # 保留会籍 in May: nothing owed
    assert rules.unpaid_streak(owed, dt.date(2026, 8, 1)) == 3


@pytest.mark.parametrize(("streak", "applies"), [(5, False), (6, True), (7, True)])
def test_auto_withdrawal_month_boundary(streak, applies):
    found = rules.auto_withdrawal(streak=streak, participated=False, education_refused=True)
    assert found.applies is applies


def test_auto_withdrawal_not_when_the_member_took_part_in_union_life():
    found = rules.auto_withdrawal(streak=9, participated=True, education_refused=True)
    assert not found.applies
    assert any("组织生活" in r for r in found.reasons)


def test_auto_withdrawal_not_without_refusal_after_education():
    found = rules.auto_withdrawal(streak=9, participated=False, education_refused=False)
    assert not found.applies
    assert any("教育" in r for r in found.reasons)


# --- services (database) -------------------------------------------------------------------------

MONTHS = [dt.date(2026, m, 1) for m in range(1, 8)]


@pytest.fixture
def dues_cast(cast):
    from tests.factories import register

    member = register(cast)
    return cast, member


def _set(cast, member, month, wage, **kw):
    from gonghui.governance.services.dues import dues_month_set
    from tests.conftest import fresh

    return dues_month_set(
        actor=fresh(cast.grassroots_officer),
        member=member,
        month=month,
        parts={WagePart.WAGE: wage, **kw},
    )


def test_dues_month_set_on_both_sides_of_the_ten_yuan_boundary(dues_cast):
    cast, member = dues_cast
    below = _set(cast, member, MONTHS[0], D("3009.99"), bonus=D("800"))
    above = _set(cast, member, MONTHS[1], D("3010.00"))
    assert (below.due, above.due) == (D("15.00"), D("15.05"))
    assert below.status == "due"
    assert "奖金" in below.rule


def test_wage_is_encrypted_at_rest_and_kept_out_of_the_audit(dues_cast):
    from django.db import connection

    from gonghui.core.models import AuditEvent

    cast, member = dues_cast
    row = _set(cast, member, MONTHS[0], D("4321.99"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wage_parts, wage_base FROM governance_duesmonth WHERE id = %s", [row.pk]
        )
        parts, base = cursor.fetchone()
    assert "4321" not in parts and "4321" not in base
    events = AuditEvent.objects.filter(action="governance.dues.set")
    assert events.count() == 1
    assert "4321" not in str(events.get().after)
    row.refresh_from_db()
    assert row.wage_base == D("4321.99")
    assert row.masked_wage == "****"


def test_retained_member_owes_no_dues_through_the_service(dues_cast):
    from gonghui.members.services.members import member_change_status
    from tests.conftest import fresh

    cast, member = dues_cast
    member_change_status(actor=fresh(cast.grassroots_officer), member=member, action="retain")
    row = _set(cast, member, MONTHS[0], D("6000"))
    assert (row.due, row.status) == (D("0"), "exempt")


def test_government_unit_base_from_the_employers_ownership(dues_cast):
    from gonghui.governance.services.dues import dues_month_set
    from tests.conftest import fresh
    from tests.factories import make_employer, register, resident

    cast, _member = dues_cast
    bureau = make_employer(
        cast.town, union=cast.grassroots, name="东区财政局", ownership="government"
    )
    clerk = register(cast, resident("41010519800101002"), name="李科员", employer=bureau)
    row = dues_month_set(
        actor=fresh(cast.grassroots_officer),
        member=clerk,
        month=MONTHS[0],
        parts={
            WagePart.POST: D("1000"),
            WagePart.LEVEL: D("800"),
            WagePart.BASIC: D("700"),
            WagePart.SENIORITY: D("9.99"),
            WagePart.ALLOWANCE: D("2000"),
        },
    )
    assert row.unit_kind == UnitKind.GOVERNMENT
    assert row.wage_base == D("2509.99")
    assert row.due == D("12.50")


def test_dues_pay_books_the_receipt_in_the_ledger_with_its_shares(dues_cast):
    from gonghui.core import counters
    from gonghui.core.models import Fund, LedgerEntry
    from gonghui.governance.models import DuesMonth, LevelShare
    from gonghui.governance.services.dues import dues_pay
    from tests.conftest import fresh

    cast, member = dues_cast
    _set(cast, member, MONTHS[0], D("3000"))
    _set(cast, member, MONTHS[1], D("3100"))
    payment = dues_pay(
        actor=fresh(cast.grassroots_officer),
        member=member,
        months=MONTHS[:2],
        method="payroll",
    )
    assert payment.amount == D("30.50")
    assert set(DuesMonth.objects.filter(member=member).values_list("status", flat=True)) == {"paid"}
    fund = Fund.objects.get(org=cast.grassroots, purpose="gov_dues")
    assert fund.balance == D("30.50")  # dues stay with the grassroots union by default
    assert LedgerEntry.objects.filter(fund=fund, direction="in").count() == 1
    shares = LevelShare.objects.filter(kind="dues", receipt_id=payment.pk)
    assert [(s.percent, s.amount) for s in shares] == [(D("100"), D("30.50"))]
    stored = counters.stored()
    path = cast.grassroots.path
    assert stored[(path, "governance.dues.due_fen")] == 3050
    assert stored[(path, "governance.dues.paid_fen")] == 3050
    assert counters.computed()[(path, "governance.dues.paid_fen")] == 3050
    with pytest.raises(ValidationError):
        dues_pay(
            actor=fresh(cast.grassroots_officer), member=member, months=[MONTHS[0]], method="cash"
        )


def test_wage_reveal_needs_reveal_pii_and_is_audited(dues_cast):
    from django.core.exceptions import PermissionDenied

    from gonghui.core.models import AuditEvent
    from gonghui.governance.services.dues import dues_wage_reveal
    from tests.conftest import fresh

    cast, member = dues_cast
    row = _set(cast, member, MONTHS[0], D("3000"))
    with pytest.raises(PermissionDenied):
        dues_wage_reveal(actor=fresh(cast.county_officer), row=row)
    shown = dues_wage_reveal(actor=fresh(cast.grassroots_officer), row=row)
    assert shown["base"] == "3000.00"
    assert AuditEvent.objects.filter(action="governance.dues.wage_revealed").count() == 1


# --- 自动退会 through the service ---------------------------------------------------------------


def _unpaid(cast, member, months):
    for month in months:
        _set(cast, member, month, D("3000"))


def _educate(cast, member, on, outcome="refused"):
    from gonghui.governance.services.dues import dues_education_record
    from tests.conftest import fresh

    return dues_education_record(
        actor=fresh(cast.grassroots_officer),
        member=member,
        educated_on=on,
        outcome=outcome,
        note="谈心谈话",
    )


def _withdraw(cast, member, through, participated=False):
    from gonghui.governance.services.dues import dues_auto_withdraw
    from tests.conftest import fresh

    return dues_auto_withdraw(
        actor=fresh(cast.grassroots_officer),
        member=member,
        through=through,
        participated=participated,
    )


def test_auto_withdrawal_after_six_months_with_its_dated_record(dues_cast):
    from gonghui.members.models import MembershipChange

    cast, member = dues_cast
    _unpaid(cast, member, MONTHS[:6])
    _educate(cast, member, dt.date(2026, 6, 10))
    member = _withdraw(cast, member, MONTHS[5])
    assert member.status == "withdrawn"
    change = MembershipChange.objects.get(member=member, kind="withdrawn")
    assert "视为自动退会" in change.reason
    assert change.occurred_on is not None


def test_auto_withdrawal_refused_at_five_months(dues_cast):
    cast, member = dues_cast
    _unpaid(cast, member, MONTHS[1:6])  # February..June: five months
    _educate(cast, member, dt.date(2026, 6, 10))
    with pytest.raises(ValidationError) as refused:
        _withdraw(cast, member, MONTHS[5])
    assert "不足 6 个月" in str(refused.value)
    member.refresh_from_db()
    assert member.status == "active"


def test_auto_withdrawal_refused_when_a_month_was_paid(dues_cast):
    from gonghui.governance.services.dues import dues_pay
    from tests.conftest import fresh

    cast, member = dues_cast
    _unpaid(cast, member, MONTHS[:6])
    dues_pay(actor=fresh(cast.grassroots_officer), member=member, months=[MONTHS[2]], method="cash")
    _educate(cast, member, dt.date(2026, 6, 10))
    with pytest.raises(ValidationError):
        _withdraw(cast, member, MONTHS[5])


def test_auto_withdrawal_refused_when_the_member_took_part(dues_cast):
    cast, member = dues_cast
    _unpaid(cast, member, MONTHS[:6])
    _educate(cast, member, dt.date(2026, 6, 10))
    with pytest.raises(ValidationError) as refused:
        _withdraw(cast, member, MONTHS[5], participated=True)
    assert "组织生活" in str(refused.value)


def test_auto_withdrawal_refused_without_refusal_after_education(dues_cast):
    cast, member = dues_cast
    _unpaid(cast, member, MONTHS[:6])
    with pytest.raises(ValidationError):
        _withdraw(cast, member, MONTHS[5])  # never educated
    _educate(cast, member, dt.date(2026, 6, 10), outcome="corrected")
    with pytest.raises(ValidationError):
        _withdraw(cast, member, MONTHS[5])  # educated, and corrected
    _educate(cast, member, dt.date(2025, 12, 1))  # a refusal before the streak does not count
    with pytest.raises(ValidationError):
        _withdraw(cast, member, MONTHS[5])


# --- the payroll import --------------------------------------------------------------------------


def test_wage_import_keeps_good_rows_and_reports_bad_ones(dues_cast):
    import io

    import xlsxwriter

    from gonghui.governance.importers import WageImporter
    from gonghui.governance.models import DuesMonth
    from tests.conftest import fresh
    from tests.factories import ZHENGZHOU_1970, resident

    cast, member = dues_cast
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    rows = [
        ["姓名", "公民身份号码", "月份", "工资", "奖金"],
        ["张伟", ZHENGZHOU_1970, "2026-03", "5009.99", "1000"],
        ["张伟", ZHENGZHOU_1970, "2026年4月", "abc", ""],
        ["王五", resident("41010519900101003"), "2026-03", "4000", ""],
    ]
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            sheet.write_string(r, c, value)
    book.close()
    buffer.seek(0)
    result = WageImporter(
        actor=fresh(cast.grassroots_officer),
        org_path=cast.grassroots.path,
        options={"org": cast.grassroots.code},
    ).run(buffer, "wages.xlsx")
    assert (result.imported, result.rejected) == (1, 2)
    row = DuesMonth.objects.get(member=member)
    assert (row.month, row.due) == (dt.date(2026, 3, 1), D("25.00"))
    assert result.problems_path


# --- pages ---------------------------------------------------------------------------------------


def test_dues_pages_mask_the_wage_and_reveal_it_once_audited(dues_cast):
    from django.test import Client

    from gonghui.core.models import AuditEvent

    cast, member = dues_cast
    row = _set(cast, member, MONTHS[0], D("7654.32"))
    client = Client()
    client.force_login(cast.grassroots_officer)
    for url in (
        f"/governance/dues/?month={MONTHS[0]:%Y-%m}",
        f"/governance/dues/member/{member.pk}/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert member.name in body and "38.25" in body  # 7650 × 0.5 %
        assert "7654" not in body and "****" in body
    shown = client.post(f"/governance/dues/{row.pk}/wage/")
    assert "7654.32" in shown.content.decode()
    assert AuditEvent.objects.filter(action="governance.dues.wage_revealed").count() == 1


def test_member_sees_own_dues_and_receipts_on_the_phone(cast):
    from django.test import Client

    from gonghui.governance.services.dues import dues_pay
    from tests.conftest import fresh
    from tests.factories import register

    member = register(cast, account=cast.member)
    _set(cast, member, MONTHS[0], D("3000"))
    payment = dues_pay(
        actor=fresh(cast.grassroots_officer), member=member, months=[MONTHS[0]], method="online"
    )
    client = Client()
    client.force_login(cast.member)
    page = client.get("/m/governance/dues/").content.decode()
    assert "2026-01" in page and "15.00" in page
    receipt = client.get(f"/m/governance/dues/receipt/{payment.pk}/")
    assert receipt.status_code == 200 and payment.receipt_no in receipt.content.decode()


def test_the_stored_reason_never_carries_the_wage():
    found = rules.member_dues(
        unit_kind=UnitKind.ENTERPRISE,
        staff_kind=StaffKind.CADRE,
        parts={WagePart.WAGE: D("7654.32")},
        retained=False,
    )
    assert found.amount == D("38.25")
    assert not any("7654" in r or "7650" in r for r in found.reasons)


def test_a_merged_unions_dues_and_receipts_go_to_the_surviving_union(dues_cast):
    from gonghui.governance.models import DuesMonth, DuesPayment, LevelShare
    from gonghui.governance.services.dues import dues_pay
    from gonghui.orgs.services.orgs import org_merge
    from tests.conftest import fresh
    from tests.factories import make_org, superuser

    cast, member = dues_cast
    _set(cast, member, MONTHS[0], D("3000"))
    payment = dues_pay(
        actor=fresh(cast.grassroots_officer), member=member, months=[MONTHS[0]], method="cash"
    )
    survivor = make_org(cast.town, "grassroots", "东区合并后工会", "EAST-G9")
    org_merge(actor=superuser(), source=cast.grassroots, target=survivor)
    row = DuesMonth.objects.unscoped(reason="test").get(member=member)
    payment = DuesPayment.objects.unscoped(reason="test").get(pk=payment.pk)
    assert (row.union_id, row.org_path) == (survivor.pk, survivor.path)
    assert (payment.union_id, payment.org_path) == (survivor.pk, survivor.path)
    share = LevelShare.objects.unscoped(reason="test").get(receipt_id=payment.pk)
    assert share.org_path == survivor.path
