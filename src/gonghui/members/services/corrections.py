"""更正申请: a member asks to correct their registry data; an officer of their union decides.

Approval re-validates the new values as registration would (an ID number's checksum and date,
uniqueness through the blind index, a phone's format, dictionary values) and applies them under
a row lock, audited with masked values (DESIGN.md rules 2-4).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts.models import PHONE_RE, normalize_phone, phone_index
from gonghui.core import counters, dicts
from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index, mask_id_number, mask_phone
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.notify import notify
from gonghui.core.scoping import Actor, Viewer, require_capability, scoped
from gonghui.core.workflow import stamp_decision, transition
from gonghui.members import counters as member_counters
from gonghui.members.models import CorrectionRequest, CorrectionStatus, Member

# Field -> (label, dictionary or "")
CORRECTABLE: dict[str, tuple[str | Promise, str]] = {
    "name": (gettext_lazy("姓名"), ""),
    "id_number": (gettext_lazy("证件号码"), ""),
    "phone": (gettext_lazy("手机号码"), ""),
    "ethnicity": (gettext_lazy("民族"), "ethnicity"),
    "political_status": (gettext_lazy("政治面貌"), "political_status"),
    "education": (gettext_lazy("学历"), "education"),
    "household_place": (gettext_lazy("户籍所在地"), ""),
}
MASKERS = {"id_number": mask_id_number, "phone": mask_phone}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str

    @property
    def masked_old(self) -> str:
        return MASKERS.get(self.field, str)(self.old)

    @property
    def masked_new(self) -> str:
        return MASKERS.get(self.field, str)(self.new)


def current_value(member: Member, field: str) -> str:
    value = str(getattr(member, field) or "")
    dictionary = CORRECTABLE[field][1]
    return dicts.label(dictionary, value) if dictionary and value else value


def changes_of(correction: CorrectionRequest) -> list[Change]:
    data: dict[str, list[str]] = json.loads(correction.changes or "{}")
    return [
        Change(field, str(CORRECTABLE[field][0]), old, new)
        for field, (old, new) in data.items()
        if field in CORRECTABLE
    ]


def field_labels(correction: CorrectionRequest) -> str:
    return "、".join(
        str(CORRECTABLE[f][0]) for f in correction.fields.split(",") if f in CORRECTABLE
    )


def _masked(changes: dict[str, list[str]]) -> dict[str, list[str]]:
    return {f: [MASKERS.get(f, str)(o), MASKERS.get(f, str)(n)] for f, (o, n) in changes.items()}


def _clean_new_values(member: Member, values: dict[str, str]) -> tuple[dict[str, Any], dict]:
    """Validate the requested values; return (model field -> value, errors by field)."""
    updates: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for field, raw in values.items():
        text = " ".join((raw or "").split())
        if field == "name":
            if not text:
                errors[field] = _("姓名不能为空")
            updates["name"] = text
        elif field == "id_number":
            try:
                person = validate_personal_id(member.id_type, text)
            except ValidationError as exc:
                errors[field] = exc.messages
                continue
            index = blind_index("id", person.number)
            taken = Member.objects.filter(id_type=person.id_type, id_index=index).exclude(
                pk=member.pk
            )
            if taken.exists():
                errors[field] = _("该证件号码已登记为会员，一人只能有一条会员记录")
            updates.update(id_number=person.number, id_index=index)
            if person.gender:
                updates["gender"] = person.gender
            if person.birth_date:
                updates["birth_date"] = person.birth_date
        elif field == "phone":
            phone = normalize_phone(text)
            if not PHONE_RE.match(phone):
                errors[field] = _("手机号码应为11位，以1开头，第二位为3至9")
            updates.update(phone=phone, phone_index=phone_index(phone))
        elif CORRECTABLE[field][1]:
            value = dicts.resolve(CORRECTABLE[field][1], text)
            if value is None:
                errors[field] = _("“%(text)s”不在字典中") % {"text": text}
            else:
                updates[field] = value.code
        else:
            updates[field] = text[:100]
    return updates, errors


@transaction.atomic
def correction_request(
    *, actor: Actor, member: Member, values: dict[str, str], note: str = ""
) -> CorrectionRequest:
    """The member asks for new values of some fields (only their own record)."""
    if member.account_id is None or member.account_id != getattr(actor, "pk", None):
        raise PermissionDenied("members.correction.request")
    member = Member.objects.select_for_update().get(pk=member.pk)
    if CorrectionRequest.objects.filter(member=member, status=CorrectionStatus.PENDING).exists():
        raise ValidationError(_("您已有一份待审核的更正申请，请等待工会处理"))
    requested = {
        f: v for f, v in values.items() if f in CORRECTABLE and " ".join((v or "").split())
    }
    requested = {
        f: v for f, v in requested.items() if " ".join(v.split()) != current_value(member, f)
    }
    if not requested:
        raise ValidationError(_("请至少填写一项与现有登记不同的新信息"))
    _updates, errors = _clean_new_values(member, requested)
    if errors:
        raise ValidationError(errors)
    changes = {f: [current_value(member, f), " ".join(v.split())] for f, v in requested.items()}
    correction = CorrectionRequest.objects.create(
        member=member,
        org_path=member.org_path,
        fields=",".join(changes),
        changes=json.dumps(changes, ensure_ascii=False),
        note=note.strip()[:200],
        requested_by=actor,
    )
    audit_record(
        action="members.correction.requested",
        actor=actor,
        target=member,
        org_path=member.org_path,
        after={"changes": _masked(changes)},
    )
    return correction


def _lock_pending(correction: CorrectionRequest) -> CorrectionRequest:
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if correction.status != CorrectionStatus.PENDING:
        raise ValidationError(_("该申请已处理"))
    return correction


# The decisions on a request (core.workflow, ADR 0021), each with its audit code.
CORRECTION_TRANSITIONS = {
    "approve": "members.correction.approved",
    "reject": "members.correction.rejected",
}


def _decide(
    correction: CorrectionRequest, name: str, actor: Actor, note: str, data: dict[str, Any]
) -> CorrectionRequest:
    """Decide a request locked by the caller, filed at the member's current union, through the
    one transition service: the officer's capability there, the history row and the audit row
    (masked values only) in the caller's transaction."""

    return transition(
        correction,
        name,
        actor=actor,
        capability="members.manage",
        locked=True,
        reason=note,
        data=data,
        apply=stamp_decision(actor, decision_note=note),
        target_label=correction.member.name,
    )


