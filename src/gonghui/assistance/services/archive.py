"""Dynamic management after 建档 (DOMAIN.md §3): monthly income and the 解困脱困 count, exit and
closing (the archive kept 10 years), the yearly 集中复核 with its spot-check share."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance.models import (
    OPEN_STATUSES,
    CaseStatus,
    CloseReason,
    HardshipCase,
    MonthlyIncome,
    ReviewBatch,
    ReviewItem,
    ReviewResult,
    StepKind,
)
from gonghui.assistance.rules import category_line, exit_due
from gonghui.assistance.services.cases import _audit, _locked, _tell_applicant, approving_org, money
from gonghui.assistance.services.identification import rule_for
from gonghui.assistance.services.moves import move, step
from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor, prefix_q, require_capability
from gonghui.orgs.models import Org

MIN_SPOT_SHARE = Decimal("0.30")
KEEP_YEARS = 10  # closed archives are kept at least 10 years after 脱困 (湖南 rules)


@transaction.atomic
def case_record_income(
    *, actor: Actor, case: HardshipCase, month: dt.date, per_capita: Any
) -> HardshipCase:
    """Record a month's per-capita income; six months in a row above the category's line
    propose 解困脱困 (DOMAIN.md §3 example 5)."""
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if case.status not in OPEN_STATUSES:
        raise ValidationError(_("只有已建档的家庭记录月度收入"))
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise ValidationError({"month": _("不能记录未来月份的收入")})
    value = money(per_capita, "per_capita")
    MonthlyIncome.objects.update_or_create(
        case=case, month=month, defaults={"per_capita": value, "recorded_by": actor}
    )
    _audit(
        "income_recorded", actor, case, after={"month": month.isoformat(), "per_capita": str(value)}
    )
    if case.status == CaseStatus.ARCHIVED and exit_proposal_due(case):
        opinion = _("连续6个月人均收入超过困难标准")
        case = move(case, "propose_exit", actor, StepKind.EXIT_PROPOSED, opinion)
    return case


def exit_proposal_due(case: HardshipCase) -> bool:
    rule = rule_for(case.org_path, timezone.localdate())
    line = category_line(case.category, rule, case.area)
    incomes = list(case.monthly.values_list("month", "per_capita"))
    return exit_due(incomes, line)


@transaction.atomic
def case_exit_decide(
    *, actor: Actor, case: HardshipCase, confirm: bool, opinion: str
) -> HardshipCase:
    """上级 confirms 解困脱困 (the archive is kept 10 more years) or keeps the household."""
    case = _locked(case)
    org = approving_org(actor, case)
    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写意见")})
    if confirm:
        case = move(case, "confirm_exit", actor, StepKind.EXITED, opinion, org=org, apply=_end)
    else:
        case = move(case, "keep", actor, StepKind.KEPT, opinion, org=org)
    _tell_applicant(case)
    return case


def _end(case: HardshipCase) -> None:
    """The archive ends today and is kept 10 more years."""
    case.ended_on = timezone.localdate()
    case.keep_until = _years_after(case.ended_on, KEEP_YEARS)


@transaction.atomic
def case_propose_exit(*, actor: Actor, case: HardshipCase, opinion: str) -> HardshipCase:
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写意见")})
    return move(case, "propose_exit", actor, StepKind.EXIT_PROPOSED, opinion)


@transaction.atomic
def case_close(*, actor: Actor, case: HardshipCase, reason: str, opinion: str = "") -> HardshipCase:
    """销档 on retirement, transfer or death; the archive is kept 10 years."""
    case = _locked(case)
    require_capability(actor, "assistance.manage", case.org_path)
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("请选择销档原因：退休、调离或死亡")})

    def close(row: HardshipCase) -> None:
        row.close_reason = reason
        _end(row)

    opinion = opinion or str(CloseReason(reason).label)
    case = move(
        case, "close", actor, StepKind.CLOSED, opinion, data={"reason": reason}, apply=close
    )
    _tell_applicant(case)
    return case


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- 集中复核 -------------------------------------------------------------------------------


@transaction.atomic
def review_batch_create(
    *, actor: Actor, org: Org, year: int, spot_share: Any = MIN_SPOT_SHARE
) -> ReviewBatch:
    """The yearly review of every open case of the org's subtree, one batch, with a random
    spot-check of at least 30%.

    The draw comes from the operating system's CSPRNG: a seed the officers could compute (org
    and year) would let them know in advance which cases will be checked. A batch is created
    once per org and year, so there is no re-run that would need the same draw.
    """
    require_capability(actor, "assistance.manage", org.path)
    share = Decimal(str(spot_share))
    if share < MIN_SPOT_SHARE or share > 1:
        raise ValidationError({"spot_share": _("抽查比例不低于30%")})
    if ReviewBatch.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": _("该年度的集中复核已经开始")})
    batch = ReviewBatch.objects.create(
        org=org, org_path=org.path, year=year, spot_share=share, created_by=actor
    )

    ids = list(
        HardshipCase.objects.filter(prefix_q("org_path", org.path), status__in=OPEN_STATUSES)
        .order_by("id")
        .values_list("id", flat=True)
    )
    sampled = set(secrets.SystemRandom().sample(ids, math.ceil(len(ids) * share)))
    ReviewItem.objects.bulk_create(
        ReviewItem(batch=batch, case_id=pk, spot_check=pk in sampled) for pk in ids
    )
    audit_record(
        action="assistance.review.created",
        actor=actor,
        target=batch,
        org_path=org.path,
        after={"year": year, "cases": len(ids), "spot": len(sampled)},
    )
    return batch


@transaction.atomic
def review_item_decide(*, actor: Actor, item: ReviewItem, result: str, note: str) -> ReviewItem:
    item = ReviewItem.objects.select_for_update().select_related("case", "batch").get(pk=item.pk)
    require_capability(actor, "assistance.manage", item.case.org_path)
    if result not in (ReviewResult.CONFIRMED, ReviewResult.CHANGED):
        raise ValidationError({"result": _("请选择复核结果")})
    item.result = result
    item.note = note
    item.save(update_fields=["result", "note"])
    step(
        item.case,
        StepKind.REVIEW,
        actor,
        from_status=item.case.status,
        opinion=note,
        data={"year": item.batch.year, "result": result, "spot_check": item.spot_check},
    )
    _audit("reviewed_yearly", actor, item.case, after={"year": item.batch.year, "result": result})
    return item
