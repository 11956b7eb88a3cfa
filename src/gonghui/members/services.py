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
from gonghui.core import dicts
from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index, mask_id_number
from gonghui.core.identifiers import age_on, check_declared, validate_personal_id
from gonghui.core.scoping import require_capability
from gonghui.members.models import Member, MemberStatus
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
    actor: Any,
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
    if employer is not None and employer.union_id not in (union.pk, None):
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
        **cleaned,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent registration of the same person won
        raise ValidationError(
            {"id_number": _("该证件号码已登记为会员，一人只能有一条会员记录")}
        ) from exc
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
def member_reveal(*, actor: Any, member: Member, field: str) -> str:
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


def members_merge(*, source: Org, target: Org, actor: Any) -> None:
    """Merging unions carries every member record to the surviving union."""
    moved = Member.objects.filter(union=source).update(union=target, org_path=target.path)
    if moved:
        audit_record(
            action="members.member.merged",
            actor=actor,
            target=target,
            org_path=target.path,
            after={"from": source.code, "members": moved},
        )
