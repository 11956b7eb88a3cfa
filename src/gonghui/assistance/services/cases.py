"""Every write to the hardship archive and its workflow: one function per use case, one
transaction, a row lock where state changes, an audit row and a history step (DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance.models import (
    AttachmentKind,
    CaseAttachment,
    CaseStatus,
    Category,
    Cause,
    HardshipCase,
    HouseholdPerson,
    IncomeSource,
    Objection,
    QualifyingEvent,
    Relation,
    StepKind,
)
from gonghui.assistance.rules import identify
from gonghui.assistance.services.identification import rule_for
from gonghui.assistance.services.moves import move, step
from gonghui.core import counters
from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index
from gonghui.core.deadlines import add_calendar_days
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.ledger import money
from gonghui.core.scoping import Actor, prefix_q, require_capability, within
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import GRASSROOTS_KINDS, PATH_STEP, Org

DEFAULT_PUBLICITY_DAYS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "heic", "webp"}
REVEALABLE = ("id_number", "phone", "bank_account")


def id_index(number: str) -> str:
    return blind_index("id", number)


def _tell_applicant(case: HardshipCase) -> None:
    """The member who applied on the phone hears of each decision in their inbox."""
    if case.applicant_id is None:
        return
    from django.urls import reverse

    from gonghui.core.notify import notify

    notify(
        template="assistance.case.status",
        data={"name": case.name, "status": str(case.get_status_display())},
        to_user=case.applicant,
        url=reverse("assistance_m:detail", kwargs={"pk": case.pk}),
    )


def _audit(action: str, actor: Actor, case: HardshipCase, **kw: Any) -> None:
    audit_record(
        action=f"assistance.case.{action}", actor=actor, target=case, org_path=case.org_path, **kw
    )


def _locked(case: HardshipCase) -> HardshipCase:
    return HardshipCase.objects.select_for_update().select_related("org").get(pk=case.pk)


def case_identify(case: HardshipCase, on: dt.date | None = None) -> None:
    """Compute the category with the rule in force and keep the computation (no save)."""
    rule = rule_for(case.org_path, on or timezone.localdate())
    result = identify(
        rule=rule,
        area=case.area,
        annual_income=case.annual_income,
        rigid=case.rigid_total,
        household_size=case.household_size,
        event=case.event,
        event_costs=case.event_costs,
    )
    case.per_capita = result.per_capita
    case.computed_category = result.category
    case.computation = result.as_json()
    if not case.override_reason:
        case.category = result.category


def _clean_case_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        errors["name"] = _("姓名不能为空")
    cleaned["name"] = name
    try:
        person = validate_personal_id("resident", str(values.get("id_number") or ""))
        cleaned["id_number"] = person.number
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    try:
        size = int(values.get("household_size") or 0)
    except (TypeError, ValueError):
        size = 0
    if size < 1 or size > 30:
        errors["household_size"] = _("家庭人口应为1至30人")
    cleaned["household_size"] = size
    for field in (
        "annual_income",
        "rigid_medical",
        "rigid_schooling",
        "rigid_other",
        "event_costs",
    ):
        try:
            cleaned[field] = money(values.get(field), field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    causes = [c for c in values.get("causes") or [] if c]
    if any(c not in Cause.values for c in causes):
        errors["causes"] = _("致困原因不在列表中")
    cleaned["causes"] = causes
    event = values.get("event") or ""
    if event not in QualifyingEvent.values:
        errors["event"] = _("致困事件不在列表中")
    cleaned["event"] = event
    cleaned["area"] = values.get("area") or "urban"
    if not str(values.get("consent_purpose") or "").strip():
        errors["consent_purpose"] = _("请注明收集个人信息的目的（经本人同意）")
    cleaned["consent_purpose"] = str(values.get("consent_purpose") or "").strip()
    for field in ("phone", "housing", "bank_name", "bank_account"):
        cleaned[field] = str(values.get(field) or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


def _member_of(org: Org, index: str) -> Member | None:
    """The current member with this ID number in the union's subtree: a case an officer
    registers for a member is linked to their record, as the member's own application is."""
    return (
        Member.objects.unscoped(reason="the registering officer's union checked by the caller")
        .filter(
            prefix_q("org_path", org.path),
            id_type="resident",
            id_index=index,
            status__in=[MemberStatus.ACTIVE, MemberStatus.RETAINED],
        )
        .first()
    )


