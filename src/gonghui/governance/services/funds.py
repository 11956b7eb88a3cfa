"""工会经费 services (DOMAIN.md §2.4): an employer's payroll of a month and its 2 %, receipts
(税务代收 or direct) booked through core.ledger with the level split, and 催缴函."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import ledger
from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor, require_capability
from gonghui.governance import rules
from gonghui.governance.models.dues import SplitKind
from gonghui.governance.models.funds import (
    FundsMonth,
    FundsReceipt,
    FundsReminder,
    PayrollSource,
    ReceiptChannel,
)
from gonghui.governance.services.dues import _delta, book_receipt, fen, receipt_number
from gonghui.orgs.models import Employer

FUNDS_CAPABILITY = "governance.funds"
# Days overdue after which the 催缴函 carries the 支付令 hint (data: an installation may change it).
PAYMENT_ORDER_AFTER_DAYS = 90


def _counted(row: FundsMonth) -> dict[tuple[str, str], int]:
    return {
        (row.org_path, "governance.funds.due_fen"): fen(row.due),
        (row.org_path, "governance.funds.received_fen"): fen(min(row.received, row.due)),
    }


def _union_of(employer: Employer) -> Any:
    if employer.union is None:
        raise ValidationError(_("%(name)s 尚未建立工会，不拨缴工会经费") % {"name": employer.name})
    return employer.union


@transaction.atomic
def funds_month_set(
    *,
    actor: Actor,
    employer: Employer,
    month: dt.date,
    payroll_total: Any,
    source: str = PayrollSource.ENTERED,
) -> FundsMonth:
    """An employer's payroll total of a month (entered, imported or from the tax statement):
    the 2 % due follows by rule. A correction keeps the receipts already booked."""
    union = _union_of(employer)
    require_capability(actor, FUNDS_CAPABILITY, union.path)
    if source not in PayrollSource.values:
        raise ValidationError({"source": _("来源不在列表中")})
    total = ledger.money(payroll_total, "payroll_total")
    month = rules.month_start(month)
    if month > rules.month_start(timezone.localdate()):
        raise ValidationError({"month": _("不能录入未来月份的工资总额")})
    row = FundsMonth.objects.select_for_update().filter(employer=employer, month=month).first()
    before = _counted(row) if row is not None else {}
    if row is None:
        row = FundsMonth(employer=employer, month=month, received=Decimal(0))
    row.union, row.org_path = union, union.path
    row.payroll_total, row.due, row.source = total, rules.funds_due(total), source
    row.due_on = rules.funds_due_date(month)
    row.save()
    _delta(before, _counted(row))
    audit_record(
        action="governance.funds.set",
        actor=actor,
        target=row,
        org_path=row.org_path,
        after={"month": f"{month:%Y-%m}", "payroll": str(total), "due": str(row.due)},
    )
    return row


@transaction.atomic
def funds_receive(
    *,
    actor: Actor,
    month: FundsMonth,
    amount: Any,
    channel: str,
    received_on: dt.date | None = None,
) -> FundsReceipt:
    """A receipt of 经费 for an employer's month, deposited and split between levels."""
    row = (
        FundsMonth.objects.select_for_update().select_related("employer", "union").get(pk=month.pk)
    )
    require_capability(actor, FUNDS_CAPABILITY, row.org_path)
    if channel not in ReceiptChannel.values:
        raise ValidationError({"channel": _("缴纳渠道不在列表中")})
    value = ledger.money(amount, "amount", allow_zero=False)
    if received_on is not None and received_on > timezone.localdate():
        raise ValidationError({"received_on": _("到账日期不能晚于今天")})
    if value > row.outstanding:
        raise ValidationError({"amount": _("超过尚欠金额 %(o)s 元") % {"o": row.outstanding}})
    receipt = FundsReceipt.objects.create(
        month=row,
        org_path=row.org_path,
        receipt_no=receipt_number("JF"),
        channel=channel,
        amount=value,
        received_on=received_on or timezone.localdate(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    before = _counted(row)
    FundsMonth.objects.filter(pk=row.pk).update(received=F("received") + value)
    row.refresh_from_db(fields=["received"])
    _delta(before, _counted(row))
    book_receipt(
        actor=actor,
        kind=SplitKind.FUNDS,
        receipt=receipt,
        union=row.union,
        amount=value,
        memo=_("%(name)s %(month)s 工会经费")
        % {"name": row.employer.name, "month": f"{row.month:%Y-%m}"},
    )
    audit_record(
        action="governance.funds.received",
        actor=actor,
        target=receipt,
        org_path=row.org_path,
        after={"amount": str(value), "channel": channel, "month": f"{row.month:%Y-%m}"},
    )
    return receipt


def overdue_months(employer: Employer, today: dt.date) -> list[FundsMonth]:
    return [
        m
        for m in FundsMonth.objects.unscoped(reason="the caller checked its capability")
        .filter(employer=employer, due_on__lt=today)
        .order_by("month")
        if m.outstanding > 0
    ]


@transaction.atomic
def funds_reminder_issue(*, actor: Actor, employer: Employer) -> FundsReminder:
    """A numbered 催缴函 for the employer's overdue months; past the set period it says that the
    union may apply for a 支付令 (工会法 第四十四条)."""
    union = _union_of(employer)
    require_capability(actor, FUNDS_CAPABILITY, union.path)
    today = timezone.localdate()
    months = overdue_months(employer, today)
    if not months:
        raise ValidationError(_("%(name)s 没有逾期未缴的工会经费") % {"name": employer.name})
    outstanding = sum((m.outstanding for m in months), Decimal(0))
    action = rules.arrears_action(
        due_on=months[0].due_on,
        today=today,
        outstanding=outstanding,
        order_after_days=PAYMENT_ORDER_AFTER_DAYS,
    )
    reminder = FundsReminder.objects.create(
        employer=employer,
        union=union,
        org_path=union.path,
        number=receipt_number("CJ"),
        issued_on=today,
        outstanding=outstanding,
        months=[f"{m.month:%Y-%m}" for m in months],
        payment_order_hint=action.payment_order,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="governance.funds.reminded",
        actor=actor,
        target=reminder,
        org_path=union.path,
        after={"outstanding": str(outstanding), "months": reminder.months},
    )
    return reminder


def funds_counter_source(paths: Iterable[str] | None = None) -> Iterable[tuple[str, str, int]]:
    rows = FundsMonth.objects.unscoped(reason="counter rebuild")
    if paths is not None:
        rows = rows.filter(org_path__in=list(paths))
    totals: dict[tuple[str, str], int] = {}
    for row in rows.only("org_path", "due", "received"):
        for key, value in _counted(row).items():
            totals[key] = totals.get(key, 0) + value
    for (path, counter), value in totals.items():
        yield path, counter, value


def funds_totals(rows: Any) -> dict[str, Decimal]:
    found = rows.aggregate(due=Sum("due"), received=Sum("received"))
    return {k: v or Decimal(0) for k, v in found.items()}
