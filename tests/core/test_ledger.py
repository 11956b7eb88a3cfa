"""The one money ledger in core (issue 17.7, ADR 0022): funds of any registered purpose, never
overdrawn (also with concurrent debits on PostgreSQL), a payment reversed once, the bank file and
the 签领表 made from every registered payee, and no fund of an unregistered purpose."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from gonghui.assistance.models.funds import FundKind
from gonghui.assistance.services import funds
from gonghui.core import ledger
from gonghui.core.audit import AuditEvent
from gonghui.core.ledger import PaymentLine
from gonghui.core.models import Fund, LedgerEntry
from gonghui.orgs.models import OrgKind
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import apply, archive, chair


def funded(org: object, officer: object, amount: str, purpose: str = "special") -> Fund:
    fund = ledger.fund_create(actor=fresh(officer), org=org, name="专项资金", purpose=purpose)
    ledger.fund_deposit(actor=fresh(officer), fund=fund, amount=amount, memo="年度预算")
    fund.refresh_from_db()
    return fund


def test_the_fund_forms_offer_the_registered_purposes() -> None:
    from gonghui.assistance.forms import FundForm

    assert [code for code, _ in ledger.purpose_choices("assistance")] == FundKind.values
    field = FundForm().fields["purpose"]
    assert [code for code, _ in field.choices] == FundKind.values  # type: ignore[attr-defined]
    assert ledger.purpose_label("campaign") == "送温暖资金"


def test_fund_create_refuses_a_purpose_nobody_registered(cast: Cast) -> None:
    boss = chair(cast.county, "east_chair")
    with pytest.raises(ValidationError) as error:
        ledger.fund_create(actor=fresh(boss), org=cast.county, name="无名资金", purpose="nope")
    assert "purpose" in error.value.message_dict
    assert not Fund.objects.unscoped(reason="test").exists()


def test_fund_debit_refuses_overdraft_and_names_what_it_pays(cast: Cast) -> None:
    boss = chair(cast.county, "east_chair")
    fund = funded(cast.county, boss, "100")
    paid = cast.grassroots  # any row can be the reference: core knows it by label and id
    entry = ledger.fund_debit(
        fund=fund, amount="60", memo="慰问", actor=fresh(boss), reference=paid
    )
    assert (entry.ref_model, entry.ref_id, entry.balance_after) == ("orgs.Org", paid.pk, 40)
    with pytest.raises(ValidationError, match="不足以支付"):
        ledger.fund_debit(fund=fund, amount="50", memo="慰问", actor=fresh(boss), reference=paid)
    fund.refresh_from_db()
    assert fund.balance == Decimal("40.00")
    assert list(fund.entries.values_list("direction", "balance_after", "ref_model")) == [
        ("in", Decimal("100.00"), ""),
        ("out", Decimal("40.00"), "orgs.Org"),
    ]


def test_fund_debit_needs_the_purposes_capability_at_the_fund(cast: Cast) -> None:
    fund = funded(cast.county, chair(cast.county, "east_chair"), "100")
    with pytest.raises(PermissionDenied):
        ledger.fund_debit(
            fund=fund, amount="10", memo="x", actor=fresh(cast.sibling_officer), reference=None
        )
    fund.refresh_from_db()
    assert fund.balance == Decimal("100.00")


def test_fund_refund_takes_a_payment_back_once(cast: Cast) -> None:
    boss = chair(cast.county, "east_chair")
    fund = funded(cast.county, boss, "100")
    paid = ledger.fund_debit(
        fund=fund, amount="30", memo="慰问", actor=fresh(boss), reference=cast.grassroots
    )
    back = ledger.fund_refund(actor=fresh(boss), entry=paid, memo="退回")
    assert (back.direction, back.amount, back.balance_after) == ("in", 30, 100)
    assert (back.ref_model, back.ref_id, back.reverses_id) == (
        "orgs.Org",
        cast.grassroots.pk,
        paid.pk,
    )
    with pytest.raises(ValidationError, match="已冲回"):
        ledger.fund_refund(actor=fresh(boss), entry=paid, memo="再退")
    with pytest.raises(ValidationError, match="只能冲回支出"):
        ledger.fund_refund(actor=fresh(boss), entry=back, memo="退")
    fund.refresh_from_db()
    assert fund.balance == Decimal("100.00")
    assert AuditEvent.objects.filter(action="assistance.fund.refunded").count() == 1


def _other_module_lines(fund: Fund) -> Iterator[PaymentLine]:
    yield PaymentLine(
        ref_id=7,
        name="劳模甲",
        amount=Decimal("300"),
        what="劳模慰问",
        bank_name="农业银行",
        bank_account="6228000011112222",
        org_name="某工会",
    )


def test_bank_file_and_sign_sheet_take_every_registered_payee(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module other than assistance registers how its payments appear: its rows join the
    bank file and the 签领表 of the fund, beside assistance's records."""
    monkeypatch.setitem(
        ledger._payees,
        "honours.Care",
        ledger.Payee(
            "honours.Care", _other_module_lines, lambda fund, year: _other_module_lines(fund)
        ),
    )
    boss = chair(cast.county, "east_chair")
    fund = funded(cast.county, boss, "1000")
    case = archive(cast, apply(cast), boss)
    funds.record_create(actor=fresh(boss), fund=fund, kind="cash", amount="200", case=case)
    rows = ledger.bank_file_rows(actor=fresh(boss), fund=fund)
    assert [(r[1], r[4]) for r in rows] == [(case.name, "200.00"), ("劳模甲", "300.00")]
    assert rows[1][2:4] == ["农业银行", "6228000011112222"]
    assert AuditEvent.objects.filter(action="assistance.fund.bank_file").count() == 1
    lines = ledger.sign_sheet_rows(viewer=fresh(boss), fund=fund, year=2026)
    assert "劳模甲" in [line.name for line in lines]
    with pytest.raises(PermissionDenied):
        ledger.sign_sheet_rows(viewer=fresh(cast.sibling_officer), fund=fund, year=2026)


