"""The one money ledger (ADR 0022): every fund, of any purpose, and every yuan in or out of it.

A fund's balance changes only here, with a ledger entry in the same transaction, under the
fund's row lock and through a conditional UPDATE (``balance >= amount``): two payments at once
can never overdraw it, and the table's check constraint is the last line.

Modules cooperate through two registries filled in their ``AppConfig.ready()``:

* **purposes** (:func:`register_fund_purpose`): the kinds of fund a module offers (帮扶专项资金,
  送温暖资金 ...), the capability that manages such a fund and the one that reads it, the owner,
  and the audit codes (:class:`FundAuditCodes`, each registered with its label) that record
  the changes;
* **payees** (:func:`register_payee`): how a module's payments appear on the bank's batch file
  (户名, 开户银行, 账号, 金额) and on the 签领表, so both work for any purpose.

A module pays with :func:`fund_debit` (and takes a payment back with :func:`fund_refund`) inside
its own service, naming the row it pays as the entry's reference."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_actions, audit_record
from gonghui.core.models_ledger import EntryDirection, Fund, LedgerEntry
from gonghui.core.scoping import Actor, Viewer, require_capability

# --- registries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundAuditCodes:
    """The audit codes the ledger writes for a purpose's funds, spelled out by the owning app
    and registered there with their Chinese labels (no code is built from parts)."""

    created: str
    deposited: str
    refunded: str
    bank_file: str

    def all(self) -> tuple[str, ...]:
        return (self.created, self.deposited, self.refunded, self.bank_file)


@dataclass(frozen=True)
class FundPurpose:
    code: str
    label: str | Promise
    owner: str
    capability: str
    view_capability: str
    audit: FundAuditCodes


@dataclass(frozen=True)
class PaymentLine:
    """One payment as the bank file and the 签领表 show it."""

    ref_id: int
    name: str
    amount: Decimal
    what: str
    bank_name: str = ""
    bank_account: str = ""
    masked_id: str = ""
    org_name: str = ""


@dataclass(frozen=True)
class Payee:
    """``to_pay(fund)`` yields the fund's payments ready for the bank (pending, not blocked);
    ``to_sign(fund, year)`` those of the year that recipients sign for."""

    model: str
    to_pay: Callable[[Fund], Iterable[PaymentLine]]
    to_sign: Callable[[Fund, int], Iterable[PaymentLine]]


_purposes: dict[str, FundPurpose] = {}
_payees: dict[str, Payee] = {}


def register_fund_purpose(
    code: str,
    label: str | Promise,
    *,
    owner: str,
    capability: str,
    view_capability: str,
    audit: FundAuditCodes,
) -> None:
    """Idempotent by code (``ready()`` may run twice in some test set-ups). Every code of
    ``audit`` must already be registered with its label (the app's ``audit_actions.py``)."""
    unlabelled = [c for c in audit.all() if c not in audit_actions()]
    if unlabelled:
        raise ImproperlyConfigured(
            f"fund purpose {code!r}: audit codes without a label {unlabelled}"
        )
    _purposes[code] = FundPurpose(code, label, owner, capability, view_capability, audit)


def purposes(owner: str = "") -> list[FundPurpose]:
    return [p for p in _purposes.values() if not owner or p.owner == owner]


def purpose_choices(owner: str = "") -> list[tuple[str, str | Promise]]:
    return [(p.code, p.label) for p in purposes(owner)]


def purpose_label(code: str) -> str:
    found = _purposes.get(code)
    return str(found.label) if found else code


def purpose_of(fund: Fund) -> FundPurpose:
    try:
        return _purposes[fund.purpose]
    except KeyError:
        raise ValidationError(_("资金类型不在列表中")) from None


def register_payee(
    model: str,
    *,
    to_pay: Callable[[Fund], Iterable[PaymentLine]],
    to_sign: Callable[[Fund, int], Iterable[PaymentLine]],
) -> None:
    """``model`` is the label of the rows a module pays ("assistance.AssistanceRecord")."""
    _payees[model] = Payee(model, to_pay, to_sign)


# --- services ------------------------------------------------------------------------------------


def money(value: Any, field: str, *, allow_zero: bool = True) -> Decimal:
    """An amount in yuan to the fen, or a message naming ``field``."""
    try:
        amount = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("请填写金额（元）")}) from exc
    if amount < 0 or (not allow_zero and amount == 0):
        raise ValidationError({field: _("金额应大于零")})
    return amount


@transaction.atomic
def fund_create(*, actor: Actor, org: Any, name: str, purpose: str) -> Fund:
    if purpose not in _purposes:
        raise ValidationError({"purpose": _("资金类型不在列表中")})
    spec = _purposes[purpose]
    require_capability(actor, spec.capability, org.path)
    if not name.strip():
        raise ValidationError({"name": _("请填写资金名称")})
    fund = Fund.objects.create(org=org, org_path=org.path, name=name.strip(), purpose=purpose)
    audit_record(
        action=spec.audit.created,
        actor=actor,
        target=fund,
        org_path=org.path,
        after={"name": fund.name, "purpose": purpose},
    )
    return fund


