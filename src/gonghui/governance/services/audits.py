"""经审 services: the 经费审查委员会's annual review of a union's funds (assistance funds, 会费,
工会经费: every fund of the union in core.ledger), entries sampled with ``secrets``, findings,
rectification and the 审查报告."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.models_ledger import LedgerEntry
from gonghui.core.scoping import Actor, require_capability
from gonghui.governance.models.audits import (
    FindingStatus,
    FundReview,
    ReviewFinding,
    ReviewSample,
    ReviewStatus,
)

AUDIT_CAPABILITY = "governance.audit"
MAX_SAMPLE = 200


def review_entries(review: FundReview) -> Any:
    """The ledger entries of the review's year in every fund the union holds."""
    start = dt.datetime(review.year, 1, 1, tzinfo=timezone.get_current_timezone())
    end = dt.datetime(review.year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    return LedgerEntry.objects.unscoped(reason="the caller checked its capability").filter(
        fund__org_id=review.union_id, at__gte=start, at__lt=end
    )


@transaction.atomic
def review_open(*, actor: Actor, union: Any, year: int) -> FundReview:
    require_capability(actor, AUDIT_CAPABILITY, union.path)
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("年度应在 2000 年至今年之间")})
    if FundReview.objects.unscoped(reason="uniqueness").filter(union=union, year=year).exists():
        raise ValidationError({"year": _("%(y)d 年度的经费审查已经建立") % {"y": year}})
    review = FundReview.objects.create(
        union=union,
        org_path=union.path,
        year=year,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="governance.audit.opened",
        actor=actor,
        target=review,
        org_path=union.path,
        after={"year": year},
    )
    return review


def _lock_open(review: FundReview) -> FundReview:
    review = FundReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError(_("审查报告已出具，不能再修改"))
    return review


@transaction.atomic
def review_sample(*, actor: Actor, review: FundReview, count: int) -> list[ReviewSample]:
    """Draw ``count`` more entries not yet drawn, chosen with ``secrets`` (nobody can predict
    or steer which entries the committee will check)."""
    review = _lock_open(review)
    require_capability(actor, AUDIT_CAPABILITY, review.org_path)
    if not 1 <= count <= MAX_SAMPLE:
        raise ValidationError({"count": _("抽查笔数应在 1 到 %(n)d 之间") % {"n": MAX_SAMPLE}})
    drawn = set(review.samples.values_list("entry_id", flat=True))
    pool = [pk for pk in review_entries(review).values_list("pk", flat=True) if pk not in drawn]
    if not pool:
        raise ValidationError(_("该年度没有可抽查的收支记录"))
    chosen = secrets.SystemRandom().sample(pool, min(count, len(pool)))
    samples = ReviewSample.objects.bulk_create(
        ReviewSample(review=review, entry_id=pk, org_path=review.org_path) for pk in sorted(chosen)
    )
    audit_record(
        action="governance.audit.sampled",
        actor=actor,
        target=review,
        org_path=review.org_path,
        after={"entries": sorted(chosen)},
    )
    return samples


@transaction.atomic
def review_sample_check(*, actor: Actor, sample: ReviewSample, note: str) -> ReviewSample:
    _lock_open(sample.review)
    require_capability(actor, AUDIT_CAPABILITY, sample.org_path)
    if not note.strip():
        raise ValidationError({"note": _("请填写核对情况")})
    sample.checked, sample.note = True, note.strip()[:300]
    sample.save(update_fields=["checked", "note"])
    audit_record(
        action="governance.audit.checked",
        actor=actor,
        target=sample.review,
        org_path=sample.org_path,
        after={"entry": sample.entry_id, "note": sample.note},
    )
    return sample


@transaction.atomic
def review_finding_add(*, actor: Actor, review: FundReview, text: str) -> ReviewFinding:
    review = _lock_open(review)
    require_capability(actor, AUDIT_CAPABILITY, review.org_path)
    if not text.strip():
        raise ValidationError({"text": _("请填写发现的问题")})
    finding = ReviewFinding.objects.create(
        review=review, org_path=review.org_path, text=text.strip()[:500]
    )
    audit_record(
        action="governance.audit.finding",
        actor=actor,
        target=review,
        org_path=review.org_path,
        after={"finding": finding.text},
    )
    return finding


@transaction.atomic
def review_finding_rectify(
    *, actor: Actor, finding: ReviewFinding, rectification: str
) -> ReviewFinding:
    finding = ReviewFinding.objects.select_for_update().get(pk=finding.pk)
    require_capability(actor, AUDIT_CAPABILITY, finding.org_path)
    if finding.status == FindingStatus.RECTIFIED:
        raise ValidationError(_("该问题已整改"))
    if not rectification.strip():
        raise ValidationError({"rectification": _("请填写整改情况")})
    finding.status = FindingStatus.RECTIFIED
    finding.rectification = rectification.strip()[:500]
    finding.rectified_on = timezone.localdate()
    finding.save(update_fields=["status", "rectification", "rectified_on"])
    audit_record(
        action="governance.audit.rectified",
        actor=actor,
        target=finding.review,
        org_path=finding.org_path,
        after={"finding": finding.pk},
    )
    return finding


@transaction.atomic
def review_report(*, actor: Actor, review: FundReview, summary: str) -> FundReview:
    """The 审查报告 to the members' congress: every sample checked, a conclusion written."""
    review = _lock_open(review)
    require_capability(actor, AUDIT_CAPABILITY, review.org_path)
    unchecked = review.samples.filter(checked=False).count()
    if unchecked:
        raise ValidationError(_("还有 %(n)d 笔抽查凭证未核对") % {"n": unchecked})
    if not summary.strip():
        raise ValidationError({"summary": _("请填写审查结论")})
    review.status, review.summary = ReviewStatus.REPORTED, summary.strip()
    review.reported_on = timezone.localdate()
    review.save(update_fields=["status", "summary", "reported_on"])
    audit_record(
        action="governance.audit.reported",
        actor=actor,
        target=review,
        org_path=review.org_path,
        after={"year": review.year},
    )
    return review
