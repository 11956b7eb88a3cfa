"""Every write to the member registry: one function per use case (DESIGN.md "Layout")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.accounts.models import PHONE_RE, normalize_phone, phone_index
from gonghui.core import counters, dicts
from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index, mask_id_number
from gonghui.core.identifiers import age_on, check_declared, validate_personal_id
from gonghui.core.notify import notify
from gonghui.core.scoping import Actor, require_capability, within
from gonghui.core.workflow import HistoryEntry, stamp_decision, transition
from gonghui.members import counters as member_counters
from gonghui.members.models import (
    ChangeKind,
    JoinApplication,
    Member,
    MembershipChange,
    MemberStatus,
    Transfer,
    TransferStatus,
)
from gonghui.members.services.cards import card_issue_locked, card_void_locked
from gonghui.orgs.models import GRASSROOTS_KINDS, Employer, Org

MIN_JOIN_AGE = 16
DICT_FIELDS = {
    "ethnicity": "ethnicity",
    "education": "education",
    "political_status": "political_status",
    "skill_level": "skill_level",
    "household_type": "household_type",
    "employment_status": "employment_status",
    "new_employment": "new_employment",
}


def notify_member(member: Member, template: str, **data: Any) -> None:
    """Tell the member: in the inbox when they have a login, else by SMS, else not at all."""
    data = {"name": member.name, **data}
    if member.account_id:
        notify(template=template, data=data, to_user=member.account, channel="inbox")
    elif member.phone:
        notify(template=template, data=data, to_phone=member.phone, channel="sms")


def id_index(number: str) -> str:
    return blind_index("id", number)


def _clean_dict_values(values: dict[str, str]) -> dict[str, str]:
    cleaned, errors = {}, {}
    for field, dictionary in DICT_FIELDS.items():
        text = (values.get(field) or "").strip()
        if not text:
            cleaned[field] = ""
            continue
        value = dicts.resolve(dictionary, text)
        if value is None:
            errors[field] = _("“%(text)s”不在字典中") % {"text": text}
        else:
            cleaned[field] = value.code
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def member_register(
    *,
    actor: Actor,
    union: Org,
    id_type: str,
    id_number: str,
    name: str,
    joined_on: dt.date,
    consent_purpose: str,
    gender: str = "",
    birth_date: dt.date | None = None,
    phone: str = "",
    employer: Employer | None = None,
    migrant_worker: bool = False,
    household_place: str = "",
    account: Actor | None = None,
    **dict_values: str,
) -> Member:
    """Register a member at a grassroots union (real name, ID checked, consent recorded)."""
    require_capability(actor, "members.manage", union.path)
    if union.kind not in GRASSROOTS_KINDS or not union.is_active:
        raise ValidationError({"union": _("会员只能登记在正常状态的基层工会")})
    unknown = set(dict_values) - set(DICT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    person = validate_personal_id(id_type, id_number)
    errors: dict[str, Any] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("姓名不能为空")
    try:
        check_declared(person, gender=gender, birth_date=birth_date)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    gender = person.gender or gender
    birth_date = person.birth_date or birth_date
    if gender not in ("M", "F"):
        errors["gender"] = _("请填写性别")
    if birth_date is None:
        errors["birth_date"] = _("请填写出生日期")
    elif joined_on < birth_date or age_on(birth_date, joined_on) < MIN_JOIN_AGE:
        errors["joined_on"] = _("入会时应年满%(age)d周岁") % {"age": MIN_JOIN_AGE}
    if joined_on > timezone.localdate():
        errors["joined_on"] = _("入会时间不能晚于今天")
    phone = normalize_phone(phone)
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("手机号码应为11位，以1开头，第二位为3至9")
    if employer is not None and (
        employer.union_id not in (union.pk, None)
        or (employer.union_id is None and not within(union.path, employer.org_path))
    ):
        # An employer without a union must have been registered on this union's line.
        errors["employer"] = _("工作单位不属于该工会")
    if not (consent_purpose or "").strip():
        errors["consent_purpose"] = _("请注明收集个人信息的目的（经本人同意）")
    try:
        cleaned = _clean_dict_values(dict_values)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = {}
    if errors:
        raise ValidationError(errors)
    assert birth_date is not None  # checked above
    index = id_index(person.number)
    if Member.objects.filter(id_type=person.id_type, id_index=index).exists():
        raise ValidationError({"id_number": _("该证件号码已登记为会员，一人只能有一条会员记录")})
    member = Member(
        id_type=person.id_type,
        id_number=person.number,
        id_index=index,
        name=name,
        gender=gender,
        birth_date=birth_date,
        phone=phone,
        phone_index=phone_index(phone),
        employer=employer,
        union=union,
        org_path=union.path,
        joined_on=joined_on,
        migrant_worker=migrant_worker,
        household_place=household_place.strip(),
        consent_at=timezone.now(),
        consent_purpose=consent_purpose.strip(),
        account=account,
        **cleaned,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent registration of the same person won
        raise ValidationError(
            {"id_number": _("该证件号码已登记为会员，一人只能有一条会员记录")}
        ) from exc
    _record(member, ChangeKind.JOINED, actor, reason=_("登记入会"), occurred_on=joined_on)
    counters.change([], member_counters.member_keys(member))
    card = card_issue_locked(member, actor=actor)
    notify_member(member, "members.member.registered", union=union.name, card=card.number)
    audit_record(
        action="members.member.registered",
        actor=actor,
        target=member,
        org_path=member.org_path,
        after={
            "name": name,
            "id_number": mask_id_number(person.number),
            "union": union.code,
            "purpose": member.consent_purpose,
        },
    )
    return member


@transaction.atomic
def member_reveal(*, actor: Actor, member: Member, field: str) -> str:
    """Show one unmasked personal field: needs ``reveal_pii`` and is audited (rule 3)."""
    if field not in ("id_number", "phone"):
        raise ValueError(field)
    if not actor.has_capability("reveal_pii", member.org_path):
        raise PermissionDenied("reveal_pii")
    audit_record(
        action="members.member.revealed",
        actor=actor,
        target=member,
        org_path=member.org_path,
        after={"field": field},
    )
    return str(getattr(member, field))


def members_dissolve_guard(org: Org) -> list[str]:
    """An org with members in it (any status but gone) may not be dissolved."""
    count = Member.objects.filter(
        union=org, status__in=[MemberStatus.ACTIVE, MemberStatus.RETAINED]
    ).count()
    if not count:
        return []
    return [
        ngettext("仍有%(n)d名会员，请先办理转会", "仍有%(n)d名会员，请先办理转会", count)
        % {"n": count}
    ]


def members_merge(*, source: Org, target: Org, actor: Actor) -> None:
    """Merging unions carries every member record to the surviving union."""
    moved_ids = list(Member.objects.filter(union=source).values_list("pk", flat=True))
    moved = Member.objects.filter(pk__in=moved_ids).update(union=target, org_path=target.path)
    member_counters.recount([source.path, target.path])
    open_transfers = Transfer.objects.filter(status=TransferStatus.ISSUED)
    # A transfer between the two merging unions has nothing left to do.
    open_transfers.filter(from_union=source, to_union=target).update(
        status=TransferStatus.CANCELLED, decision_note=_("工会合并")
    )
    open_transfers.filter(to_union=source).update(to_union=target, to_path=target.path)
    open_transfers.filter(from_union=source).update(from_union=target, from_path=target.path)
    JoinApplication.objects.filter(union=source).update(union=target, org_path=target.path)
    MembershipChange.objects.bulk_create(
        MembershipChange(
            member_id=pk,
            kind=ChangeKind.MERGED,
            from_union=source,
            to_union=target,
            org_path=target.path,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            occurred_on=timezone.localdate(),
            reason=_("工会合并"),
        )
        for pk in moved_ids
    )
    if moved:
        audit_record(
            action="members.member.merged",
            actor=actor,
            target=target,
            org_path=target.path,
            after={"from": source.code, "members": moved},
        )


# --- 会籍 lifecycle: dated records, declared transitions, row locks --------------------------

# The status moves of a member (core.workflow), each with its audit code, and the dated record
# each writes: (ChangeKind, whether a reason is required).
MEMBER_TRANSITIONS = {
    "retain": "members.member.retain",
    "restore": "members.member.restore",
    "withdraw": "members.member.withdraw",
    "expel": "members.member.expel",
}
STATUS_ACTIONS = {
    "retain": (ChangeKind.RETAINED, False),
    "restore": (ChangeKind.RESTORED, False),
    "withdraw": (ChangeKind.WITHDRAWN, True),
    "expel": (ChangeKind.EXPELLED, True),
}


def _record(
    member: Member,
    kind: str,
    actor: Actor,
    *,
    reason: str = "",
    from_status: str = "",
    from_union: Org | None = None,
    to_union: Org | None = None,
    occurred_on: dt.date | None = None,
) -> MembershipChange:
    return MembershipChange.objects.create(
        member=member,
        kind=kind,
        reason=reason,
        from_status=from_status,
        to_status=member.status,
        from_union=from_union,
        to_union=to_union,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        org_path=member.org_path,
        occurred_on=occurred_on or timezone.localdate(),
    )


def _lock_member(member: Member) -> Member:
    return Member.objects.select_for_update().get(pk=member.pk)


def _change_status_locked(
    *, actor: Actor, member: Member, action: str, reason: str, occurred_on: dt.date | None
) -> Member:
    """One status move of a locked member through core.workflow: the dated 会籍 record is
    written by the same call, after the history row (ADR 0021)."""
    kind, reason_required = STATUS_ACTIONS[action]
    reason = reason.strip()

    def check(row: Member) -> None:
        if reason_required and not reason:
            raise ValidationError({"reason": _("请填写原因")})
        if Transfer.objects.filter(member=row, status=TransferStatus.ISSUED).exists():
            raise ValidationError(_("%(name)s 有待接收的转会，请先撤回转会") % {"name": row.name})

    def record(row: Member, entry: HistoryEntry) -> None:
        _record(
            row, kind, actor, reason=reason, from_status=entry.from_state, occurred_on=occurred_on
        )

    counted_before = member_counters.member_keys(member)
    member = transition(
        member,
        action,
        actor=actor,
        capability="members.manage",
        locked=True,
        reason=reason,
        check=check,
        on_move=record,
    )
    counters.change(counted_before, member_counters.member_keys(member))
    if not member.is_current:
        card_void_locked(member)  # the card dies with the membership
    notify_member(member, "members.member.status", change=str(ChangeKind(kind).label))
    return member


@transaction.atomic
def member_change_status(
    *,
    actor: Actor,
    member: Member,
    action: str,
    reason: str = "",
    occurred_on: dt.date | None = None,
) -> Member:
    """保留会籍 / 恢复 / 退会 / 开除 for one member."""
    if action not in STATUS_ACTIONS:
        raise ValueError(action)
    return _change_status_locked(
        actor=actor,
        member=_lock_member(member),
        action=action,
        reason=reason,
        occurred_on=occurred_on,
    )


@transaction.atomic
def members_change_status_batch(
    *, actor: Actor, members: list[Member], action: str, reason: str = ""
) -> int:
    """The same change for selected members: all of them or, on any refusal, none."""
    if action not in STATUS_ACTIONS:
        raise ValueError(action)
    locked = Member.objects.select_for_update().filter(pk__in=[m.pk for m in members])
    problems: list[str] = []
    for member in locked.order_by("pk"):
        try:
            with transaction.atomic():
                _change_status_locked(
                    actor=actor, member=member, action=action, reason=reason, occurred_on=None
                )
        except ValidationError as exc:
            # The one workflow refusal names the state, not the member: say whose it is.
            problems.extend(m if member.name in m else f"{member.name}：{m}" for m in exc.messages)
    if problems:
        raise ValidationError(problems)
    return len(members)


@transaction.atomic
def transfer_issue(*, actor: Actor, member: Member, to_union: Org, reason: str) -> Transfer:
    """The sending union issues a transfer (组织关系接转) to a union found in the directory."""
    member = _lock_member(member)
    require_capability(actor, "members.manage", member.org_path)
    errors: dict[str, Any] = {}
    if not member.is_current:
        errors["member"] = _("%(name)s 已不是会员，不能转会") % {"name": member.name}
    if to_union.kind not in GRASSROOTS_KINDS or not to_union.is_active:
        errors["to_union"] = _("接收组织应为正常状态的基层工会")
    elif to_union.pk == member.union_id:
        errors["to_union"] = _("接收组织与所在工会相同")
    if not reason.strip():
        errors["reason"] = _("请填写转会原因")
    if Transfer.objects.filter(member=member, status=TransferStatus.ISSUED).exists():
        errors["member"] = _("%(name)s 已有待接收的转会") % {"name": member.name}
    if errors:
        raise ValidationError(errors)
    transfer = Transfer.objects.create(
        member=member,
        from_union=member.union,
        to_union=to_union,
        from_path=member.org_path,
        to_path=to_union.path,
        reason=reason.strip(),
        issued_by=actor,
    )
    audit_record(
        action="members.transfer.issued",
        actor=actor,
        target=transfer,
        org_path=member.org_path,
        after={"to": to_union.code, "reason": reason},
    )
    return transfer


# The moves of a transfer (core.workflow), each with its audit code; the receiving union
# decides (to_path), the sending union withdraws (from_path).
TRANSFER_TRANSITIONS = {
    "accept": "members.transfer.accepted",
    "reject": "members.transfer.rejected",
    "cancel": "members.transfer.cancelled",
}


def _decide(
    transfer: Transfer,
    name: str,
    actor: Actor,
    *,
    note: str = "",
    path_field: str = "to_path",
    **options: Any,
) -> Transfer:
    """Move a transfer, locked by the caller, through the one transition service, stamping
    who decided and when."""

    return transition(
        transfer,
        name,
        actor=actor,
        capability="members.manage",
        locked=True,
        path_field=path_field,
        reason=note,
        apply=stamp_decision(actor, decision_note=note),
        **options,
    )


def _lock_transfer(transfer: Transfer) -> Transfer:
    """Lock a transfer still open; one already decided says so (before the workflow's own
    state test, whose words name no repeat)."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != TransferStatus.ISSUED:
        raise ValidationError(
            _("该转会已%(status)s，不能重复处理") % {"status": transfer.get_status_display()}
        )
    return transfer


