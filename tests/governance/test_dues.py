"""会费 (DOMAIN.md §2.3): the dues base by unit kind, the tail under 10 yuan, 保留会籍, and the
自动退会 rule (§2.2) on both sides of each of its conditions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

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
