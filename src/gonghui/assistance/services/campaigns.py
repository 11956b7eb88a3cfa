"""送温暖 and 金秋助学 campaigns: budgets allotted down the tree, student applications; the
civil-affairs (民政) list matched by blind index."""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gonghui.assistance.models import OPEN_STATUSES, HardshipCase
from gonghui.assistance.models.funds import (
    AidKind,
    Allotment,
    Campaign,
    CampaignKind,
    CivilList,
    CivilListEntry,
    CivilListKind,
    Exclusion,
    Stage,
    StudentApplication,
    StudentStatus,
)
from gonghui.assistance.services.cases import id_index
from gonghui.assistance.services.funds import record_create, record_pay
from gonghui.core.audit import audit_record
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.importing.reader import ImportFileError, read_table
from gonghui.core.ledger import money
from gonghui.core.models import Fund
from gonghui.core.scoping import Actor, Viewer, in_scope, prefix_q, require_capability, within
from gonghui.core.workflow import transition
from gonghui.orgs.models import Org

# 天门 2024 (DOMAIN.md §3): yuan by stage × whether the parent is a 建档 worker.
DEFAULT_STUDENT_RATES = {
    Stage.HIGHER.value: {"archived": "5000", "other": "4000"},
    Stage.SENIOR.value: {"archived": "3000", "other": "2000"},
}


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    org: Org,
    kind: str,
    name: str,
    year: int,
    budget: Any,
    rates: dict[str, dict[str, str]] | None = None,
) -> Campaign:
    """A campaign of the org, whose own allotment is the whole budget."""
    require_capability(actor, "assistance.fund", org.path)
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": _("活动类型不在列表中")})
    if not name.strip():
        raise ValidationError({"name": _("请填写活动名称")})
    amount = money(budget, "budget", allow_zero=False)
    if kind == CampaignKind.STUDENT:
        rates = rates or DEFAULT_STUDENT_RATES
    campaign = Campaign.objects.create(
        kind=kind, name=name.strip(), year=year, org=org, org_path=org.path, rates=rates or {}
    )
    Allotment.objects.create(campaign=campaign, org=org, org_path=org.path, amount=amount)
    audit_record(
        action="assistance.campaign.created",
        actor=actor,
        target=campaign,
        org_path=org.path,
        after={"kind": kind, "budget": str(amount)},
    )
    return campaign


@transaction.atomic
def allot(*, actor: Actor, campaign: Campaign, to_org: Org, amount: Any) -> Allotment:
    """Pass part of an org's allotment to one of its children: never more than it has left."""
    value = money(amount, "amount", allow_zero=False)
    if to_org.parent_id is None:
        raise ValidationError({"org": _("只能向下级工会分配")})
    try:
        parent = Allotment.objects.select_for_update().get(
            campaign=campaign, org_id=to_org.parent_id
        )
    except Allotment.DoesNotExist as exc:
        raise ValidationError({"org": _("上级工会尚未获得该活动的额度")}) from exc
    require_capability(actor, "assistance.fund", parent.org_path)
    if value > parent.available:
        raise ValidationError(
            {"amount": _("可分配额度只有 %(left)s 元") % {"left": parent.available}}
        )
    Allotment.objects.filter(pk=parent.pk).update(allotted=F("allotted") + value)
    child, created = Allotment.objects.select_for_update().get_or_create(
        campaign=campaign,
        org=to_org,
        defaults={"org_path": to_org.path, "parent": parent, "amount": value},
    )
    if not created:
        Allotment.objects.filter(pk=child.pk).update(amount=F("amount") + value)
        child.refresh_from_db()
    audit_record(
        action="assistance.campaign.allotted",
        actor=actor,
        target=campaign,
        org_path=parent.org_path,
        after={"org": to_org.code, "amount": str(value)},
    )
    return child


def student_amount(campaign: Campaign, stage: str, archived: bool) -> Decimal:
    rates = campaign.rates or DEFAULT_STUDENT_RATES
    return Decimal(str(rates.get(stage, {}).get("archived" if archived else "other", "0")))


@transaction.atomic
def student_apply(
    *,
    actor: Actor,
    campaign: Campaign,
    org: Org,
    parent_name: str,
    student_name: str,
    student_id: str,
    school: str,
    stage: str,
    tuition: Any,
    case: HardshipCase | None = None,
    exclusion: str = "",
) -> StudentApplication:
    """金秋助学 application entered by the union: the amount follows stage × 建档 status;
    an exclusion (军校, 公费师范, 定向, funded elsewhere) is recorded and pays nothing."""
    require_capability(actor, "assistance.manage", org.path)
    if campaign.kind != CampaignKind.STUDENT:
        raise ValidationError(_("这不是金秋助学活动"))
    if not within(org.path, campaign.org_path):
        raise ValidationError({"org": _("该活动不覆盖本单位")})
    if stage not in Stage.values:
        raise ValidationError({"stage": _("学段不在列表中")})
    if exclusion not in Exclusion.values:
        raise ValidationError({"exclusion": _("排除情形不在列表中")})
    number = validate_personal_id("resident", student_id).number
    if not school.strip() or not student_name.strip():
        raise ValidationError({"school": _("请填写学生姓名和学校")})
    if case is not None and not within(case.org_path, org.path):
        raise ValidationError({"case": _("该档案不属于本单位")})
    archived = case is not None and case.status in OPEN_STATUSES
    application = StudentApplication.objects.create(
        campaign=campaign,
        case=case,
        org=org,
        org_path=org.path,
        parent_name=parent_name,
        student_name=student_name.strip(),
        student_id=number,
        student_index=id_index(number),
        school=school.strip(),
        stage=stage,
        tuition=money(tuition, "tuition"),
        archived=archived,
        exclusion=exclusion,
        amount=Decimal(0) if exclusion else student_amount(campaign, stage, archived),
        status=StudentStatus.EXCLUDED if exclusion else StudentStatus.PENDING,
    )
    audit_record(
        action="assistance.student.applied",
        actor=actor,
        target=application,
        org_path=org.path,
        after={
            "stage": stage,
            "archived": archived,
            "amount": str(application.amount),
            "exclusion": exclusion,
        },
    )
    return application


