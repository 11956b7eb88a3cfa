"""工会经费 (DOMAIN.md §2.4): 2 % of a payroll, the level split, arrears ageing, 催缴 and 支付令."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

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


# --- services (database) -------------------------------------------------------------------------


def _months_ago(n: int) -> dt.date:
    from django.utils import timezone

    month = timezone.localdate().replace(day=1)
    for _i in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def _payroll(cast, month, total):
    from gonghui.governance.services.funds import funds_month_set
    from tests.conftest import fresh

    return funds_month_set(
        actor=fresh(cast.grassroots_officer),
        employer=cast.employer,
        month=month,
        payroll_total=total,
    )


def test_funds_month_is_two_percent_of_the_payroll(cast):
    row = _payroll(cast, _months_ago(1), "1234567.89")
    assert row.due == D("24691.36")
    assert row.org_path == cast.grassroots.path
    assert row.due_on == rules.funds_due_date(row.month)
    again = _payroll(cast, _months_ago(1), "1000000")  # a correction keeps one row
    assert again.pk == row.pk and again.due == D("20000.00")


def test_funds_month_refused_for_an_employer_without_union(cast):
    from gonghui.governance.services.funds import funds_month_set
    from tests.conftest import fresh

    with pytest.raises(ValidationError):
        funds_month_set(
            actor=fresh(cast.grassroots_officer),
            employer=cast.unorganized_employer,
            month=_months_ago(1),
            payroll_total="1000",
        )


def test_funds_receipt_is_split_between_levels_through_the_ledger(cast):
    from gonghui.core.models import Fund, LedgerEntry
    from gonghui.governance.models import LevelShare
    from gonghui.governance.services.funds import funds_receive
    from tests.conftest import fresh

    row = _payroll(cast, _months_ago(1), "500000")  # 10 000 due
    receipt = funds_receive(
        actor=fresh(cast.grassroots_officer), month=row, amount="10000.00", channel="tax"
    )
    row.refresh_from_db()
    assert row.received == D("10000.00") and row.outstanding == 0
    fund = Fund.objects.get(org=cast.grassroots, purpose="gov_funds")
    assert fund.balance == D("6000.00")  # 60 % 留成 by the built-in default
    out = LedgerEntry.objects.get(fund=fund, direction="out")
    share = LevelShare.objects.get(kind="funds", receipt_id=receipt.pk, level="上级工会")
    assert (out.amount, out.ref_model, out.ref_id) == (
        D("4000.00"),
        "governance.LevelShare",
        share.pk,
    )
    with pytest.raises(ValidationError):  # nothing left to receive
        funds_receive(actor=fresh(cast.grassroots_officer), month=row, amount="1", channel="tax")


def test_a_provinces_split_rule_applies_to_its_subtree(cast):
    from gonghui.governance.models import LevelShare, SplitRule
    from gonghui.governance.services.funds import funds_receive
    from tests.conftest import fresh

    SplitRule.objects.create(
        org=cast.province,
        org_path=cast.province.path,
        kind="funds",
        shares=[["基层工会", 60], ["县级工会", 25], ["省总工会", 10], ["全国总工会", 5]],
        note="测试省分成办法",
    )
    row = _payroll(cast, _months_ago(1), "10000.50")  # 200.01 due
    receipt = funds_receive(
        actor=fresh(cast.grassroots_officer), month=row, amount=row.due, channel="direct"
    )
    shares = {
        s.level: s.amount for s in LevelShare.objects.filter(kind="funds", receipt_id=receipt.pk)
    }
    assert shares == {
        "基层工会": D("120.01"),  # the fen left over by rounding down stay with the union
        "县级工会": D("50.00"),
        "省总工会": D("20.00"),
        "全国总工会": D("10.00"),
    }
    assert sum(shares.values()) == D("200.01")


def test_reminder_for_overdue_months_and_the_payment_order_hint(cast):
    from gonghui.governance.services.funds import funds_reminder_issue
    from tests.conftest import fresh

    officer = fresh(cast.grassroots_officer)
    with pytest.raises(ValidationError):
        funds_reminder_issue(actor=officer, employer=cast.employer)  # nothing owed
    recent = _payroll(cast, _months_ago(1), "100000")
    current = _payroll(cast, _months_ago(0), "100000")  # not yet due
    reminder = None
    if recent.due_on < dt.date.today():
        reminder = funds_reminder_issue(actor=officer, employer=cast.employer)
        assert reminder.months == [f"{recent.month:%Y-%m}"]
        assert not reminder.payment_order_hint  # at most ~45 days late
    _payroll(cast, _months_ago(6), "100000")  # months past the 90-day period
    late = funds_reminder_issue(actor=officer, employer=cast.employer)
    assert late.payment_order_hint
    assert f"{current.month:%Y-%m}" not in late.months
    assert late.outstanding == D("2000.00") * len(late.months)


def test_funds_counters_follow_receipts(cast):
    from gonghui.core import counters
    from gonghui.governance.services.funds import funds_receive
    from tests.conftest import fresh

    row = _payroll(cast, _months_ago(2), "100000")
    funds_receive(actor=fresh(cast.grassroots_officer), month=row, amount="500", channel="tax")
    key = (cast.grassroots.path, "governance.funds.received_fen")
    assert counters.stored()[key] == 50000 == counters.computed()[key]
    assert counters.stored()[(cast.grassroots.path, "governance.funds.due_fen")] == 200000


def test_demo_has_three_months_of_dues_with_arrears_and_employers_owing_funds(db):
    from django.utils import timezone

    from gonghui.demo.generator import seed_demo
    from gonghui.governance.models import DuesMonth, DuesPayment, FundsMonth, FundsReminder
    from gonghui.governance.services.funds import overdue_months

    seed_demo(size="small", seed=2026)
    dues = DuesMonth.objects.unscoped(reason="test")
    assert dues.values("month").distinct().count() == 3
    assert dues.filter(status="due").count() == 6  # three members owe their last two months
    assert DuesPayment.objects.unscoped(reason="test").filter(member__account__username="member01")
    months = FundsMonth.objects.unscoped(reason="test").select_related("employer")
    owing = {m.employer for m in months if m.outstanding > 0}
    assert len(owing) == 2
    reminder = FundsReminder.objects.unscoped(reason="test").get()
    assert reminder.payment_order_hint
    assert overdue_months(reminder.employer, timezone.localdate())


def test_stats_show_dues_and_funds_collection_rates_per_subtree(cast):
    from gonghui.governance.services.dues import dues_month_set, dues_pay
    from gonghui.governance.services.funds import funds_receive
    from gonghui.stats.selectors import stats_for
    from tests.conftest import fresh
    from tests.factories import register, superuser

    officer = fresh(cast.grassroots_officer)
    member = register(cast)
    month = _months_ago(1)
    dues_month_set(actor=officer, member=member, month=month, parts={"wage": "3000"})
    dues_month_set(actor=officer, member=member, month=_months_ago(2), parts={"wage": "3000"})
    dues_pay(actor=officer, member=member, months=[month], method="cash")
    row = _payroll(cast, month, "100000")  # 2000 due
    funds_receive(actor=officer, month=row, amount="1500", channel="tax")
    figures = stats_for(viewer=superuser(), code="EAST")["figures"]
    assert figures["dues_due"] == D("30") and figures["dues_collected"] == D("15")
    assert str(figures["dues_collection_rate"]) == "50.0"
    assert (figures["funds_due"], figures["funds_received"]) == (D("2000"), D("1500"))
    assert str(figures["funds_collection_rate"]) == "75.0"
    sibling = stats_for(viewer=superuser(), code="WEST")["figures"]
    assert sibling["funds_collection_rate"] is None
