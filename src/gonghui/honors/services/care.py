"""Care (关心关爱): allowance rates per province, the monthly payables (a scheduled job, once per
holder per month), their payment through the 劳模 care fund of core.ledger (never overdrawn),
the bank file lines, the care profile and the dated care records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import ledger
from gonghui.core.audit import audit_record
from gonghui.core.crypto import mask_tail
from gonghui.core.ledger import PaymentLine, money
from gonghui.core.models import Fund
from gonghui.core.scoping import Actor, prefix_q, require_capability, unscoped, within
from gonghui.core.workflow import transition
from gonghui.honors import rules
from gonghui.honors.models.care import (
    CARE_FUND,
    AllowancePayable,
    AllowanceRate,
    CareKind,
    CareProfile,
    CareRecord,
    PayableStatus,
)
from gonghui.honors.models.roster import Honour, HonourStatus

PAYABLE_TRANSITIONS = {"pay": "honors.allowance.paid", "cancel": "honors.allowance.cancelled"}
FUND = "honors.care.fund"
MANAGE = "honors.care.manage"


@dataclass(frozen=True)
class Rate:
    amount: Decimal
    row: AllowanceRate


def rates_for(org_path: str) -> dict[str, Rate]:
    """Each level key's monthly rate in force at ``org_path``: the nearest org's row per key."""
    prefixes = [org_path[:i] for i in range(1, len(org_path) + 1)]
    found: dict[str, AllowanceRate] = {}
    with unscoped("allowance rates are inherited down the tree"):
        for row in AllowanceRate.objects.filter(org_path__in=prefixes).select_related("org"):
            best = found.get(row.level_key)
            if best is None or len(row.org_path) > len(best.org_path):
                found[row.level_key] = row
    return {key: Rate(row.monthly, row) for key, row in found.items()}


def allowance_rate_save(*, actor: Actor, org: Any, level_key: str, monthly: Any) -> AllowanceRate:
    require_capability(actor, FUND, org.path)
    key = level_key.strip()
    if not key:
        raise ValidationError({"level_key": _("请填写津贴标准代码")})
    value = money(monthly, "monthly")
    with transaction.atomic():
        with unscoped("the org's own rate row, capability checked"):
            row, _new = AllowanceRate.objects.select_for_update().get_or_create(
                org=org, level_key=key, defaults={"org_path": org.path, "monthly": value}
            )
        before = str(row.monthly)
        row.monthly = value
        row.save(update_fields=["monthly"])
        audit_record(
            action="honors.rate.saved",
            actor=actor,
            target=row,
            org_path=org.path,
            before={"monthly": before},
            after={"level_key": key, "monthly": str(value)},
        )
    return row


def care_fund_for(org_path: str) -> Fund | None:
    """The nearest 劳模 care fund on the holder's chain (the union's own, else its parents')."""
    prefixes = [org_path[:i] for i in range(1, len(org_path) + 1)]
    with unscoped("the fund a holder's allowance is paid from"):
        funds = list(Fund.objects.filter(purpose=CARE_FUND, org_path__in=prefixes))
    return max(funds, key=lambda f: (len(f.org_path), -f.pk), default=None)


def allowances_generate(*, month: dt.date, limit: int = 5000) -> int:
    """The month's allowance payables of every active holder whose level has a rate (the
    scheduled job, run on the 1st): once per holder per month (the unique constraint and the
    existence check), none before the month after conferral or from a stop month on."""
    month = rules.month_start(month)
    made = 0
    with unscoped("the monthly job looks at every active honour"):
        honours = (
            Honour.objects.filter(status=HonourStatus.ACTIVE, conferred_on__lt=month)
            .exclude(award_type__allowance_key="")
            .exclude(payables__month=month)
            .select_related("award_type")
            .order_by("pk")
        )
        batch = list(honours[:limit])
    rates_cache: dict[str, dict[str, Rate]] = {}
    funds_cache: dict[str, Fund | None] = {}
    rows = []
    for honour in batch:
        due = rules.allowance_due(month=month, conferred_on=honour.conferred_on, stop_month=None)
        if not due.code:
            continue
        rates = rates_cache.setdefault(honour.org_path, rates_for(honour.org_path))
        rate = rates.get(honour.award_type.allowance_key)
        amount = rules.allowance_amount(
            honour.award_type.allowance_key, {k: r.amount for k, r in rates.items()}
        )
        if rate is None or not amount.code:
            continue
        if honour.org_path not in funds_cache:
            funds_cache[honour.org_path] = care_fund_for(honour.org_path)
        rows.append(
            AllowancePayable(
                honour=honour,
                month=month,
                amount=Decimal(amount.code),
                rate=rate.row,
                fund=funds_cache[honour.org_path],
                org_id=honour.org_id,
                org_path=honour.org_path,
            )
        )
    with transaction.atomic():
        created = AllowancePayable.objects.bulk_create(rows, ignore_conflicts=True)
        made = len(created)
    return made


