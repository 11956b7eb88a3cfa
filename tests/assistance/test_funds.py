"""Funds: the ledger never goes negative (even with concurrent payments on PostgreSQL); the same
household helped twice in one campaign across levels is caught before payment; budgets allotted
down the tree; 金秋助学 amounts by stage × 建档; the civil-affairs list matched by blind index."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.assistance.models import HardshipCase
from gonghui.assistance.models.funds import CivilListEntry, RecordStatus, StudentStatus
from gonghui.assistance.services import campaigns, funds
from gonghui.assistance.services import cases as services
from gonghui.core import ledger
from gonghui.core.models import Fund
from gonghui.core.models import LedgerEntry as FundEntry
from gonghui.core.workflow import history_of
from gonghui.orgs.models import OrgKind
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import CHILD_ID, HEAD_ID, apply, archive, chair, resident


def funded(org: object, officer: object, amount: str) -> Fund:
    fund = ledger.fund_create(actor=fresh(officer), org=org, name="帮扶专项资金", purpose="special")
    ledger.fund_deposit(actor=fresh(officer), fund=fund, amount=amount, memo="年度预算")
    fund.refresh_from_db()
    return fund


def test_payment_debits_the_ledger_and_refuses_overdraft(cast: Cast) -> None:
    boss = chair(cast.county, "east_chair")
    fund = funded(cast.county, boss, "1000")
    case = archive(cast, apply(cast), boss)
    first = funds.record_create(actor=fresh(boss), fund=fund, kind="cash", amount="800", case=case)
    funds.record_pay(actor=fresh(boss), record=first)
    second = funds.record_create(actor=fresh(boss), fund=fund, kind="cash", amount="300", case=case)
    with pytest.raises(ValidationError):
        funds.record_pay(actor=fresh(boss), record=second)
    fund.refresh_from_db()
    assert fund.balance == Decimal("200.00")
    assert list(FundEntry.objects.filter(fund=fund).values_list("direction", "balance_after")) == [
        ("in", Decimal("1000.00")),
        ("out", Decimal("200.00")),
    ]


def test_payment_and_cancelling_are_declared_moves_with_their_trail(cast: Cast) -> None:
    """发放 and 取消 run through core.workflow: one history row each, the balance after the
    debit kept; a paid record can be neither paid again nor cancelled, and the refusal writes
    nothing."""
    boss = chair(cast.county, "east_chair")
    fund = funded(cast.county, boss, "1000")
    case = archive(cast, apply(cast), boss)
    paid = funds.record_create(actor=fresh(boss), fund=fund, kind="cash", amount="800", case=case)
    paid = funds.record_pay(actor=fresh(boss), record=paid)
    step = history_of(paid).get()
    assert (step.transition, step.from_state, step.to_state) == ("pay", "pending", "paid")
    assert step.data == {"amount": "800.00", "balance": "200.00"}
    with pytest.raises(ValidationError, match="不能办理此项"):
        funds.record_pay(actor=fresh(boss), record=paid)
    with pytest.raises(ValidationError, match="不能办理此项"):
        funds.record_cancel(actor=fresh(boss), record=paid, reason="误登")
    assert history_of(paid).count() == 1
    dropped = funds.record_create(actor=fresh(boss), fund=fund, kind="cash", amount="50", case=case)
    dropped = funds.record_cancel(actor=fresh(boss), record=dropped, reason="重复登记")
    assert dropped.status == RecordStatus.CANCELLED
    step = history_of(dropped).get()
    assert (step.transition, step.to_state, step.reason) == ("cancel", "cancelled", "重复登记")
    fund.refresh_from_db()
    assert fund.balance == Decimal("200.00")


def test_duplicate_payment_across_levels_is_caught(cast: Cast) -> None:
    """The city and the county both register the same household (or a member of it) for the
    same 送温暖: the second record is flagged and cannot be paid until checked."""
    city_boss, county_boss = chair(cast.city, "city_chair"), chair(cast.county, "east_chair")
    city_fund = funded(cast.city, city_boss, "10000")
    county_fund = funded(cast.county, county_boss, "10000")
    case = archive(cast, apply(cast), county_boss)
    services.person_add(
        actor=fresh(cast.grassroots_officer),
        case=case,
        name="子女",
        relation="child",
        id_number=CHILD_ID,
    )
    warmth = campaigns.campaign_create(
        actor=fresh(city_boss),
        org=cast.city,
        kind="warmth",
        name="2026年送温暖",
        year=2026,
        budget="5000",
    )
    campaigns.allot(actor=fresh(city_boss), campaign=warmth, to_org=cast.county, amount="2000")
    by_city = funds.record_create(
        actor=fresh(city_boss),
        fund=city_fund,
        kind="cash",
        amount="800",
        case=case,
        campaign=warmth,
    )
    funds.record_pay(actor=fresh(city_boss), record=by_city)
    by_county = funds.record_create(
        actor=fresh(county_boss),
        fund=county_fund,
        kind="cash",
        amount="800",
        case=case,
        campaign=warmth,
    )
    assert by_county.flagged and by_county.duplicate_of == by_city
    with pytest.raises(ValidationError, match="重复帮扶"):
        funds.record_pay(actor=fresh(county_boss), record=by_county)
    county_fund.refresh_from_db()
    assert county_fund.balance == Decimal("10000.00")
    # The same child as a 金秋助学-style extra key in another record of the campaign is caught too.
    other = apply(cast, number=resident("41010519800202003"), name="另一户")
    by_key = funds.record_create(
        actor=fresh(county_boss),
        fund=county_fund,
        kind="goods",
        amount="100",
        case=other,
        campaign=warmth,
        extra_keys=[services.id_index(CHILD_ID)],
    )
    assert by_key.duplicate_of == by_city


def test_allotment_never_exceeds_what_the_parent_has(cast: Cast) -> None:
    city_boss, county_boss = chair(cast.city, "city_chair"), chair(cast.county, "east_chair")
    warmth = campaigns.campaign_create(
        actor=fresh(city_boss),
        org=cast.city,
        kind="warmth",
        name="送温暖",
        year=2026,
        budget="3000",
    )
    campaigns.allot(actor=fresh(city_boss), campaign=warmth, to_org=cast.county, amount="2000")
    with pytest.raises(ValidationError):
        campaigns.allot(
            actor=fresh(city_boss), campaign=warmth, to_org=cast.sibling_county, amount="1500"
        )
    campaigns.allot(actor=fresh(county_boss), campaign=warmth, to_org=cast.town, amount="2000")
    with pytest.raises(ValidationError):
        campaigns.allot(actor=fresh(county_boss), campaign=warmth, to_org=cast.town, amount="1")
    with pytest.raises(ValidationError):  # the town holds 2000: no more for its union
        campaigns.allot(
            actor=fresh(county_boss), campaign=warmth, to_org=cast.grassroots, amount="2000.01"
        )
    with pytest.raises(ValidationError):  # the sibling's union: its county holds nothing
        campaigns.allot(
            actor=fresh(city_boss), campaign=warmth, to_org=cast.sibling_grassroots, amount="1"
        )


def test_student_aid_amounts_by_stage_and_archive_status(cast: Cast) -> None:
    boss = chair(cast.county, "east_chair")
    grass = fresh(cast.grassroots_officer)
    case = archive(cast, apply(cast), boss)
    aid = campaigns.campaign_create(
        actor=fresh(boss),
        org=cast.county,
        kind="student",
        name="金秋助学",
        year=2026,
        budget="100000",
    )
    common = {
        "actor": grass,
        "campaign": aid,
        "org": cast.grassroots,
        "parent_name": "家长",
        "school": "郑州大学",
        "tuition": "5000",
    }
    higher_archived = campaigns.student_apply(
        student_name="甲", student_id=CHILD_ID, stage="higher", case=case, **common
    )
    senior_other = campaigns.student_apply(
        student_name="乙", student_id=resident("41010520080808004"), stage="senior", **common
    )
    excluded = campaigns.student_apply(
        student_name="丙",
        student_id=resident("41010520060606005"),
        stage="higher",
        exclusion="military",
        **common,
    )
    assert higher_archived.amount == Decimal(5000) and senior_other.amount == Decimal(2000)
    assert excluded.status == StudentStatus.EXCLUDED and excluded.amount == 0
    fund = funded(cast.county, boss, "8000")
    paid = campaigns.student_pay(actor=fresh(boss), application=higher_archived, fund=fund)
    assert paid.status == StudentStatus.PAID
    assert paid.record is not None and paid.record.status == RecordStatus.PAID


def test_civil_list_matched_by_blind_index_without_raw_ids(cast: Cast) -> None:
    boss = chair(cast.county, "east_chair")
    on_list = archive(cast, apply(cast), boss)
    archive(cast, apply(cast, number=resident("41010519800202003"), name="不在名单"), boss)
    content = f"姓名,身份证号码\n某甲,{HEAD_ID}\n某乙,{resident('41010519900303004')}\n坏行,123\n"
    civil = campaigns.civil_list_import(
        actor=fresh(cast.grassroots_officer),
        org=cast.grassroots,
        kind="dibao",
        fileobj=io.BytesIO(content.encode()),
        filename="低保名单.csv",
    )
    assert (civil.row_count, civil.bad_rows) == (2, 1)
    stored = list(CivilListEntry.objects.values_list("index", flat=True))
    assert HEAD_ID not in "".join(stored)
    report = campaigns.civil_match(viewer=fresh(cast.grassroots_officer), civil=civil)
    assert [c.pk for c in report["matched"]] == [on_list.pk]
    assert len(report["unmatched"]) == 1 and report["list_only"] == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_payments_never_overdraw_the_fund() -> None:
    """Two officers pay 600 each from a fund of 1000 at the same moment: one is refused."""
    province = factories.make_org(None, OrgKind.PROVINCE, code="FP")
    county = factories.make_org(province, OrgKind.COUNTY, code="FP-C")
    union = factories.make_org(county, OrgKind.GRASSROOTS, code="FP-G")
    boss = factories.make_officer(county, "chair", "fp_chair")
    clerk = factories.make_officer(union, "chair", "fp_grass")
    case = services.case_create(
        actor=fresh(clerk),
        org=union,
        name="并发户",
        id_number=HEAD_ID,
        household_size=4,
        annual_income="36000",
        rigid_medical="6000",
        consent_purpose="建档",
    )
    HardshipCase.objects.filter(pk=case.pk).update(
        status="archived"
    )  # the workflow is tested apart
    case.refresh_from_db()
    fund = funded(county, boss, "1000")
    records = [
        funds.record_create(actor=fresh(boss), fund=fund, kind="cash", amount="600", case=case)
        for _ in range(2)
    ]
    calls = [
        lambda r=r: funds.record_pay(actor=fresh(boss), record=r)  # type: ignore[arg-type]
        for r in records
    ]
    assert factories.at_once(calls, ValidationError) == ["refused", "won"]
    fund.refresh_from_db()
    assert fund.balance == Decimal("400.00")
    assert FundEntry.objects.filter(fund=fund, direction="out").count() == 1


def test_warmth_visit_without_archive_is_cross_checked_by_id_only(cast: Cast) -> None:
    """A front-line worker visited by the city and again by the county in one 送温暖."""
    city_boss, county_boss = chair(cast.city, "city_chair"), chair(cast.county, "east_chair")
    city_fund = funded(cast.city, city_boss, "1000")
    county_fund = funded(cast.county, county_boss, "1000")
    warmth = campaigns.campaign_create(
        actor=fresh(city_boss), org=cast.city, kind="warmth", name="送温暖", year=2026, budget="900"
    )
    campaigns.allot(actor=fresh(city_boss), campaign=warmth, to_org=cast.county, amount="400")
    worker = resident("41010519880808018")
    common = {
        "kind": "cash",
        "amount": "300",
        "campaign": warmth,
        "recipient_name": "环卫工",
        "recipient_id": worker,
        "group": "frontline",
    }
    first = funds.record_create(actor=fresh(city_boss), fund=city_fund, **common)  # type: ignore[arg-type]
    second = funds.record_create(actor=fresh(county_boss), fund=county_fund, **common)  # type: ignore[arg-type]
    assert not first.flagged and second.duplicate_of == first
    assert worker not in str(list(first.keys.values_list("index", flat=True)))
    funds.record_pay(actor=fresh(city_boss), record=first)
    with pytest.raises(ValidationError):
        funds.record_pay(actor=fresh(county_boss), record=second)
    funds.record_clear_duplicate(actor=fresh(county_boss), record=second, reason="同名不同人")
    with pytest.raises(ValidationError):  # still: the county holds 400 of the budget, 300 left
        other = funds.record_create(
            actor=fresh(county_boss),
            fund=county_fund,
            kind="cash",
            amount="500",
            campaign=warmth,
            recipient_name="另一人",
        )
        funds.record_pay(actor=fresh(county_boss), record=other)
    funds.record_pay(actor=fresh(county_boss), record=second)
