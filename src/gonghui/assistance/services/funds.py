"""Funds, their ledger and assistance payments; the cross-level duplicate check.

A fund's balance changes only here, with a ledger line in the same transaction, under the
fund's row lock and through a conditional UPDATE (``balance >= amount``): two payments at once
can never overdraw it, and the table's check constraint is the last line (see ADR 0007)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance.models import OPEN_STATUSES, HardshipCase
from gonghui.assistance.models.funds import (
    AidKind,
    Allotment,
    AssistanceRecord,
    Campaign,
    EntryDirection,
    Fund,
    FundEntry,
    FundKind,
    RecipientKey,
    RecordStatus,
    WarmthGroup,
)
from gonghui.assistance.services.cases import id_index, money
from gonghui.core.audit import audit_record
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.scoping import in_scope, require_capability, within
from gonghui.orgs.models import Org


@transaction.atomic
def fund_create(*, actor: Any, org: Org, name: str, kind: str) -> Fund:
    require_capability(actor, "assistance.fund", org.path)
    if kind not in FundKind.values:
        raise ValidationError({"kind": _("资金类型不在列表中")})
    if not name.strip():
        raise ValidationError({"name": _("请填写资金名称")})
    fund = Fund.objects.create(org=org, org_path=org.path, name=name.strip(), kind=kind)
    audit_record(
        action="assistance.fund.created",
        actor=actor,
        target=fund,
        org_path=org.path,
        after={"name": fund.name, "kind": kind},
    )
    return fund


def _entry(
    fund: Fund,
    direction: str,
    amount: Decimal,
    memo: str,
    actor: Any,
    record: AssistanceRecord | None = None,
) -> FundEntry:
    return FundEntry.objects.create(
        fund=fund,
        direction=direction,
        amount=amount,
        balance_after=fund.balance,
        memo=memo,
        record=record,
        org_path=fund.org_path,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def fund_deposit(*, actor: Any, fund: Fund, amount: Any, memo: str) -> FundEntry:
    """收入: an allocation, a transfer from the upper level, a donation."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    require_capability(actor, "assistance.fund", fund.org_path)
    value = money(amount, "amount", allow_zero=False)
    if not memo.strip():
        raise ValidationError({"memo": _("请填写摘要（来源）")})
    Fund.objects.filter(pk=fund.pk).update(balance=F("balance") + value)
    fund.refresh_from_db(fields=["balance"])
    entry = _entry(fund, EntryDirection.IN, value, memo.strip(), actor)
    audit_record(
        action="assistance.fund.deposited",
        actor=actor,
        target=fund,
        org_path=fund.org_path,
        after={"amount": str(value), "balance": str(fund.balance)},
    )
    return entry


def _debit(fund: Fund, amount: Decimal) -> Fund:
    """Lock the fund and take ``amount`` from it, or refuse: never below zero."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    changed = Fund.objects.filter(pk=fund.pk, balance__gte=amount).update(
        balance=F("balance") - amount
    )
    if not changed:
        raise ValidationError(
            _("资金“%(fund)s”余额 %(balance)s 元，不足以支付 %(amount)s 元")
            % {"fund": fund.name, "balance": fund.balance, "amount": amount}
        )
    fund.refresh_from_db(fields=["balance"])
    return fund


def household_keys(case: HardshipCase | None, extra: Iterable[str] = ()) -> set[str]:
    keys = set(k for k in extra if k)
    if case is not None:
        keys.add(case.id_index)
        keys.update(i for i in case.persons.values_list("id_index", flat=True) if i)
    return keys


def find_duplicate(
    campaign: Campaign, keys: set[str], exclude: int | None = None
) -> AssistanceRecord | None:
    """Another live record of the same campaign, at any level, for the same person or household."""
    if not keys:
        return None
    found = (
        RecipientKey.objects.filter(campaign=campaign, index__in=keys)
        .exclude(record__status=RecordStatus.CANCELLED)
        .exclude(record_id=exclude)
        .select_related("record", "record__org")
        .order_by("record_id")
        .first()
    )
    return found.record if found else None


@transaction.atomic
def record_create(
    *,
    actor: Any,
    fund: Fund,
    kind: str,
    amount: Any,
    case: HardshipCase | None = None,
    recipient_name: str = "",
    campaign: Campaign | None = None,
    description: str = "",
    extra_keys: Iterable[str] = (),
    recipient_id: str = "",
    group: str = "",
) -> AssistanceRecord:
    """A help to give (待发放) from a fund; within a campaign the same household or person
    already helped at any level flags the record before it can be paid."""
    require_capability(actor, "assistance.fund", fund.org_path)
    if kind not in AidKind.values:
        raise ValidationError({"kind": _("帮扶方式不在列表中")})
    if group not in WarmthGroup.values and group:
        raise ValidationError({"group": _("慰问对象类别不在列表中")})
    keys_extra = list(extra_keys)
    if recipient_id.strip():
        # A recipient without an archive (a front-line worker, say) is cross-checked by the
        # blind index of their ID only: the number itself is not kept.
        keys_extra.append(id_index(validate_personal_id("resident", recipient_id).number))
    value = money(amount, "amount", allow_zero=False)
    if case is not None:
        if not within(case.org_path, fund.org_path) or not in_scope(actor, case.org_path):
            raise ValidationError({"case": _("该档案不在本资金的使用范围内")})
        if case.status not in OPEN_STATUSES and campaign is None:
            raise ValidationError({"case": _("只能帮扶已建档的困难职工")})
        recipient_name = recipient_name or case.name
    if not recipient_name.strip():
        raise ValidationError({"recipient_name": _("请填写领取人")})
    if campaign is not None and not within(fund.org_path, campaign.org_path):
        raise ValidationError({"campaign": _("该活动不覆盖本单位")})
    record = AssistanceRecord.objects.create(
        case=case,
        recipient_name=recipient_name.strip(),
        kind=kind,
        amount=value,
        description=description,
        fund=fund,
        campaign=campaign,
        org=fund.org,
        org_path=fund.org_path,
        group=group,
        created_by=actor,
    )
    if campaign is not None:
        keys = household_keys(case, keys_extra)
        record.duplicate_of = find_duplicate(campaign, keys, exclude=record.pk)
        record.save(update_fields=["duplicate_of"])
        RecipientKey.objects.bulk_create(
            RecipientKey(record=record, campaign=campaign, index=k) for k in keys
        )
    audit_record(
        action="assistance.record.created",
        actor=actor,
        target=record,
        org_path=record.org_path,
        after={"amount": str(value), "kind": kind, "flagged": record.flagged},
    )
    return record


def _allotment_for(campaign: Campaign, org_path: str) -> Allotment | None:
    """The nearest allotment on the paying org's chain, locked."""
    candidates = [a for a in campaign.allotments.all() if within(org_path, a.org_path)]
    if not candidates:
        return None
    nearest = max(candidates, key=lambda a: len(a.org_path))
    return Allotment.objects.select_for_update().get(pk=nearest.pk)