def _pay(actor: Actor, payable: AllowancePayable, fund: Fund) -> AllowancePayable:
    def check(row: AllowancePayable) -> None:
        with unscoped("the honour of a payable being paid, in the payable's scope"):
            status, changed = Honour.objects.values_list("status", "status_changed_on").get(
                pk=row.honour_id
            )
        # Benefits stop from the decision date: the decision month is still owed.
        if status != HonourStatus.ACTIVE and (
            changed is None or row.month >= rules.allowance_stop_month(changed)
        ):
            raise ValidationError(
                _("该荣誉已撤销或期满，津贴自 %(m)s 起停发") % {"m": row.month.strftime("%Y-%m")}
            )
        ledger.fund_debit(
            fund=fund,
            amount=row.amount,
            memo=_("荣誉津贴 %(month)s") % {"month": row.month.strftime("%Y-%m")},
            actor=actor,
            reference=row,
        )

    def stamp(row: AllowancePayable) -> None:
        row.paid_at = timezone.now()
        row.fund = fund

    return transition(
        payable,
        "pay",
        actor=actor,
        capability=FUND,
        check=check,
        apply=stamp,
        data={"amount": str(payable.amount), "fund": fund.pk},
    )


@transaction.atomic
def allowance_pay(*, actor: Actor, payable: AllowancePayable, fund: Fund) -> AllowancePayable:
    """发放 one holder's month from ``fund`` (a 劳模 care fund covering the holder): under the
    payable's and the fund's row locks, refused when the fund cannot pay it."""
    if fund.purpose != CARE_FUND:
        raise ValidationError({"fund": _("请选择劳模关爱资金")})
    if not within(payable.org_path, fund.org_path):
        raise ValidationError({"fund": _("该资金不覆盖此荣誉获得者")})
    return _pay(actor, payable, fund)


def allowances_pay_month(*, actor: Actor, fund: Fund, month: dt.date) -> tuple[int, int]:
    """Pay the month's pending payables the fund covers, each in its own transaction; stops at
    the first the fund cannot pay (the rest stay 待发放). Returns (paid, left)."""
    require_capability(actor, FUND, fund.org_path)
    with unscoped("the payables the fund covers, capability checked"):
        pending = list(
            AllowancePayable.objects.filter(
                month=rules.month_start(month), status=PayableStatus.PENDING
            )
            .filter(prefix_q("org_path", fund.org_path))
            .order_by("pk")
        )
    paid = 0
    for payable in pending:
        try:
            allowance_pay(actor=actor, payable=payable, fund=fund)
        except ValidationError:
            break
        paid += 1
    return paid, len(pending) - paid


def allowances_stop(*, honour: Honour, stop_month: dt.date, actor: Actor | None) -> int:
    """Cancel the holder's pending payables from ``stop_month`` on (revocation, lapse): called
    inside the deciding transaction, each through the transition service."""
    with unscoped("the payables of the honour being revoked or lapsing"):
        rows = list(
            AllowancePayable.objects.filter(
                honour=honour, status=PayableStatus.PENDING, month__gte=stop_month
            )
        )
    for row in rows:
        transition(
            row,
            "cancel",
            actor=actor,
            capability=None,
            reason=_("自 %(m)s 起停发") % {"m": stop_month.strftime("%Y-%m")},
        )
    return len(rows)


def _line(row: AllowancePayable) -> PaymentLine:
    profile = getattr(row.honour, "care_profile", None)
    return PaymentLine(
        ref_id=row.pk,
        name=row.honour.name,
        amount=row.amount,
        what=_("荣誉津贴 %(month)s") % {"month": row.month.strftime("%Y-%m")},
        bank_name=profile.bank_name if profile else "",
        bank_account=profile.bank_account if profile else "",
        masked_id=row.honour.masked_id_number,
        org_name=row.org.name,
    )


def payables_to_pay(fund: Fund) -> Iterator[PaymentLine]:
    """The ledger's payee hook: the fund's pending allowances, for the bank's batch file."""
    if fund.purpose != CARE_FUND:
        return
    with unscoped("the ledger checked the fund's capability"):
        rows = AllowancePayable.objects.filter(
            prefix_q("org_path", fund.org_path), status=PayableStatus.PENDING
        ).select_related("honour", "honour__care_profile", "org")
        yield from (_line(r) for r in rows.iterator(chunk_size=500))