def _locked(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


@dataclass(frozen=True)
class _Reference:
    label: str
    pk: int | None


def _reference(obj: Model | _Reference | None) -> _Reference:
    if obj is None:
        return _Reference("", None)
    if isinstance(obj, _Reference):
        return obj
    return _Reference(obj._meta.label, obj.pk)


def _entry(
    fund: Fund,
    direction: str,
    amount: Decimal,
    memo: str,
    actor: Actor,
    reference: Model | _Reference | None = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    fund.refresh_from_db(fields=["balance"])
    ref = _reference(reference)
    return LedgerEntry.objects.create(
        fund=fund,
        direction=direction,
        amount=amount,
        balance_after=fund.balance,
        memo=memo,
        ref_model=ref.label,
        ref_id=ref.pk,
        reverses=reverses,
        org_path=fund.org_path,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def fund_deposit(*, actor: Actor, fund: Fund, amount: Any, memo: str) -> LedgerEntry:
    """收入: an allocation, a transfer from the upper level, a donation."""
    fund = _locked(fund)
    spec = purpose_of(fund)
    require_capability(actor, spec.capability, fund.org_path)
    value = money(amount, "amount", allow_zero=False)
    if not memo.strip():
        raise ValidationError({"memo": _("请填写摘要（来源）")})
    Fund.objects.filter(pk=fund.pk).update(balance=F("balance") + value)
    entry = _entry(fund, EntryDirection.IN, value, memo.strip(), actor)
    audit_record(
        action=spec.audit.deposited,
        actor=actor,
        target=fund,
        org_path=fund.org_path,
        after={"amount": str(value), "balance": str(entry.balance_after)},
    )
    return entry


@transaction.atomic
def fund_debit(
    *, fund: Fund, amount: Any, memo: str, actor: Actor, reference: Model | None
) -> LedgerEntry:
    """支出 for ``reference`` (the row paid), or refused: never below zero. The calling service
    audits the payment itself (it knows what was paid); the entry is the ledger's record."""
    fund = _locked(fund)
    require_capability(actor, purpose_of(fund).capability, fund.org_path)
    value = money(amount, "amount", allow_zero=False)
    changed = Fund.objects.filter(pk=fund.pk, balance__gte=value).update(
        balance=F("balance") - value
    )
    if not changed:
        raise ValidationError(
            _("资金“%(fund)s”余额 %(balance)s 元，不足以支付 %(amount)s 元")
            % {"fund": fund.name, "balance": fund.balance, "amount": value}
        )
    return _entry(fund, EntryDirection.OUT, value, memo, actor, reference)


@transaction.atomic
def fund_refund(*, actor: Actor, entry: LedgerEntry, memo: str) -> LedgerEntry:
    """Reverse a payment (支出): its amount back into the fund, once, with the same reference."""
    fund = _locked(entry.fund)
    spec = purpose_of(fund)
    require_capability(actor, spec.capability, fund.org_path)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if entry.direction != EntryDirection.OUT:
        raise ValidationError(_("只能冲回支出"))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("该笔支出已冲回"))
    if not memo.strip():
        raise ValidationError({"memo": _("请填写冲回原因")})
    Fund.objects.filter(pk=fund.pk).update(balance=F("balance") + entry.amount)
    reference = _Reference(entry.ref_model, entry.ref_id)
    reversal = _entry(fund, EntryDirection.IN, entry.amount, memo.strip(), actor, reference, entry)
    audit_record(
        action=spec.audit.refunded,
        actor=actor,
        target=fund,
        org_path=fund.org_path,
        after={"entry": entry.pk, "amount": str(entry.amount)},
    )
    return reversal


def bank_file_rows(*, actor: Actor, fund: Fund) -> list[list[str]]:
    """The bank's batch-payment file of the fund's payments ready to go, from every registered
    payee: it needs the real accounts, so making it is audited as a reveal."""
    spec = purpose_of(fund)
    require_capability(actor, spec.capability, fund.org_path)
    rows = [
        [
            str(line.ref_id),
            line.name,
            line.bank_name,
            line.bank_account,
            f"{line.amount:.2f}",
            line.what,
        ]
        for payee in _payees.values()
        for line in payee.to_pay(fund)
    ]
    audit_record(
        action=spec.audit.bank_file,
        actor=actor,
        target=fund,
        org_path=fund.org_path,
        after={"rows": len(rows)},
    )
    return rows


SIGN_SHEET_LIMIT = 2000


def sign_sheet_rows(*, viewer: Viewer, fund: Fund, year: int) -> list[PaymentLine]:
    """签领表: the fund's payments of ``year`` (pending or paid) for recipients to sign."""
    require_capability(viewer, purpose_of(fund).view_capability, fund.org_path)
    lines: list[PaymentLine] = []
    for payee in _payees.values():
        lines.extend(payee.to_sign(fund, year))
    return lines[:SIGN_SHEET_LIMIT]


def ledger_merge(*, source: Any, target: Any, actor: Actor) -> None:
    """A merged org's funds and their entries go to the surviving org (orgs.org_merge)."""
    from gonghui.core.scoping import unscoped

    with unscoped("org_merge checked orgs.manage over both orgs"):
        Fund.objects.filter(org=source).update(org=target, org_path=target.path)
        LedgerEntry.objects.filter(org_path=source.path).update(org_path=target.path)
