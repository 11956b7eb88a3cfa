"""会费 services (DOMAIN.md §2.2–§2.3): a member's wage and dues of a month, receipts, the
upward shares, the wage's audited reveal, education records and 视为自动退会.

Money: a receipt is deposited into the union's 会费 fund (core.ledger) and each upper level's
share is paid out of it at once, with the share row as the entry's reference."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import counters, ledger
from gonghui.core.audit import audit_record
from gonghui.core.models_ledger import Fund
from gonghui.core.scoping import Actor, require_capability
from gonghui.governance import rules
from gonghui.governance.models.dues import (
    DuesEducation,
    DuesMonth,
    DuesPayment,
    DuesStatus,
    EducationOutcome,
    LevelShare,
    PayMethod,
    SplitKind,
    SplitRule,
    StaffKind,
)
from gonghui.members.models import Member, MemberStatus
from gonghui.members.services.members import member_change_status

DUES_CAPABILITY = "governance.dues"
DUES_FUND = "gov_dues"  # no dots: the audit page shows a fund purpose as it is
FUNDS_FUND = "gov_funds"
# Built-in split where no org on the chain set one (DESIGN.md rule 10): dues stay with the
# grassroots union that collects them; 经费 60 % 留成, 40 % 上解 (the usual provincial pattern;
# a province sets its own rows).
DEFAULT_SPLITS: dict[str, list[tuple[str, Decimal]]] = {
    SplitKind.DUES: [("基层工会留成", Decimal(100))],
    SplitKind.FUNDS: [("基层工会留成", Decimal(60)), ("上级工会", Decimal(40))],
}


def fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _counted(row: DuesMonth) -> dict[tuple[str, str], int]:
    """The counters a dues month adds to (in fen): due, and paid once paid."""
    out = {(row.org_path, "governance.dues.due_fen"): fen(row.due)}
    if row.status == DuesStatus.PAID:
        out[(row.org_path, "governance.dues.paid_fen")] = fen(row.due)
    return out


def _delta(before: Mapping[tuple[str, str], int], after: Mapping[tuple[str, str], int]) -> None:
    keys = set(before) | set(after)
    deltas = {k: after.get(k, 0) - before.get(k, 0) for k in keys}
    deltas = {k: v for k, v in deltas.items() if v}
    if deltas:
        counters.bump(deltas)


def _clean_parts(parts: Mapping[str, Any]) -> dict[str, Decimal]:
    cleaned: dict[str, Decimal] = {}
    for code, value in parts.items():
        if value in (None, ""):
            continue
        amount = ledger.money(value, code)
        if amount:
            cleaned[code] = amount
    return cleaned


def _lock_member(member: Member) -> Member:
    # The employer is optional (an outer join): lock the member's row only (PostgreSQL refuses
    # FOR UPDATE on the nullable side of an outer join).
    return (
        Member.objects.select_for_update(of=("self",)).select_related("employer").get(pk=member.pk)
    )


@transaction.atomic
def dues_month_set(
    *,
    actor: Actor,
    member: Member,
    month: dt.date,
    parts: Mapping[str, Any],
    staff_kind: str = StaffKind.CADRE,
) -> DuesMonth:
    """Enter (or correct, while unpaid) a member's wage of a month: the dues follow by rule."""
    member = _lock_member(member)
    require_capability(actor, DUES_CAPABILITY, member.org_path)
    if not member.is_current:
        raise ValidationError(_("%(name)s 已不是会员，不计会费") % {"name": member.name})
    if staff_kind not in StaffKind.values:
        raise ValidationError({"staff_kind": _("人员类别不在列表中")})
    month = rules.month_start(month)
    if month > rules.month_start(timezone.localdate()):
        raise ValidationError({"month": _("不能录入未来月份的工资")})
    wage = _clean_parts(parts)
    if not wage:
        raise ValidationError({"parts": _("请填写工资")})
    unit = rules.unit_kind_of(member.employer.ownership if member.employer else "")
    try:
        decision = rules.member_dues(
            unit_kind=unit,
            staff_kind=staff_kind,
            parts=wage,
            retained=member.status == MemberStatus.RETAINED,
        )
    except ValueError as exc:
        raise ValidationError({"parts": str(exc)}) from exc
    row = DuesMonth.objects.select_for_update().filter(member=member, month=month).first()
    if row is not None and row.status == DuesStatus.PAID:
        raise ValidationError(
            _("%(name)s %(month)s 的会费已缴纳，不能再改工资")
            % {"name": member.name, "month": f"{month:%Y-%m}"}
        )
    before = _counted(row) if row is not None else {}
    created = row is None
    if row is None:
        row = DuesMonth(member=member, month=month)
    row.union_id, row.org_path = member.union_id, member.org_path
    row.unit_kind, row.staff_kind = unit, staff_kind
    row.wage_parts = {k: str(v) for k, v in wage.items()}
    row.wage_base = decision.base
    row.due = decision.amount
    row.status = DuesStatus.EXEMPT if decision.amount == 0 else DuesStatus.DUE
    row.rule = "；".join(decision.reasons)[:300]
    row.save()
    _delta(before, _counted(row))
    # The wage is personal data: the audit row says that it changed, not what it is.
    audit_record(
        action="governance.dues.set",
        actor=actor,
        target=row,
        org_path=row.org_path,
        after={"month": f"{month:%Y-%m}", "due": str(row.due), "created": created},
    )
    return row