@transaction.atomic
def record_pay(*, actor: Any, record: AssistanceRecord) -> AssistanceRecord:
    """发放: the duplicate check again (another level may have registered since), the campaign
    budget, then the fund — all under row locks; one ledger line."""
    record = AssistanceRecord.objects.select_for_update().get(pk=record.pk)
    require_capability(actor, "assistance.fund", record.org_path)
    if record.status != RecordStatus.PENDING:
        raise ValidationError(_("该记录已发放或已取消"))
    if record.campaign_id is not None:
        keys = set(record.keys.values_list("index", flat=True))
        other = find_duplicate(record.campaign, keys, exclude=record.pk)  # type: ignore[arg-type]
        if (
            other is not None
            and other.pk < record.pk
            and not record.duplicate_cleared
            and record.duplicate_of_id != other.pk
        ):
            record.duplicate_of = other
            record.save(update_fields=["duplicate_of"])
        if record.flagged:
            assert record.duplicate_of is not None
            raise ValidationError(
                _("重复帮扶：同一活动中%(org)s已为该户登记帮扶，请核实后再发放")
                % {"org": record.duplicate_of.org.name}
            )
        campaign = record.campaign
        assert campaign is not None
        if campaign.allotments.exists():
            allotment = _allotment_for(campaign, record.org_path)
            if allotment is None or allotment.available < record.amount:
                raise ValidationError(_("本单位在该活动中的可用额度不足"))
            Allotment.objects.filter(pk=allotment.pk).update(spent=F("spent") + record.amount)
    fund = _debit(record.fund, record.amount)
    record.status = RecordStatus.PAID
    record.paid_at = timezone.now()
    record.save(update_fields=["status", "paid_at", "duplicate_of"])
    _entry(
        fund,
        EntryDirection.OUT,
        record.amount,
        _("%(kind)s：%(name)s")
        % {"kind": record.get_kind_display(), "name": record.recipient_name},
        actor,
        record,
    )
    audit_record(
        action="assistance.record.paid",
        actor=actor,
        target=record,
        org_path=record.org_path,
        after={"amount": str(record.amount), "balance": str(fund.balance)},
    )
    return record


@transaction.atomic
def record_clear_duplicate(
    *, actor: Any, record: AssistanceRecord, reason: str
) -> AssistanceRecord:
    """Confirm after checking that a flagged record is not a duplicate (e.g. two households)."""
    record = AssistanceRecord.objects.select_for_update().get(pk=record.pk)
    require_capability(actor, "assistance.fund", record.org_path)
    if not record.flagged:
        raise ValidationError(_("该记录没有重复标记"))
    if not reason.strip():
        raise ValidationError({"reason": _("请说明核实情况")})
    record.duplicate_cleared = reason.strip()
    record.save(update_fields=["duplicate_cleared"])
    audit_record(
        action="assistance.record.duplicate_cleared",
        actor=actor,
        target=record,
        org_path=record.org_path,
        after={"reason": reason},
    )
    return record


@transaction.atomic
def record_cancel(*, actor: Any, record: AssistanceRecord, reason: str) -> AssistanceRecord:
    record = AssistanceRecord.objects.select_for_update().get(pk=record.pk)
    require_capability(actor, "assistance.fund", record.org_path)
    if record.status != RecordStatus.PENDING:
        raise ValidationError(_("只能取消待发放的记录"))
    record.status = RecordStatus.CANCELLED
    record.save(update_fields=["status"])
    audit_record(
        action="assistance.record.cancelled",
        actor=actor,
        target=record,
        org_path=record.org_path,
        after={"reason": reason},
    )
    return record


def bank_file_rows(*, actor: Any, fund: Fund) -> list[list[str]]:
    """The bank's batch-payment file of the fund's pending, unflagged records: it needs the real
    accounts, so making it is audited as a reveal."""
    require_capability(actor, "assistance.fund", fund.org_path)
    records = (
        AssistanceRecord.objects.filter(fund=fund, status=RecordStatus.PENDING)
        .select_related("case")
        .order_by("id")
    )
    rows = []
    for record in records:
        if record.flagged:
            continue
        case = record.case
        rows.append(
            [
                str(record.pk),
                record.recipient_name,
                case.bank_name if case else "",
                case.bank_account if case else "",
                f"{record.amount:.2f}",
                record.get_kind_display(),
            ]
        )
    audit_record(
        action="assistance.fund.bank_file",
        actor=actor,
        target=fund,
        org_path=fund.org_path,
        after={"rows": len(rows)},
    )
    return rows
