"""Assistance payments from the core ledger's funds; the cross-level duplicate check; how the
records appear on the bank file and the 签领表 (the ledger's payee registry).

Money moves only through ``gonghui.core.ledger`` (ADR 0022): a payment debits its fund under the
fund's row lock, never below zero, with the record as the ledger entry's reference."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    RecipientKey,
    RecordStatus,
    WarmthGroup,
)
from gonghui.assistance.services.cases import id_index
from gonghui.core import ledger
from gonghui.core.audit import audit_record
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.ledger import PaymentLine, money
from gonghui.core.models import Fund
from gonghui.core.scoping import Actor, in_scope, require_capability, within
from gonghui.core.workflow import transition


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
    actor: Actor,
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


RECORD_TRANSITIONS = {"pay": "assistance.record.paid", "cancel": "assistance.record.cancelled"}


def _check_duplicate_and_quota(record: AssistanceRecord) -> None:
    """The duplicate check again (another level may have registered since), then the
    campaign's quota, taken under its row lock."""
    if record.campaign_id is None:
        return
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


@transaction.atomic
def record_pay(*, actor: Actor, record: AssistanceRecord) -> AssistanceRecord:
    """发放 through the one transition service: the duplicate check, the campaign budget,
    then the fund — all under row locks; one ledger line."""
    # Filled once the fund is debited: the history and audit rows keep the balance after it.
    paid: dict[str, Any] = {"amount": str(record.amount)}

    def check(row: AssistanceRecord) -> None:
        _check_duplicate_and_quota(row)
        entry = ledger.fund_debit(
            fund=row.fund,
            amount=row.amount,
            memo=_("%(kind)s：%(name)s")
            % {"kind": row.get_kind_display(), "name": row.recipient_name},
            actor=actor,
            reference=row,
        )
        paid["balance"] = str(entry.balance_after)

    def stamp(row: AssistanceRecord) -> None:
        row.paid_at = timezone.now()

    moved = transition(
        record,
        "pay",
        actor=actor,
        capability="assistance.fund",
        check=check,
        apply=stamp,
        data=paid,
    )
    return moved


@transaction.atomic
def record_clear_duplicate(
    *, actor: Actor, record: AssistanceRecord, reason: str
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
def record_cancel(*, actor: Actor, record: AssistanceRecord, reason: str) -> AssistanceRecord:
    return transition(record, "cancel", actor=actor, capability="assistance.fund", reason=reason)


def _line(record: AssistanceRecord) -> PaymentLine:
    case = record.case
    return PaymentLine(
        ref_id=record.pk,
        name=record.recipient_name,
        amount=record.amount,
        what=str(record.get_kind_display()),
        bank_name=case.bank_name if case else "",
        bank_account=case.bank_account if case else "",
        masked_id=case.masked_id_number if case else "",
        org_name=record.org.name,
    )


def records_to_pay(fund: Fund) -> Iterator[PaymentLine]:
    """The bank file's rows: the fund's pending records, less those flagged as duplicates."""
    records = (
        AssistanceRecord.objects.filter(fund=fund, status=RecordStatus.PENDING)
        .select_related("case", "org")
        .order_by("id")
    )
    return (_line(r) for r in records if not r.flagged)


def records_to_sign(fund: Fund, year: int) -> Iterator[PaymentLine]:
    """The 签领表's rows: the fund's records of the year, pending or paid."""
    records = (
        AssistanceRecord.objects.filter(fund=fund, created_at__year=year)
        .exclude(status=RecordStatus.CANCELLED)
        .select_related("case", "org")
        .order_by("org_path", "id")[: ledger.SIGN_SHEET_LIMIT]
    )
    return (_line(r) for r in records)
