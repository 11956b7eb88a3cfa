"""工会经费 (DOMAIN.md §2.4): 2 % of a payroll, the level split, arrears ageing, 催缴 and 支付令."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.governance import rules

D = Decimal


@pytest.mark.parametrize(
    ("payroll", "due"),
    [
        (D("1000000.00"), D("20000.00")),
        (D("123456.78"), D("2469.14")),  # 2469.1356 → half up to the fen
        (D("0.25"), D("0.01")),  # 0.005 → half up
        (D("0.24"), D("0.00")),
        (D("0"), D("0.00")),
    ],
)
def test_funds_due_is_two_percent_of_a_payroll(payroll, due):
    assert rules.funds_due(payroll) == due


def test_funds_due_refuses_a_negative_payroll():
    with pytest.raises(ValueError):
        rules.funds_due(D("-0.01"))


def test_level_split_keeps_the_leftover_fen_with_the_union():
    shares = rules.level_split(
        D("100.01"), [("grassroots", D("60")), ("county", D("25")), ("acftu", D("15"))]
    )
    by_level = {s.level: s.amount for s in shares}
    assert by_level == {"grassroots": D("60.01"), "county": D("25.00"), "acftu": D("15.00")}
    assert sum(by_level.values()) == D("100.01")


def test_level_split_refuses_percentages_not_adding_to_100():
    with pytest.raises(ValueError):
        rules.level_split(D("10"), [("grassroots", D("60")), ("county", D("30"))])


def test_funds_due_date_is_fifteen_days_after_the_month():
    assert rules.funds_due_date(dt.date(2026, 1, 1)) == dt.date(2026, 2, 15)
    assert rules.funds_due_date(dt.date(2026, 12, 1)) == dt.date(2027, 1, 15)


@pytest.mark.parametrize(
    ("days", "band"), [(0, ""), (1, "0-3"), (90, "0-3"), (91, "3-6"), (365, "6-12"), (366, "12+")]
)
def test_ageing_band_by_days_overdue(days, band):
    due = dt.date(2026, 1, 15)
    assert rules.ageing_band(due, due + dt.timedelta(days=days)) == band


def test_arrears_action_reminder_then_payment_order_past_the_period():
    due = dt.date(2026, 1, 15)
    on_time = rules.arrears_action(due_on=due, today=due, outstanding=D("5"), order_after_days=90)
    assert not on_time.reminder
    late = rules.arrears_action(
        due_on=due, today=due + dt.timedelta(days=90), outstanding=D("5"), order_after_days=90
    )
    assert late.reminder and not late.payment_order
    later = rules.arrears_action(
        due_on=due, today=due + dt.timedelta(days=91), outstanding=D("5"), order_after_days=90
    )
    assert later.payment_order and "第四十四条" in later.reasons[-1]
    paid = rules.arrears_action(
        due_on=due, today=due + dt.timedelta(days=200), outstanding=D("0"), order_after_days=90
    )
    assert not paid.reminder


def test_collection_rate():
    assert rules.collection_rate(D("1"), D("3")) == D("33.3")
    assert rules.collection_rate(D("5"), D("0")) is None
