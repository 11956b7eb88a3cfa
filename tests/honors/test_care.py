"""Care (关心关爱): allowance by level from a province's table, the months it is owed, and the
ranges of the pension supplement and the 困难劳模 help."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from gonghui.core import ledger
from gonghui.core.models import LedgerEntry
from gonghui.core.scoping import unscoped
from gonghui.honors import rules
from gonghui.honors.models import (
    CARE_FUND,
    AllowancePayable,
    Honour,
    PayableStatus,
    RevocationCause,
)
from gonghui.honors.services import care, revocations
from gonghui.orgs.models import OrgKind
from tests import factories
from tests.conftest import Cast
from tests.factories import fresh
from tests.honors.aftercare_helpers import (
    care_fund,
    city_chair,
    holder,
    jiangsu_rates,
    province_chair,
    province_model_type,
)

D = dt.date
JIANGSU = {"national": Decimal("100"), "provincial": Decimal("80"), "municipal": Decimal("60")}


def test_allowance_by_level_from_the_province_table() -> None:
    assert rules.allowance_amount("national", JIANGSU).code == "100.00"
    assert rules.allowance_amount("municipal", JIANGSU).code == "60.00"
    assert rules.allowance_amount("county", JIANGSU).code == ""


def test_allowance_months_start_after_conferral_and_stop_after_the_decision() -> None:
    conferred = D(2025, 4, 28)
    assert (
        rules.allowance_due(month=D(2025, 4, 1), conferred_on=conferred, stop_month=None).code == ""
    )
    assert (
        rules.allowance_due(month=D(2025, 5, 1), conferred_on=conferred, stop_month=None).code
        == "due"
    )
    stop = rules.allowance_stop_month(D(2026, 3, 17))
    assert stop == D(2026, 4, 1)
    assert rules.allowance_due(month=D(2026, 3, 1), conferred_on=conferred, stop_month=stop).code
    refused = rules.allowance_due(month=D(2026, 4, 1), conferred_on=conferred, stop_month=stop)
    assert refused.code == "" and "2026-04" in refused.reasons[0]
    assert rules.allowance_stop_month(D(2026, 12, 31)) == D(2027, 1, 1)


def test_pension_supplement_and_hardship_help_ranges() -> None:
    assert rules.in_range(Decimal("5"), rules.PENSION_SUPPLEMENT_RANGE)
    assert rules.in_range(Decimal("15"), rules.PENSION_SUPPLEMENT_RANGE)
    assert not rules.in_range(Decimal("15.5"), rules.PENSION_SUPPLEMENT_RANGE)
    assert not rules.in_range(Decimal("499"), rules.HARDSHIP_HELP_RANGE)


# --- care on the database --------------------------------------------------------------------


def _month(offset: int) -> dt.date:
    first = timezone.localdate().replace(day=1)
    for _i in range(offset):
        first = rules.next_month(first)
    return first


@pytest.mark.django_db
def test_allowances_generated_once_per_holder_per_month_by_level(cast: Cast) -> None:
    jiangsu_rates(cast)
    fund = care_fund(cast, "1000")
    provincial = holder(cast, "省劳模", conferred_on=dt.date(2024, 4, 28))
    national_type = province_model_type()
    national_type.pk = None
    national_type.code, national_type.level, national_type.allowance_key = (
        "test-national-model",
        "national",
        "national",
    )
    national_type.save()
    national = holder(cast, "全国劳模", award_type=national_type)
    county_type = province_model_type()
    county_type.pk, county_type.code, county_type.allowance_key = None, "test-county", "county"
    county_type.save()
    holder(cast, "县劳模", award_type=county_type)  # no rate for its level: nothing owed
    holder(cast, "新劳模", conferred_on=timezone.localdate())  # from next month on

    month = _month(0)
    assert care.allowances_generate(month=month) == 2
    assert care.allowances_generate(month=month) == 0  # idempotent
    rows = AllowancePayable.objects.unscoped(reason="test").filter(month=month)
    assert {(r.honour_id, r.amount) for r in rows} == {
        (provincial.pk, Decimal("80.00")),
        (national.pk, Decimal("100.00")),
    }
    assert {r.fund_id for r in rows} == {fund.pk}


@pytest.mark.django_db
def test_a_revoked_holder_s_allowance_stops_the_next_month(cast: Cast) -> None:
    """Payables of the decision month stay payable; those from the next month are cancelled
    and no new ones are generated."""
    jiangsu_rates(cast)
    fund = care_fund(cast, "1000")
    honour = holder(cast)
    this_month, next_month = _month(0), _month(1)
    care.allowances_generate(month=this_month)
    care.allowances_generate(month=next_month)  # generated ahead, still pending

    grass, boss = fresh(cast.grassroots_officer), province_chair(cast)
    cause = RevocationCause.objects.get(code="criminal")
    proposal = revocations.revocation_propose(
        actor=grass, honour=honour, cause=cause, facts="因犯罪被判处有期徒刑"
    )
    proposal = revocations.revocation_review(
        actor=city_chair(cast), revocation=proposal, opinion="属实"
    )
    revocations.revocation_decide(actor=boss, revocation=proposal, decision_no="省总〔2026〕1号")

    payables = AllowancePayable.objects.unscoped(reason="test").filter(honour=honour)
    assert {p.month: p.status for p in payables} == {
        this_month: PayableStatus.PENDING,
        next_month: PayableStatus.CANCELLED,
    }
    assert care.allowances_generate(month=_month(2)) == 0
    # The decision month is still paid; a cancelled month cannot be paid.
    care.allowance_pay(actor=boss, payable=payables.get(month=this_month), fund=fund)
    with pytest.raises(ValidationError, match="已停发"):
        care.allowance_pay(actor=boss, payable=payables.get(month=next_month), fund=fund)
    fund.refresh_from_db()
    assert fund.balance == Decimal("920.00")


@pytest.mark.django_db
def test_paying_a_month_stops_when_the_fund_runs_out_and_the_bank_file_lists_the_rest(
    cast: Cast,
) -> None:
    jiangsu_rates(cast)
    fund = care_fund(cast, "200")
    boss = province_chair(cast)
    for name in ("甲", "乙", "丙"):
        h = holder(cast, name)
        care.care_profile_save(
            actor=fresh(cast.grassroots_officer),
            honour=h,
            bank_name="工商银行",
            bank_account="6222020200112233" + str(len(name)),
        )
    month = _month(0)
    assert care.allowances_generate(month=month) == 3
    assert care.allowances_pay_month(actor=boss, fund=fund, month=month) == (2, 1)
    fund.refresh_from_db()
    assert fund.balance == Decimal("40.00")
    rows = ledger.bank_file_rows(actor=boss, fund=fund)
    assert len(rows) == 1 and rows[0][2] == "工商银行" and rows[0][4] == "80.00"
    with pytest.raises(PermissionDenied):
        care.allowances_pay_month(actor=fresh(cast.grassroots_officer), fund=fund, month=month)


@pytest.mark.django_db
def test_care_records_hardship_help_once_a_year_from_the_fund(cast: Cast) -> None:
    fund = care_fund(cast, "3000")
    grass = fresh(cast.grassroots_officer)
    honour = holder(cast, in_hardship=True)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="500 至 2000"):
        care.care_record_add(
            actor=grass, honour=honour, kind="hardship", on=today, amount="300", fund=fund
        )
    with pytest.raises(PermissionDenied):  # a grassroots union does not manage the fund
        care.care_record_add(
            actor=grass, honour=honour, kind="hardship", on=today, amount="1000", fund=fund
        )
    boss = province_chair(cast)
    care.care_record_add(
        actor=boss, honour=honour, kind="hardship", on=today, amount="1000", fund=fund
    )
    with pytest.raises(ValidationError, match="本年度"):
        care.care_record_add(
            actor=boss, honour=honour, kind="hardship", on=today, amount="500", fund=fund
        )
    fund.refresh_from_db()
    assert fund.balance == Decimal("2000.00")
    not_poor = holder(cast, "非困难")
    with pytest.raises(ValidationError, match="困难劳模"):
        care.care_record_add(
            actor=boss, honour=not_poor, kind="hardship", on=today, amount="800", fund=fund
        )
    checkup = care.care_record_add(
        actor=grass, honour=honour, kind="checkup", on=today, place="市第一人民医院"
    )
    assert checkup.amount is None and checkup.fund is None


@pytest.mark.django_db
def test_pension_supplement_reference_is_five_to_fifteen_percent(cast: Cast) -> None:
    grass = fresh(cast.grassroots_officer)
    honour = holder(cast)
    with pytest.raises(ValidationError, match="5% 至 15%"):
        care.care_profile_save(actor=grass, honour=honour, retired=True, pension_supplement_pct=20)
    profile = care.care_profile_save(
        actor=grass, honour=honour, retired=True, pension_supplement_pct="10", bank_account="62"
    )
    assert profile.pension_supplement_pct == Decimal("10.0") and profile.masked_account


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)
@pytest.mark.django_db(transaction=True)
def test_allowances_never_overdraw_the_fund_when_two_pay_the_last_money() -> None:
    """The fund holds 100; two officers pay two holders' 80 at the same moment: one wins."""
    province = factories.make_org(None, OrgKind.PROVINCE, code="HP")
    union = factories.make_org(province, OrgKind.GRASSROOTS, code="HP-G")
    boss = factories.make_officer(province, "chair", "hp_chair")
    award_type = province_model_type()
    fund = ledger.fund_create(actor=fresh(boss), org=province, name="关爱", purpose=CARE_FUND)
    ledger.fund_deposit(actor=fresh(boss), fund=fund, amount="100", memo="拨付")
    care.allowance_rate_save(actor=fresh(boss), org=province, level_key="provincial", monthly="80")
    with unscoped("test set-up"):
        for n in range(2):
            Honour.objects.create(
                award_type=award_type,
                level="province",
                kind="person",
                name=f"并发{n}",
                org=union,
                org_path=union.path,
                conferring_org=province,
                conferred_on=dt.date(2024, 1, 5),
                year=2024,
                certificate_no=f"HP-{n}",
            )
    month = _month(0)
    assert care.allowances_generate(month=month) == 2
    payables = list(AllowancePayable.objects.unscoped(reason="test").filter(month=month))
    calls: list[Callable[[], object]] = [
        functools.partial(care.allowance_pay, actor=fresh(boss), payable=p, fund=fund)
        for p in payables
    ]
    assert factories.at_once(calls, ValidationError) == ["refused", "won"]
    fund.refresh_from_db()
    assert fund.balance == Decimal("20.00")
    assert (
        LedgerEntry.objects.unscoped(reason="test").filter(fund=fund, direction="out").count() == 1
    )
    statuses = sorted(
        AllowancePayable.objects.unscoped(reason="test").values_list("status", flat=True)
    )
    assert statuses == ["paid", "pending"]