@transaction.atomic
def case_create(
    *,
    actor: Actor,
    org: Org,
    member: Any = None,
    applicant: Any = None,
    persons: Sequence[dict[str, Any]] = (),
    incomes: Sequence[tuple[str, Any]] = (),
    **values: Any,
) -> HardshipCase:
    """An application entered by an officer of the grassroots union (or by the member, see
    :func:`case_apply`); the category is computed at once and shown with its rule."""
    if applicant is None:
        require_capability(actor, "assistance.manage", org.path)
    if org.kind not in GRASSROOTS_KINDS:
        raise ValidationError({"org": _("困难职工档案建在职工所在的基层工会")})
    cleaned = _clean_case_values(values)
    index = id_index(cleaned["id_number"])
    if HardshipCase.objects.filter(
        id_index=index,
        status__in=[s for s in CaseStatus.values if s not in ("exited", "closed", "rejected")],
    ).exists():
        raise ValidationError({"id_number": _("该职工已有在办或在档的困难职工档案（一户一档）")})
    if member is None:
        member = _member_of(org, index)
    case = HardshipCase(
        org=org,
        org_path=org.path,
        member=member,
        applicant=applicant,
        consent_at=timezone.now(),
        **cleaned,
    )
    case.id_index = index
    case_identify(case)
    case.save()
    for person in persons:
        person_add_locked(case, **person)
    for kind, amount in incomes:
        IncomeSource.objects.create(case=case, kind=kind, amount=money(amount, "incomes"))
    step(case, StepKind.APPLIED, actor, data={"category": case.category})
    _audit(
        "applied",
        actor,
        case,
        after={"name": case.name, "id_number": case.masked_id_number, "category": case.category},
    )
    return case


EDITABLE = (
    "household_size",
    "area",
    "annual_income",
    "rigid_medical",
    "rigid_schooling",
    "rigid_other",
    "causes",
    "event",
    "event_costs",
    "housing",
    "phone",
    "bank_name",
    "bank_account",
)
FINAL_STATUSES = (CaseStatus.EXITED, CaseStatus.CLOSED, CaseStatus.REJECTED)


@transaction.atomic
def case_update(*, actor: Actor, case: HardshipCase, **values: Any) -> HardshipCase:
    """Correct the household's figures (after a visit or the yearly review): the category is
    computed again under the rule in force; the audit keeps the figures before and after."""
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if case.status in FINAL_STATUSES:
        raise ValidationError(_("已办结的档案不能调整"))
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    merged = {f: getattr(case, f) for f in EDITABLE}
    merged.update(values)
    cleaned = _clean_case_values(
        {
            **merged,
            "name": case.name,
            "id_number": case.id_number,
            "consent_purpose": case.consent_purpose,
        }
    )
    # Health data (medical spending, causes) is encrypted on the case: the audit row, kept in
    # clear, says only that it changed.
    figures = (
        "household_size",
        "annual_income",
        "rigid_schooling",
        "rigid_other",
        "event",
        "event_costs",
        "area",
    )
    health = ("rigid_medical", "causes")
    before = {f: str(getattr(case, f)) for f in figures}
    before["category"] = case.category
    health_before = [getattr(case, f) for f in health]
    for field in EDITABLE:
        setattr(case, field, cleaned[field])
    case_identify(case)
    case.save()
    after: dict[str, Any] = {f: str(getattr(case, f)) for f in figures}
    after["category"] = case.category
    changed = [f for f, old in zip(health, health_before, strict=True) if getattr(case, f) != old]
    if changed:
        after["health_fields_changed"] = changed
    counters.recount_source("assistance", [case.org_path])  # the category may have changed
    _audit("updated", actor, case, before=before, after=after)
    return case


def case_apply(*, applicant: Any, **values: Any) -> HardshipCase:
    """The member's own application from the phone: filed with their union."""
    member = getattr(applicant, "member", None)
    if member is None or not member.is_current:
        raise ValidationError(_("只有在册会员可以在线申请，请联系所在工会"))
    values.setdefault("name", member.name)
    return case_create(
        actor=applicant, org=member.union, member=member, applicant=applicant, **values
    )


def person_add_locked(case: HardshipCase, **values: Any) -> HouseholdPerson:
    number = str(values.pop("id_number", "") or "").strip()
    if number:
        number = validate_personal_id("resident", number).number
    relation = values.get("relation") or Relation.OTHER
    if relation not in Relation.values:
        raise ValidationError({"relation": _("与户主关系不在列表中")})
    person = HouseholdPerson(
        case=case,
        name=str(values.get("name") or "").strip() or "—",
        relation=relation,
        id_number=number,
        id_index=id_index(number) if number else "",
        annual_income=money(values.get("annual_income"), "annual_income"),
        health=str(values.get("health") or ""),
        disability=str(values.get("disability") or ""),
        schooling=str(values.get("schooling") or ""),
    )
    person.save()
    return person


@transaction.atomic
def person_add(*, actor: Actor, case: HardshipCase, **values: Any) -> HouseholdPerson:
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    person = person_add_locked(case, **values)
    _audit("person_added", actor, case, after={"relation": person.relation})
    return person


