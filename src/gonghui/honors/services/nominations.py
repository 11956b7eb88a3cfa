"""The nominating side of a call: candidates (a member, a non-member worker identified by ID,
a team, a unit), the 征求意见 answers, evidence files, the list each level sends upward within
its quota under the live composition check, and the objections of 公示."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.scoping import Actor, ExplainedRefusal, require_capability, within
from gonghui.honors import rules
from gonghui.honors.models import (
    AwardCall,
    CallStatus,
    Consultation,
    ConsultedBody,
    Evidence,
    Honour,
    Nomination,
    NominationStatus,
    Objection,
    Quota,
    RecipientKind,
    Submission,
)
from gonghui.honors.services.moves import move
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Employer, Org

MANAGE = "honors.manage"
APPROVE = "honors.approve"
EVIDENCE_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png"})
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# The flags a candidate carries for the composition rules (DOMAIN.md §4).
FLAGS = rules.CANDIDATE_FLAGS


def _today() -> dt.date:
    return timezone.localdate()


def composition_of(call: AwardCall, listed: list[Nomination]) -> rules.Composition:
    return rules.composition_for(call.rule, listed)


def _person_fields(
    call: AwardCall, member: Member | None, id_type: str, id_number: str, name: str
) -> dict[str, Any]:
    """A member brings the registry's record; a non-member worker is identified by a validated
    ID (its blind index is the same as the registry's, so one person is one person)."""
    if member is not None:
        return {
            "member": member,
            "name": member.name,
            "id_number": member.id_number,
            "id_index": member.id_index,
            "gender": member.gender,
            "birth_date": member.birth_date,
            "political_status": member.political_status,
            "education": member.education,
        }
    if call.award_type.requires_membership:
        raise ValidationError({"member": _("该荣誉须从会员中推荐，请选择会员")})
    if not name.strip():
        raise ValidationError({"name": _("请填写姓名")})
    pid = validate_personal_id(id_type or "resident", id_number)
    return {
        "name": name.strip(),
        "id_number": pid.number,
        "id_index": blind_index("id", pid.number),
        "gender": pid.gender,
        "birth_date": pid.birth_date,
    }


def _eligibility(call: AwardCall, fields: dict[str, Any]) -> None:
    member = fields.get("member")
    index = fields.get("id_index", "")
    holds_same = (
        bool(index) and Honour.objects.filter(award_type=call.award_type, id_index=index).exists()
    )
    nominated = bool(index) and (
        Nomination.objects.filter(call=call, id_index=index)
        .exclude(status=NominationStatus.WITHDRAWN)
        .exists()
    )
    refusals = rules.eligibility_refusals(
        requires_membership=call.award_type.requires_membership,
        is_member_in_good_standing=member is not None and member.status == MemberStatus.ACTIVE,
        national=call.award_type.national,
        already_holds_same=holds_same,
        already_nominated=nominated,
    )
    if refusals:
        raise ExplainedRefusal("；".join(refusals))


def nomination_create(
    *,
    actor: Actor,
    call: AwardCall,
    org: Org,
    deeds: str,
    member: Member | None = None,
    name: str = "",
    id_type: str = "resident",
    id_number: str = "",
    team: Org | None = None,
    employer: Employer | None = None,
    position: str = "",
    flags: dict[str, bool] | None = None,
    nominated_on: dt.date | None = None,
) -> Nomination:
    """A union in the call's subtree nominates one candidate on its own list."""
    require_capability(actor, MANAGE, org.path)
    if not within(org.path, call.org_path):
        raise ValidationError({"org": _("推荐单位不在本次评选范围内")})
    if call.status != CallStatus.OPEN:
        raise ExplainedRefusal(_("推荐已截止"))
    if not deeds.strip():
        raise ValidationError({"deeds": _("请填写主要事迹")})
    kind = call.award_type.recipient_kind
    fields: dict[str, Any] = {"position": position, "employer": employer}
    if kind == RecipientKind.PERSON:
        if member is not None and not within(member.org_path, org.path):
            raise ValidationError({"member": _("只能推荐本单位及下级工会的会员")})
        fields.update(_person_fields(call, member, id_type, id_number, name))
        if member is not None and employer is None:
            fields["employer"] = member.employer
    elif kind == RecipientKind.TEAM:
        if team is None or not within(team.path, org.path):
            raise ValidationError({"team": _("请选择本单位范围内的集体(班组)")})
        fields.update({"team": team, "name": name.strip() or team.name})
    else:
        if employer is None or not within(employer.org_path, org.path):
            raise ValidationError({"employer": _("请选择本单位范围内的用人单位")})
        fields["name"] = employer.name
    for flag, value in (flags or {}).items():
        if flag not in FLAGS:
            raise ValidationError({flag: _("未知的人选类别")})
        fields[flag] = bool(value)
    _eligibility(call, fields)
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                call=call,
                org=org,
                org_path=org.path,
                at_org=org,
                kind=kind,
                deeds=deeds.strip(),
                nominated_on=nominated_on or _today(),
                created_by=actor,
                **fields,
            )
            audit_record(
                action="honors.nomination.created",
                actor=actor,
                target=nomination,
                org_path=org.path,
                after={"call": call.pk, "kind": kind},
            )
    except IntegrityError as exc:  # two officers nominating the same person at once
        raise ExplainedRefusal(_("该人选已在本次评选中被推荐")) from exc
    return nomination