@transaction.atomic
def transfer_accept(*, actor: Actor, transfer: Transfer, note: str = "") -> Member:
    """The receiving union accepts: in one transaction the member changes union, and the dated
    会籍 record is written by the same transition call."""
    require_capability(actor, "members.manage", transfer.to_path)
    transfer = _lock_transfer(transfer)
    member = _lock_member(transfer.member)
    to_union = Org.objects.get(pk=transfer.to_union_id)
    from_union, from_path = member.union, member.org_path
    counted_before = member_counters.member_keys(member, with_cards=True)

    def check(row: Transfer) -> None:
        if not to_union.is_active:
            raise ValidationError(_("接收组织已撤销或合并"))

    def move_member(row: Transfer, entry: HistoryEntry) -> None:
        member.union, member.org_path = to_union, to_union.path
        if member.employer_id and member.employer.union_id != to_union.pk:  # type: ignore[union-attr]
            member.employer = None  # the new employer is recorded by the receiving union
        member.save(update_fields=["union", "org_path", "employer", "updated_at"])
        counters.change(counted_before, member_counters.member_keys(member, with_cards=True))
        _record(
            member,
            ChangeKind.TRANSFERRED,
            actor,
            reason=row.reason,
            from_status=member.status,
            from_union=from_union,
            to_union=to_union,
        )

    _decide(
        transfer,
        "accept",
        actor,
        note=note.strip(),
        check=check,
        on_move=move_member,
        data={"from_union": from_union.code, "from_path": from_path, "union": to_union.code},
    )
    notify_member(member, "members.transfer.accepted", union=to_union.name)
    return member