@transaction.atomic
def correction_approve(
    *, actor: Actor, correction: CorrectionRequest, note: str = ""
) -> CorrectionRequest:
    """Apply the new values after checking them again against today's registry."""
    correction = _lock_pending(correction)
    member = Member.objects.select_for_update().get(pk=correction.member_id)
    require_capability(actor, "members.manage", member.org_path)
    correction.org_path = member.org_path
    changes: dict[str, list[str]] = json.loads(correction.changes)
    updates, errors = _clean_new_values(member, {f: new for f, (_old, new) in changes.items()})
    if errors:
        raise ValidationError(
            [
                f"{CORRECTABLE[f][0]}：{'；'.join(m if isinstance(m, list) else [m])}"
                for f, m in errors.items()
            ]
        )
    before = {f: current_value(member, f) for f in changes}
    counted_before = member_counters.member_keys(member)
    for field, value in updates.items():
        setattr(member, field, value)
    try:
        with transaction.atomic():
            member.save(update_fields=[*updates, "updated_at"])
    except IntegrityError as exc:  # the same ID registered concurrently
        raise ValidationError(_("该证件号码已登记为会员，一人只能有一条会员记录")) from exc
    counters.change(counted_before, member_counters.member_keys(member))  # gender, birth year …
    applied = {f: [before[f], current_value(member, f)] for f in changes}
    correction.member = member
    correction = _decide(
        correction, "approve", actor, note.strip()[:200], {"changes": _masked(applied)}
    )
    _tell(correction, member)
    return correction


@transaction.atomic
def correction_reject(
    *, actor: Actor, correction: CorrectionRequest, note: str
) -> CorrectionRequest:
    correction = _lock_pending(correction)
    require_capability(actor, "members.manage", correction.member.org_path)
    if not note.strip():
        raise ValidationError({"note": _("不同意更正时须说明理由")})
    correction.org_path = correction.member.org_path
    correction = _decide(correction, "reject", actor, note.strip()[:200], {})
    _tell(correction, correction.member)
    return correction


def _tell(correction: CorrectionRequest, member: Member) -> None:
    if member.account_id:
        notify(
            template="members.correction.decided",
            data={
                "name": member.name,
                "status": str(correction.get_status_display()),
                "note": correction.decision_note or "—",
            },
            to_user=member.account,
            url="/m/profile/",
        )


# --- reads ----------------------------------------------------------------------------------


def correction_list(
    *, viewer: Viewer | None, pending_only: bool = True
) -> QuerySet[CorrectionRequest]:
    """The requests of members in the viewer's scope (the officer side)."""
    # By the member's current path: a request made before a transfer goes to the new union.
    qs = scoped(
        CorrectionRequest.objects.select_related("member__union"), viewer, "member__org_path"
    )
    if pending_only:
        qs = qs.filter(status=CorrectionStatus.PENDING)
    return qs.order_by("created_at", "id")


def correction_get(*, viewer: Viewer | None, pk: int) -> CorrectionRequest:
    correction = correction_list(viewer=viewer, pending_only=False).filter(pk=pk).first()
    if correction is None:
        raise Http404
    return correction


def own_corrections(*, member: Member) -> Iterable[CorrectionRequest]:
    own = CorrectionRequest.objects.unscoped(reason="the signed-in member's own requests")
    return own.filter(member=member).order_by("-created_at", "-id")[:10]