def nomination_consult(
    *,
    actor: Actor,
    nomination: Nomination,
    body: str,
    agreed: bool,
    answered_on: dt.date,
    note: str = "",
) -> Consultation:
    """征求意见: one body's yes/no with its date (recorded, replaced if answered again)."""
    require_capability(actor, MANAGE, nomination.org_path)
    if body not in ConsultedBody.values:
        raise ValidationError({"body": _("征求意见单位不在列表中")})
    if answered_on > _today():
        raise ValidationError({"answered_on": _("回复日期不能晚于今天")})
    with transaction.atomic():
        row, _created = Consultation.objects.update_or_create(
            nomination=nomination,
            body=body,
            defaults={"agreed": agreed, "answered_on": answered_on, "note": note[:200]},
        )
        audit_record(
            action="honors.nomination.consulted",
            actor=actor,
            target=nomination,
            org_path=nomination.org_path,
            after={"body": body, "agreed": agreed, "on": answered_on.isoformat()},
        )
    return row


def evidence_add(
    *, actor: Actor, nomination: Nomination, title: str, upload: UploadedFile
) -> Evidence:
    """An evidence file, encrypted at rest under a random name (core.storage)."""
    require_capability(actor, MANAGE, nomination.org_path)
    name = upload.name or "file"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"file": _("请上传 PDF 或图片（jpg、png）")})
    if (upload.size or 0) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("文件不能超过10MB")})
    with transaction.atomic():
        evidence = Evidence(
            nomination=nomination,
            title=(title or name)[:100],
            original_name=name[:200],
            org_path=nomination.org_path,
            uploaded_by=actor,
        )
        evidence.file.save(name, upload, save=False)
        evidence.save()
        audit_record(
            action="honors.nomination.evidence_added",
            actor=actor,
            target=nomination,
            org_path=nomination.org_path,
            after={"title": evidence.title},
        )
    return evidence