@transaction.atomic
def income_source_add(*, actor: Actor, case: HardshipCase, kind: str, amount: Any) -> IncomeSource:
    """One of the household's income sources (wages, pension, benefits, rent ...)."""
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if not kind.strip():
        raise ValidationError({"kind": _("请填写收入来源")})
    source = IncomeSource.objects.create(
        case=case, kind=kind.strip()[:40], amount=money(amount, "amount")
    )
    _audit(
        "income_source_added",
        actor,
        case,
        after={"kind": source.kind, "amount": str(source.amount)},
    )
    return source


@transaction.atomic
def case_visit(
    *,
    actor: Actor,
    case: HardshipCase,
    opinion: str,
    visitors: str = "",
    visited_on: dt.date | None = None,
) -> HardshipCase:
    """入户走访: who visited, when, what they found."""
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写走访情况")})
    day = visited_on or timezone.localdate()
    data = {"visitors": visitors, "visited_on": day.isoformat()}
    return move(case, "visit", actor, StepKind.VISITED, opinion, data=data)


@transaction.atomic
def case_review(
    *,
    actor: Actor,
    case: HardshipCase,
    passed: bool,
    opinion: str,
    publicity_days: int = DEFAULT_PUBLICITY_DAYS,
) -> HardshipCase:
    """基层审核: pass starts the 公示 for ``publicity_days`` days; fail ends the application."""
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写审核意见")})
    if passed and case.category == Category.NONE:
        raise ValidationError(_("测算结果不符合困难标准：请调整类别并说明理由，或不予通过"))
    if passed and (publicity_days < 1 or publicity_days > 30):
        raise ValidationError({"publicity_days": _("公示天数应为1至30天")})

    def publicize(row: HardshipCase) -> None:
        row.publicity_start = timezone.localdate()
        row.publicity_end = add_calendar_days(row.publicity_start, publicity_days).due

    name, kind = ("pass_review", StepKind.REVIEWED) if passed else ("reject", StepKind.REJECTED)
    data = {"publicity_days": publicity_days if passed else 0}
    case = move(case, name, actor, kind, opinion, data=data, apply=publicize if passed else None)
    _tell_applicant(case)
    return case


@transaction.atomic
def case_objection(
    *, actor: Actor, case: HardshipCase, content: str, upheld: bool, handling: str = ""
) -> Objection:
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if case.status != CaseStatus.PUBLICITY:
        raise ValidationError(_("只有公示期间可以登记异议"))
    if not content.strip():
        raise ValidationError({"content": _("请填写异议内容")})
    objection = case.objections.create(
        content=content,
        upheld=upheld,
        handling=handling,
        recorded_by=actor,
        received_on=timezone.localdate(),
    )
    step(
        case,
        StepKind.OBJECTION,
        actor,
        from_status=case.status,
        opinion=handling,
        data={"upheld": upheld},
    )
    _audit("objection", actor, case, after={"upheld": upheld})
    return objection


@transaction.atomic
def case_end_publicity(
    *, actor: Actor, case: HardshipCase, opinion: str = "", today: dt.date | None = None
) -> HardshipCase:
    """After the notice period: with an upheld objection the application fails, else it goes
    to the upper level for approval."""
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    today = today or timezone.localdate()
    if case.status == CaseStatus.PUBLICITY and case.publicity_end and today <= case.publicity_end:
        raise ValidationError(
            _("公示期至%(day)s，期满后方可报上级审批") % {"day": case.publicity_end.isoformat()}
        )
    upheld = case.objections.filter(upheld=True).exists()
    return _finish_publicity(
        case, actor, upheld=upheld, opinion=opinion or (_("公示异议成立") if upheld else "")
    )


def _finish_publicity(
    case: HardshipCase, actor: Actor | None, *, upheld: bool, opinion: str
) -> HardshipCase:
    name, kind = (
        ("reject", StepKind.REJECTED) if upheld else ("end_publicity", StepKind.PUBLICITY_ENDED)
    )
    case = move(case, name, actor, kind, opinion or _("公示无异议"))
    _tell_applicant(case)
    return case


def publicity_ended_q(today: dt.date) -> Q:
    """Cases whose 公示 period is over (it runs through ``publicity_end``)."""
    return Q(status=CaseStatus.PUBLICITY, publicity_end__lt=today)