def _split_rule(kind: str, org_path: str) -> tuple[list[tuple[str, Decimal]], str]:
    from gonghui.core.inherited import nearest_rule

    with_kind = SplitRule.objects.unscoped(reason="rules are inherited down the tree")
    rule = nearest_rule(SplitRule, org_path, rows=with_kind.filter(kind=kind))
    if rule is None:
        return DEFAULT_SPLITS[kind], _("默认分成比例")
    return rule.percents(), rule.note or _("%(org)s 设定的分成比例") % {"org": rule.org}


def union_fund(*, actor: Actor, union: Any, purpose: str) -> Fund:
    """The union's fund of ``purpose`` (会费 or 经费), opened on first use."""
    fund = Fund.objects.unscoped(reason="the caller checked its capability").filter(
        org=union, purpose=purpose
    )
    found = fund.order_by("pk").first()
    if found is not None:
        return found
    return ledger.fund_create(
        actor=actor, org=union, name=str(ledger.purpose_label(purpose)), purpose=purpose
    )


def book_receipt(
    *, actor: Actor, kind: str, receipt: Any, union: Any, amount: Decimal, memo: str
) -> list[LevelShare]:
    """Deposit a receipt into the union's fund, split it by the rule in force and pay each
    upper level's share out of the fund, each share a row (the upward shares as data)."""
    percents, source = _split_rule(kind, union.path)
    fund = union_fund(actor=actor, union=union, purpose=DUES_FUND if kind == "dues" else FUNDS_FUND)
    ledger.fund_deposit(actor=actor, fund=fund, amount=amount, memo=memo)
    shares = []
    for index, share in enumerate(rules.level_split(amount, percents)):
        row = LevelShare.objects.create(
            kind=kind,
            receipt_id=receipt.pk,
            org_path=union.path,
            level=share.level,
            percent=share.percent,
            amount=share.amount,
            rule=str(source)[:200],
        )
        if index and share.amount > 0:
            ledger.fund_debit(
                fund=fund,
                amount=share.amount,
                memo=_("上解%(level)s：%(memo)s") % {"level": share.level, "memo": memo},
                actor=actor,
                reference=row,
            )
        shares.append(row)
    return shares


def receipt_number(prefix: str) -> str:
    """A receipt number nobody types: the date and a random tail (unique by constraint)."""
    return f"{prefix}{timezone.localdate():%Y%m%d}{secrets.token_hex(4).upper()}"