@transaction.atomic
def transfer_reject(*, actor: Actor, transfer: Transfer, note: str) -> Transfer:
    require_capability(actor, "members.manage", transfer.to_path)
    if not note.strip():
        raise ValidationError({"note": _("请填写退回理由")})
    transfer = _decide(_lock_transfer(transfer), "reject", actor, note=note.strip())
    notify_member(
        transfer.member,
        "members.transfer.rejected",
        union=transfer.to_union.name,
        note=transfer.decision_note,
    )
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: Actor, transfer: Transfer) -> Transfer:
    require_capability(actor, "members.manage", transfer.from_path)
    return _decide(_lock_transfer(transfer), "cancel", actor, path_field="from_path")


@transaction.atomic
def transfers_issue_batch(
    *, actor: Actor, members: list[Member], to_union: Org, reason: str
) -> list[Transfer]:
    """Transfers for selected members to one union (a unit moving its staff): all or none."""
    issued: list[Transfer] = []
    problems: list[str] = []
    for member in sorted(members, key=lambda m: m.pk):
        try:
            with transaction.atomic():
                issued.append(
                    transfer_issue(actor=actor, member=member, to_union=to_union, reason=reason)
                )
        except ValidationError as exc:
            problems.extend(f"{member.name}：{m}" for m in exc.messages)
    if problems:
        raise ValidationError(problems)
    return issued