def list_submit(
    *,
    actor: Actor,
    call: AwardCall,
    org: Org,
    chosen: list[int],
    override_reason: str = "",
) -> Submission:
    """An org sends its list to its parent: the chosen candidates it holds climb one level,
    the others it holds are not recommended. Refused over the org's quota, with a negative
    征求意见, or while the composition check fails unless a written reason is given (the
    override is audited)."""
    require_capability(actor, MANAGE, org.path)
    if org.pk == call.org_id or org.parent is None or not within(org.path, call.org_path):
        raise ValidationError({"org": _("评选单位不需上报；请在评选页办理公示")})
    with transaction.atomic():
        locked_call = AwardCall.objects.select_for_update().get(pk=call.pk)
        if locked_call.status != CallStatus.OPEN:
            raise ExplainedRefusal(_("推荐已截止"))
        if Submission.objects.filter(call=locked_call, org=org).exists():
            raise ExplainedRefusal(_("本单位已上报推荐名单"))
        held = list(
            Nomination.objects.select_for_update()
            .filter(
                call=locked_call,
                at_org=org,
                status__in=[NominationStatus.DRAFT, NominationStatus.PROPOSED],
            )
            .order_by("id")
        )
        picked = [n for n in held if n.pk in set(chosen)]
        if len(picked) != len(set(chosen)):
            raise ValidationError({"chosen": _("所选人选不在本单位的推荐名单中")})
        quota = Quota.objects.filter(call=locked_call, org=org).first()
        refusal = rules.quota_refusal(quota.seats if quota else None, len(picked))
        if refusal:
            raise ExplainedRefusal(refusal)
        vetoed = [n.name for n in picked if n.consultations.filter(agreed=False).exists()]
        if vetoed:
            raise ExplainedRefusal(
                _("征求意见未通过，不能上报：%(names)s") % {"names": "、".join(vetoed)}
            )
        composition = composition_of(locked_call, picked)
        reason = override_reason.strip()
        if not composition.holds and not reason:
            raise ExplainedRefusal(
                _("推荐名单结构不符合要求：%(why)s。请调整名单，或填写书面说明后上报")
                % {"why": "；".join(composition.reasons)}
            )
        parent = org.parent
        submission = Submission.objects.create(
            call=locked_call,
            org=org,
            org_path=org.path,
            to_org=parent,
            submitted_on=_today(),
            submitted_by=actor,
            composition=composition.as_dict(),
            override_reason=reason if not composition.holds else "",
        )

        def climb(n: Nomination) -> None:
            n.at_org = parent

        for nomination in picked:
            name = "propose" if nomination.status == NominationStatus.DRAFT else "recommend"
            move(nomination, name, actor, apply=climb, data={"to": parent.pk})
        for nomination in held:
            if nomination not in picked:
                move(nomination, "drop", actor, reason=_("未列入上报名单"))
        audit_record(
            action="honors.submission.sent",
            actor=actor,
            target=submission,
            org_path=org.path,
            after={"count": len(picked), "to": parent.pk},
        )
        if not composition.holds:
            audit_record(
                action="honors.submission.override",
                actor=actor,
                target=submission,
                org_path=org.path,
                after={"reason": reason, "composition": composition.as_dict()},
            )
    return submission


def objection_receive(
    *, actor: Actor | None, nomination: Nomination, content: str, anonymous: bool
) -> tuple[Objection, str]:
    """An objection during 公示. Anonymous ones keep no author: the submitter follows it with
    the random code returned (only its hash is stored)."""
    if not content.strip():
        raise ValidationError({"content": _("请填写异议内容")})
    anonymous = anonymous or actor is None
    code = secrets.token_urlsafe(9) if anonymous else ""
    with transaction.atomic():
        current = (
            Nomination.objects.select_for_update().select_related("call").get(pk=nomination.pk)
        )
        if current.status != NominationStatus.PUBLICITY:
            raise ExplainedRefusal(_("该人选不在公示期内"))
        end = current.call.publicity_end
        if end is not None and _today() > end:
            raise ExplainedRefusal(_("公示期已结束"))
        objection = Objection.objects.create(
            nomination=current,
            org_path=current.org_path,
            content=content.strip()[:4000],
            anonymous=anonymous,
            author=None if anonymous else actor,
            follow_up_hash=hashlib.sha256(code.encode()).hexdigest() if code else "",
            received_on=_today(),
        )
        audit_record(
            action="honors.objection.received",
            actor=None if anonymous else actor,
            target=current,
            org_path=current.org_path,
            after={"objection": objection.pk, "anonymous": anonymous},
        )
    return objection, code


def objection_answer(*, actor: Actor, objection: Objection, answer: str, upheld: bool) -> Objection:
    """The conferring level checks and answers; an upheld objection removes the candidate."""
    call = objection.nomination.call
    require_capability(actor, APPROVE, call.org_path)
    if not answer.strip():
        raise ValidationError({"answer": _("请填写核查答复")})
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.answered_on is not None:
            raise ExplainedRefusal(_("该异议已答复"))
        locked.answer, locked.upheld = answer.strip(), upheld
        locked.answered_on, locked.answered_by = _today(), actor
        locked.save(update_fields=["answer", "upheld", "answered_on", "answered_by"])
        audit_record(
            action="honors.objection.answered",
            actor=actor,
            target=locked.nomination,
            org_path=locked.org_path,
            after={"objection": locked.pk, "upheld": upheld},
        )
        if upheld:
            nomination = Nomination.objects.select_for_update().get(pk=locked.nomination_id)
            if nomination.status == NominationStatus.PUBLICITY:
                move(nomination, "reject", actor, reason=_("公示异议经核查属实"))
    return locked
