"""Every read of the assistance module, from the viewer's scope (fails closed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from gonghui.assistance.models import (
    CaseAttachment,
    HardshipCase,
    IdentificationRule,
    ReviewBatch,
    ReviewItem,
    StepKind,
)
from gonghui.assistance.models.funds import (
    Allotment,
    AssistanceRecord,
    Campaign,
    CivilList,
    RecordStatus,
    StudentApplication,
)
from gonghui.assistance.rules import ancestor_paths
from gonghui.core import ledger
from gonghui.core.models import Fund
from gonghui.core.scoping import Viewer, get_scoped_or_404, scope_q, scoped, viewer_paths
from gonghui.core.workflow import history_of


def case_list(
    *, viewer: Viewer | None, q: str = "", status: str = "", category: str = ""
) -> QuerySet[HardshipCase]:
    rows = scoped(HardshipCase.objects.select_related("org"), viewer)
    if q:
        rows = rows.filter(Q(name__startswith=q) | Q(org__code=q.upper()))
    if status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    return rows.order_by("-id")


def case_get(*, viewer: Viewer | None, pk: int) -> HardshipCase:
    return get_scoped_or_404(HardshipCase.objects.select_related("org", "member"), viewer, pk=pk)


def attachment_get(*, viewer: Viewer | None, pk: int) -> CaseAttachment:
    return get_scoped_or_404(CaseAttachment.objects.select_related("case"), viewer, pk=pk)


def own_cases(*, applicant: Any) -> QuerySet[HardshipCase]:
    """A member's own applications (the phone pages); nobody else's."""
    own = HardshipCase.objects.unscoped(reason="a member's own applications, by applicant")
    if not getattr(applicant, "is_authenticated", False):
        return own.none()
    return own.filter(applicant=applicant).select_related("org").order_by("-id")


def own_case(*, applicant: Any, pk: int) -> HardshipCase:
    from django.http import Http404

    try:
        return own_cases(applicant=applicant).get(pk=pk)
    except HardshipCase.DoesNotExist as exc:
        raise Http404 from exc


def visible_rules(*, viewer: Viewer | None) -> QuerySet[IdentificationRule]:
    """Rules of the viewer's subtrees and of the orgs above them (what they inherit)."""
    paths = viewer_paths(viewer)
    above = {a for p in paths for a in ancestor_paths(p)}
    rules = IdentificationRule.objects.unscoped(reason="the viewer's subtrees and orgs above")
    return (
        rules.filter(Q(org_path__in=above) | scope_q(viewer))
        .select_related("org")
        .order_by("org_path", "-effective_from")
    )


def _funds() -> QuerySet[Fund]:
    """The core ledger's funds of the purposes this module registered (apps.py)."""
    codes = [p.code for p in ledger.purposes("assistance")]
    return Fund.objects.filter(purpose__in=codes).select_related("org")


def fund_list(*, viewer: Viewer | None) -> QuerySet[Fund]:
    return scoped(_funds(), viewer)


def fund_get(*, viewer: Viewer | None, pk: int) -> Fund:
    return get_scoped_or_404(_funds(), viewer, pk=pk)


def fund_pending(*, viewer: Viewer | None, fund: Fund) -> QuerySet[AssistanceRecord]:
    """The fund's records waiting to be paid, with what the page shows of them."""
    records = AssistanceRecord.objects.filter(fund=fund, status=RecordStatus.PENDING)
    return scoped(records.select_related("campaign", "duplicate_of__org"), viewer)


def record_get(*, viewer: Viewer | None, pk: int) -> AssistanceRecord:
    return get_scoped_or_404(
        AssistanceRecord.objects.select_related("fund", "case", "campaign", "org"), viewer, pk=pk
    )


def record_list(*, viewer: Viewer | None) -> QuerySet[AssistanceRecord]:
    return scoped(AssistanceRecord.objects.select_related("fund", "org", "campaign"), viewer)


def campaign_list(*, viewer: Viewer | None) -> QuerySet[Campaign]:
    """Campaigns launched in the viewer's subtrees or above them (they work within those)."""
    paths = viewer_paths(viewer)
    above = {a for p in paths for a in ancestor_paths(p)}
    launched = Campaign.objects.unscoped(reason="the viewer's subtrees and orgs above")
    return (
        launched.filter(Q(org_path__in=above) | scope_q(viewer))
        .select_related("org")
        .order_by("-year", "-id")
    )


def campaign_get(*, viewer: Viewer | None, pk: int) -> Campaign:
    from django.http import Http404

    try:
        return campaign_list(viewer=viewer).get(pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc


def allotments(*, viewer: Viewer | None, campaign: Campaign) -> QuerySet[Allotment]:
    return scoped(campaign.allotments.select_related("org"), viewer).order_by("org_path")


def students(*, viewer: Viewer | None, campaign: Campaign) -> QuerySet[StudentApplication]:
    return scoped(campaign.students.select_related("org"), viewer).order_by("-id")


def student_get(*, viewer: Viewer | None, pk: int) -> StudentApplication:
    return get_scoped_or_404(
        StudentApplication.objects.select_related("campaign", "case", "org"), viewer, pk=pk
    )


def civil_lists(*, viewer: Viewer | None) -> QuerySet[CivilList]:
    return scoped(CivilList.objects.select_related("org"), viewer)


def civil_get(*, viewer: Viewer | None, pk: int) -> CivilList:
    return get_scoped_or_404(CivilList.objects.select_related("org"), viewer, pk=pk)


def review_batches(*, viewer: Viewer | None) -> QuerySet[ReviewBatch]:
    return scoped(ReviewBatch.objects.select_related("org"), viewer)


def review_batch_get(*, viewer: Viewer | None, pk: int) -> ReviewBatch:
    return get_scoped_or_404(ReviewBatch.objects.select_related("org"), viewer, pk=pk)


def review_item_get(*, viewer: Viewer | None, pk: int) -> ReviewItem:
    return get_scoped_or_404(
        ReviewItem.objects.select_related("case", "batch"), viewer, "case__org_path", pk=pk
    )


@dataclass(frozen=True)
class Step:
    """One row of a case's trail as the pages show it."""

    kind: str
    label: str
    actor_label: str
    org_name: str
    opinion: str
    at: dt.datetime


def case_steps(*, case: HardshipCase, kinds: Collection[str] = ()) -> list[Step]:
    """The trail of a case already fetched through a scoped read (only ``kinds`` if given:
    the applicant's phone shows the decisions, not the officers' notes)."""
    labels = {str(k): str(v) for k, v in StepKind.choices}
    return [
        Step(
            kind=h.transition,
            label=labels.get(h.transition, h.transition),
            actor_label=h.actor_label,
            org_name=str(h.data.get("org_name", "")),
            opinion=h.reason,
            at=h.created_at,
        )
        for h in history_of(case)
        if not kinds or h.transition in kinds
    ]