def payables_to_sign(fund: Fund, year: int) -> Iterator[PaymentLine]:
    if fund.purpose != CARE_FUND:
        return
    with unscoped("the ledger checked the fund's capability"):
        rows = (
            AllowancePayable.objects.filter(fund=fund, month__year=year)
            .exclude(status=PayableStatus.CANCELLED)
            .select_related("honour", "honour__care_profile", "org")
        )
        yield from (_line(r) for r in rows.iterator(chunk_size=500))


@transaction.atomic
def care_profile_save(
    *,
    actor: Actor,
    honour: Honour,
    bank_name: str = "",
    bank_account: str = "",
    retired: bool = False,
    pension_supplement_pct: Any = None,
    pension_note: str = "",
) -> CareProfile:
    """The holder's care profile: bank account (encrypted) and the pension supplement
    reference, which must lie in 5–15 % (工人退休暂行办法 §4)."""
    require_capability(actor, MANAGE, honour.org_path)
    pct = None
    if pension_supplement_pct not in (None, ""):
        pct = Decimal(str(pension_supplement_pct))
        if not rules.in_range(pct, rules.PENSION_SUPPLEMENT_RANGE):
            raise ValidationError(
                {"pension_supplement_pct": _("退休费提高比例应在 5% 至 15% 之间")}
            )
    account = "".join(bank_account.split())
    if account and not account.isdigit():
        raise ValidationError({"bank_account": _("银行账号只能是数字")})
    with unscoped("the honour's own profile"):
        profile, _new = CareProfile.objects.select_for_update().get_or_create(
            honour=honour, defaults={"org_path": honour.org_path}
        )
    profile.bank_name = bank_name.strip()[:60]
    profile.bank_account = account
    profile.retired = retired
    profile.pension_supplement_pct = pct
    profile.pension_note = pension_note.strip()[:200]
    profile.save()
    audit_record(
        action="honors.care_profile.saved",
        actor=actor,
        target=profile,
        org_path=profile.org_path,
        after={"account": mask_tail(account) if account else "", "pension_pct": str(pct)},
    )
    return profile


@transaction.atomic
def care_record_add(
    *,
    actor: Actor,
    honour: Honour,
    kind: str,
    on: dt.date,
    amount: Any = None,
    fund: Fund | None = None,
    place: str = "",
    note: str = "",
) -> CareRecord:
    """One act of care. 困难劳模 help is for a holder flagged 困难劳模, once a year, 500–2000 yuan,
    paid from the care fund in the same transaction (never overdrawn)."""
    require_capability(actor, MANAGE, honour.org_path)
    if kind not in CareKind.values:
        raise ValidationError({"kind": _("关爱类型不在列表中")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("日期不能晚于今天")})
    value = money(amount, "amount") if amount not in (None, "") else None
    if kind == CareKind.HARDSHIP_HELP:
        if not honour.in_hardship:
            raise ValidationError({"kind": _("该荣誉获得者未认定为困难劳模")})
        if value is None or not rules.in_range(value, rules.HARDSHIP_HELP_RANGE):
            raise ValidationError({"amount": _("困难劳模帮扶金额应在 500 至 2000 元之间")})
        if fund is None or fund.purpose != CARE_FUND or not within(honour.org_path, fund.org_path):
            raise ValidationError({"fund": _("请选择覆盖该荣誉获得者的劳模关爱资金")})
        with unscoped("yearly help once per holder, checked in the service"):
            if CareRecord.objects.filter(honour=honour, kind=kind, year=on.year).exists():
                raise ValidationError({"kind": _("该荣誉获得者本年度已获困难帮扶")})
    elif fund is not None:
        raise ValidationError({"fund": _("只有困难劳模帮扶从关爱资金支出")})
    record = CareRecord.objects.create(
        honour=honour,
        kind=kind,
        on=on,
        year=on.year,
        amount=value,
        fund=fund,
        place=place.strip()[:100],
        note=note.strip()[:200],
        org=honour.org,
        org_path=honour.org_path,
        recorded_by=actor,
    )
    if fund is not None and value:
        ledger.fund_debit(
            fund=fund,
            amount=value,
            memo=_("困难劳模帮扶：%(name)s") % {"name": honour.name},
            actor=actor,
            reference=record,
        )
    audit_record(
        action="honors.care.recorded",
        actor=actor,
        target=record,
        org_path=record.org_path,
        after={"kind": kind, "amount": str(value) if value else ""},
    )
    return record