@transaction.atomic
def dues_pay(
    *,
    actor: Actor,
    member: Member,
    months: Iterable[dt.date],
    method: str,
    paid_on: dt.date | None = None,
) -> DuesPayment:
    """One receipt for some of a member's unpaid months (工资代扣, 现金 or 网上)."""
    member = _lock_member(member)
    require_capability(actor, DUES_CAPABILITY, member.org_path)
    if method not in PayMethod.values:
        raise ValidationError({"method": _("缴纳方式不在列表中")})
    if paid_on is not None and paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("缴纳日期不能晚于今天")})
    wanted = sorted({rules.month_start(m) for m in months})
    if not wanted:
        raise ValidationError({"months": _("请选择缴纳的月份")})
    rows = list(
        DuesMonth.objects.select_for_update()
        .filter(member=member, month__in=wanted)
        .order_by("month")
    )
    found = {r.month for r in rows}
    missing = [f"{m:%Y-%m}" for m in wanted if m not in found]
    if missing:
        raise ValidationError({"months": _("未核定会费的月份：%(m)s") % {"m": "、".join(missing)}})
    not_due = [f"{r.month:%Y-%m}" for r in rows if r.status != DuesStatus.DUE]
    if not_due:
        raise ValidationError(
            {"months": _("这些月份已缴纳或免缴：%(m)s") % {"m": "、".join(not_due)}}
        )
    total = sum((r.due for r in rows), Decimal(0))
    payment = DuesPayment.objects.create(
        member=member,
        union_id=member.union_id,
        org_path=member.org_path,
        receipt_no=receipt_number("HF"),
        method=method,
        amount=total,
        paid_on=paid_on or timezone.localdate(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for row in rows:
        before = _counted(row)
        row.status, row.payment = DuesStatus.PAID, payment
        row.save(update_fields=["status", "payment", "updated_at"])
        _delta(before, _counted(row))
    book_receipt(
        actor=actor,
        kind=SplitKind.DUES,
        receipt=payment,
        union=member.union,
        amount=total,
        memo=_("%(name)s 会费 %(months)s")
        % {"name": member.name, "months": "、".join(f"{m:%Y-%m}" for m in wanted)},
    )
    audit_record(
        action="governance.dues.paid",
        actor=actor,
        target=payment,
        org_path=member.org_path,
        after={"amount": str(total), "months": [f"{m:%Y-%m}" for m in wanted], "method": method},
    )
    return payment


@transaction.atomic
def dues_wage_reveal(*, actor: Actor, row: DuesMonth) -> dict[str, str]:
    """The wage behind a month's dues, unmasked: needs ``reveal_pii`` and is audited."""
    if not actor.has_capability("reveal_pii", row.org_path):
        raise PermissionDenied("reveal_pii")
    audit_record(
        action="governance.dues.wage_revealed",
        actor=actor,
        target=row,
        org_path=row.org_path,
        after={"month": f"{row.month:%Y-%m}"},
    )
    return {"base": str(row.wage_base), **(row.wage_parts or {})}


@transaction.atomic
def dues_education_record(
    *, actor: Actor, member: Member, educated_on: dt.date, outcome: str, note: str
) -> DuesEducation:
    """The talk with a member who stopped paying, and its outcome."""
    require_capability(actor, DUES_CAPABILITY, member.org_path)
    errors = {}
    if outcome not in EducationOutcome.values:
        errors["outcome"] = _("结果不在列表中")
    if not note.strip():
        errors["note"] = _("请填写情况记录")
    if educated_on > timezone.localdate():
        errors["educated_on"] = _("教育日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    record = DuesEducation.objects.create(
        member=member,
        org_path=member.org_path,
        educated_on=educated_on,
        outcome=outcome,
        note=note.strip()[:300],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="governance.dues.educated",
        actor=actor,
        target=member,
        org_path=member.org_path,
        after={"outcome": outcome, "on": educated_on.isoformat()},
    )
    return record


def withdrawal_check(
    *, member: Member, through: dt.date, participated: bool
) -> rules.WithdrawalDecision:
    """The 自动退会 rule for ``member`` on the months up to ``through``: the streak from the
    dues rows, the refusal from the latest education record inside the streak."""
    owed = {
        r.month: r.status == DuesStatus.PAID
        for r in DuesMonth.objects.unscoped(reason="the caller checked its capability")
        .filter(member=member, month__lte=rules.month_start(through))
        .exclude(status=DuesStatus.EXEMPT)
        .only("month", "status")
    }
    streak = rules.unpaid_streak(owed, through)
    refused = False
    if streak:
        first_unpaid = rules.month_start(through)
        for _i in range(streak - 1):
            first_unpaid = rules.previous_month(first_unpaid)
        latest = (
            DuesEducation.objects.unscoped(reason="the caller checked its capability")
            .filter(member=member, educated_on__gte=first_unpaid)
            .order_by("-educated_on", "-id")
            .first()
        )
        refused = latest is not None and latest.outcome == EducationOutcome.REFUSED
    return rules.auto_withdrawal(
        streak=streak, participated=participated, education_refused=refused
    )


@transaction.atomic
def dues_auto_withdraw(
    *, actor: Actor, member: Member, through: dt.date, participated: bool
) -> Member:
    """视为自动退会 when the rule holds, through the members' lifecycle (its dated record);
    refused with the rule's reasons otherwise. ``participated``: the officer's finding whether
    the member took part in union life over the months."""
    member = _lock_member(member)
    require_capability(actor, DUES_CAPABILITY, member.org_path)
    decision = withdrawal_check(member=member, through=through, participated=participated)
    if not decision.applies:
        raise ValidationError(list(decision.reasons))
    member = member_change_status(
        actor=actor, member=member, action="withdraw", reason=decision.reasons[0]
    )
    audit_record(
        action="governance.dues.auto_withdrawn",
        actor=actor,
        target=member,
        org_path=member.org_path,
        after={"streak": decision.streak, "through": f"{through:%Y-%m}"},
    )
    return member


def dues_counter_source(paths: Iterable[str] | None = None) -> Iterable[tuple[str, str, int]]:
    """Rebuild of the dues counters (fen) from the rows."""
    from django.db.models import Sum

    rows = DuesMonth.objects.unscoped(reason="counter rebuild")
    if paths is not None:
        rows = rows.filter(org_path__in=list(paths))
    for path, due in (
        rows.values_list("org_path").annotate(s=Sum("due")).values_list("org_path", "s")
    ):
        yield path, "governance.dues.due_fen", fen(due or Decimal(0))
    paid = rows.filter(status=DuesStatus.PAID).values_list("org_path").annotate(s=Sum("due"))
    for path, amount in paid.values_list("org_path", "s"):
        yield path, "governance.dues.paid_fen", fen(amount or Decimal(0))


def dues_merge(*, source: Any, target: Any, actor: Actor) -> None:
    """A merged union's dues, receipts, 经费 months and 催缴函 go to the surviving union."""
    from gonghui.governance.models.funds import FundsMonth, FundsReminder

    for model in (DuesMonth, DuesPayment, FundsMonth, FundsReminder):
        model.objects.unscoped(reason="org_merge checked orgs.manage over both orgs").filter(
            union=source
        ).update(union=target, org_path=target.path)


MERGED_MODELS = ("DuesMonth", "DuesPayment", "FundsMonth", "FundsReminder")