def cases_end_publicity_due(*, today: dt.date | None = None, limit: int = 500) -> int:
    """The scheduled end of 公示 (job ``assistance.end_publicity``): a case whose period is over
    with no upheld objection goes to the upper level for approval, as ``case_end_publicity``
    would send it, with the system as actor; one with an upheld objection waits on the to-do
    panel for its officers, whose decision it is (the application fails, with their opinion).
    A bounded batch, the longest waiting first, one transaction each; returns how many moved."""
    today = today or timezone.localdate()
    upheld = Objection.objects.filter(case=OuterRef("pk"), upheld=True)
    due = (
        HardshipCase.objects.filter(publicity_ended_q(today))
        .exclude(Exists(upheld))
        .order_by("publicity_end", "pk")
    )
    moved = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            case = HardshipCase.objects.select_for_update().select_related("org").get(pk=pk)
            if case.status != CaseStatus.PUBLICITY or not case.publicity_end:
                continue  # an officer ended it meanwhile
            if case.publicity_end >= today or case.objections.filter(upheld=True).exists():
                continue
            _finish_publicity(
                case, None, upheld=False, opinion=_("公示期满无异议，系统自动报上级审批")
            )
            moved += 1
    return moved


def approving_org(actor: Actor, case: HardshipCase) -> Org:
    """The ancestor org where the actor may approve: upper-level approval only (never the
    grassroots union that reviewed the case)."""
    parent_path = case.org_path[:-PATH_STEP]
    if not parent_path or not actor.has_capability("assistance.approve", parent_path):
        raise PermissionDenied("assistance.approve")
    posts = getattr(actor, "active_posts", [])
    for post in sorted(posts, key=lambda p: -len(p.org_path)):
        if within(parent_path, post.org_path):
            return post.org
    return Org.objects.get(path=parent_path)


@transaction.atomic
def case_approve(*, actor: Actor, case: HardshipCase, approved: bool, opinion: str) -> HardshipCase:
    """上级审批: 建档 on approval (the archive date starts the household's record)."""
    case = _locked(case)
    org = approving_org(actor, case)
    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写审批意见")})

    def archive(row: HardshipCase) -> None:
        row.archived_on = timezone.localdate()

    if approved:
        case = move(case, "approve", actor, StepKind.APPROVED, opinion, org=org, apply=archive)
    else:
        case = move(case, "reject", actor, StepKind.REJECTED, opinion, org=org)
    _tell_applicant(case)
    return case


@transaction.atomic
def case_override(*, actor: Actor, case: HardshipCase, category: str, reason: str) -> HardshipCase:
    """The officer sets the category against the computation, with a reason (audited)."""
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if category not in Category.values:
        raise ValidationError({"category": _("困难类别不在列表中")})
    if not reason.strip():
        raise ValidationError({"reason": _("调整困难类别须说明理由")})
    if case.status in (CaseStatus.EXITED, CaseStatus.CLOSED, CaseStatus.REJECTED):
        raise ValidationError(_("已办结的档案不能调整"))
    before = {"category": case.category, "computed": case.computed_category}
    case.category = category
    case.override_reason = reason.strip()
    case.save(update_fields=["category", "override_reason", "updated_at"])
    step(
        case,
        StepKind.OVERRIDDEN,
        actor,
        from_status=case.status,
        opinion=reason,
        data={"from": before["category"], "to": category},
    )
    _audit("overridden", actor, case, before=before, after={"category": category, "reason": reason})
    return case


def case_reveal(*, actor: Actor, case: HardshipCase, field: str) -> str:
    """One unmasked value (ID, phone, bank account): needs ``reveal_pii``, audited."""
    if field not in REVEALABLE:
        raise ValueError(field)
    if not actor.has_capability("reveal_pii", case.org_path):
        raise PermissionDenied("reveal_pii")
    _audit("revealed", actor, case, after={"field": field})
    return str(getattr(case, field) or "")


@transaction.atomic
def attachment_add(
    *, actor: Actor, case: HardshipCase, kind: str, upload: UploadedFile
) -> CaseAttachment:
    """A proof document, stored under a random name in the default storage (never public)."""
    own = case.applicant_id is not None and case.applicant_id == getattr(actor, "pk", None)
    if not own:
        require_capability(actor, "assistance.manage", case.org_path)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("材料类型不在列表中")})
    name = upload.name or "file"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError({"file": _("请上传 PDF 或图片（jpg、png）")})
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("文件不能超过10MB")})
    attachment = CaseAttachment(
        case=case, kind=kind, original_name=name[:200], org_path=case.org_path, uploaded_by=actor
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _audit("attachment_added", actor, case, after={"kind": kind})
    return attachment


def cases_dissolve_guard(org: Org) -> list[str]:
    """An org with open hardship archives may not be dissolved (transfer or close them first)."""
    count = HardshipCase.objects.filter(
        org=org,
        status__in=[s for s in CaseStatus.values if s not in ("exited", "closed", "rejected")],
    ).count()
    if not count:
        return []
    return [_("仍有%(n)d份在办或在档的困难职工档案") % {"n": count}]