# The moves of a 金秋助学 application (core.workflow, ADR 0021), each with its audit code.
STUDENT_TRANSITIONS = {
    "approve": "assistance.student.approved",
    "refuse": "assistance.student.refused",
    "pay": "assistance.student.paid",
}


@transaction.atomic
def student_approve(*, actor: Actor, application: StudentApplication) -> StudentApplication:
    """核定: the union of the application confirms it and its amount."""
    return transition(
        application,
        "approve",
        actor=actor,
        capability="assistance.manage",
        data={"amount": str(application.amount)},
    )


@transaction.atomic
def student_refuse(
    *, actor: Actor, application: StudentApplication, exclusion: str, reason: str = ""
) -> StudentApplication:
    """不予资助: an exclusion (军校, 公费师范, 定向, funded elsewhere) found after the
    application; the amount becomes zero and nothing is paid."""
    if not exclusion or exclusion not in Exclusion.values:
        raise ValidationError({"exclusion": _("排除情形不在列表中")})
    return transition(
        application,
        "refuse",
        actor=actor,
        capability="assistance.manage",
        params={"exclusion": exclusion},
        reason=reason.strip()[:200],
        data={"exclusion": exclusion},
    )


@transaction.atomic
def student_pay(*, actor: Actor, application: StudentApplication, fund: Fund) -> StudentApplication:
    """Pay an application from a fund through the ledger (the cross-level check included): the
    application moves to 已发放 with its record paid, in one transaction."""
    paid: dict[str, Any] = {"amount": str(application.amount), "fund": fund.pk}

    def check(row: StudentApplication) -> None:
        if row.record_id is None:
            row.record = record_create(
                actor=actor,
                fund=fund,
                kind=AidKind.SCHOOLING,
                amount=row.amount,
                case=row.case,
                recipient_name=row.student_name,
                campaign=row.campaign,
                description=row.get_stage_display(),
                extra_keys=[row.student_index],
            )
        assert row.record is not None
        row.record = record_pay(actor=actor, record=row.record)
        paid["record"] = row.record.pk

    return transition(
        application,
        "pay",
        actor=actor,
        capability="assistance.fund",
        check=check,
        data=paid,
    )


# --- civil-affairs lists ----------------------------------------------------------------------


@transaction.atomic
def civil_list_import(
    *, actor: Actor, org: Org, kind: str, fileobj: IO[bytes], filename: str
) -> CivilList:
    """Read a 低保/特困 list (CSV or Excel) and keep only each ID's blind index: the other
    party's raw ID numbers are never stored. The ID column is the one headed 身份证…, or the
    first."""
    require_capability(actor, "assistance.manage", org.path)
    if kind not in CivilListKind.values:
        raise ValidationError({"kind": _("名单类型不在列表中")})
    try:
        table = read_table(fileobj, filename)
    except ImportFileError as exc:
        raise ValidationError({"file": exc.message}) from exc
    column, good, bad = 0, set(), 0
    for n, row in enumerate(table.rows):
        cells = [str(c or "").strip() for c in row]
        if n == 0:
            heads = [i for i, c in enumerate(cells) if "身份证" in c or "证件" in c]
            if heads:
                column = heads[0]
                continue
        if not any(cells):
            continue
        try:
            good.add(id_index(validate_personal_id("resident", cells[column]).number))
        except (ValidationError, IndexError):
            bad += 1
    civil = CivilList.objects.create(
        org=org,
        org_path=org.path,
        kind=kind,
        original_name=filename[:200],
        row_count=len(good),
        bad_rows=bad,
        imported_by=actor,
    )
    CivilListEntry.objects.bulk_create(CivilListEntry(civil_list=civil, index=i) for i in good)
    audit_record(
        action="assistance.civil_list.imported",
        actor=actor,
        target=civil,
        org_path=org.path,
        after={"rows": len(good), "bad": bad, "kind": kind},
    )
    return civil


def civil_match(*, viewer: Viewer, civil: CivilList) -> dict[str, Any]:
    """Cases of the list's subtree (within the viewer's scope) on the list and not on it; how
    many list entries matched no case (a count only: the list's people are not ours)."""
    if not in_scope(viewer, civil.org_path):
        raise ValidationError(_("不在管辖范围内"))
    entries = set(civil.entries.values_list("index", flat=True))
    cases = list(
        HardshipCase.objects.filter(prefix_q("org_path", civil.org_path), status__in=OPEN_STATUSES)
        .prefetch_related("persons")
        .select_related("org")
        .order_by("org_path", "id")
    )
    matched: list[HardshipCase] = []
    unmatched: list[HardshipCase] = []
    used: set[str] = set()
    for case in cases:
        keys = {case.id_index} | {p.id_index for p in case.persons.all() if p.id_index}
        hit = keys & entries
        (matched if hit else unmatched).append(case)
        used |= hit
    return {
        "matched": matched,
        "unmatched": unmatched,
        "list_only": len(entries - used),
        "entries": len(entries),
    }