def test_the_sign_sheet_page_lists_the_funds_records(cast: Cast) -> None:
    from django.test import Client

    boss = chair(cast.county, "east_chair")
    fund = funded(cast.county, boss, "1000")
    case = archive(cast, apply(cast), boss)
    funds.record_create(actor=fresh(boss), fund=fund, kind="cash", amount="200", case=case)
    client = Client()
    client.force_login(boss)
    page = client.get(reverse("assistance:sign_sheet", kwargs={"pk": fund.pk})).content.decode()
    assert "年度帮扶签领表" in page and case.name in page and "200.00" in page
    assert case.masked_id_number in page and "资金帮扶" in page


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_debits_never_overdraw_the_fund() -> None:
    """Two modules' payments of 600 each from a fund of 1000 at the same moment: one is refused."""
    province = factories.make_org(None, OrgKind.PROVINCE, code="LP")
    county = factories.make_org(province, OrgKind.COUNTY, code="LP-C")
    boss = factories.make_officer(county, "chair", "lp_chair")
    fund = funded(county, boss, "1000")
    calls = [
        lambda: ledger.fund_debit(
            fund=fund, amount="600", memo="支出", actor=fresh(boss), reference=county
        )
        for _ in range(2)
    ]
    assert factories.at_once(calls, ValidationError) == ["refused", "won"]  # type: ignore[arg-type]
    fund.refresh_from_db()
    assert fund.balance == Decimal("400.00")
    assert (
        LedgerEntry.objects.unscoped(reason="test").filter(fund=fund, direction="out").count() == 1
    )


def test_the_fund_page_creates_a_fund_of_a_registered_purpose_only(cast: Cast) -> None:
    from django.test import Client

    boss = chair(cast.county, "east_chair")
    client = Client()
    client.force_login(boss)
    url = reverse("assistance:funds")
    client.post(url, {"name": "爱心资金", "purpose": "nope"})
    assert not Fund.objects.unscoped(reason="test").exists()
    client.post(url, {"name": "爱心资金", "purpose": "donation"})
    fund = Fund.objects.unscoped(reason="test").get()
    assert (fund.purpose, fund.org_id, fund.org_path) == (
        "donation",
        cast.county.pk,
        cast.county.path,
    )
    assert "社会捐赠" in client.get(url).content.decode()  # the purpose's label in the list
