"""Every read of the governance app, starting from the viewer's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from gonghui.core.scoping import Viewer
from gonghui.governance.models import Committee, CommitteeStatus


def committees_in_office(*, viewer: Viewer, org_path: str) -> QuerySet[Committee]:
    """The committees in office of one union within the viewer's scope."""
    return Committee.objects.for_viewer(viewer, "governance.view").filter(
        org_path=org_path, status=CommitteeStatus.IN_OFFICE
    )


# --- 会费, 工会经费, 经审 (helper `dues`) --------------------------------------------------------

import datetime as dt  # noqa: E402
from typing import Any  # noqa: E402

from django.db.models import Count, F, Sum  # noqa: E402
from django.http import Http404  # noqa: E402

from gonghui.core.scoping import get_scoped_or_404  # noqa: E402
from gonghui.governance.models.audits import FundReview, ReviewFinding, ReviewSample  # noqa: E402
from gonghui.governance.models.dues import (  # noqa: E402
    DuesEducation,
    DuesMonth,
    DuesPayment,
    DuesStatus,
    LevelShare,
)
from gonghui.governance.models.funds import FundsMonth, FundsReceipt, FundsReminder  # noqa: E402
from gonghui.members.models import Member  # noqa: E402
from gonghui.orgs.models import Employer, Org  # noqa: E402

VIEW_CAPABILITY = "governance.view"


def dues_months(
    *, viewer: Viewer, month: dt.date | None = None, status: str = ""
) -> QuerySet[DuesMonth]:
    """Members' dues of the viewer's subtree (wages stay encrypted: lists show them masked)."""
    rows = DuesMonth.objects.for_viewer(viewer, VIEW_CAPABILITY).select_related("member", "union")
    if month is not None:
        rows = rows.filter(month=month)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-month", "member__name")


def dues_arrears(*, viewer: Viewer, before: dt.date) -> QuerySet[DuesMonth]:
    """Months owed and unpaid before ``before`` (the current month is not yet late)."""
    return dues_months(viewer=viewer, status=DuesStatus.DUE).filter(month__lt=before)


def dues_month_get(*, viewer: Viewer, pk: int) -> DuesMonth:
    return get_scoped_or_404(DuesMonth.objects.select_related("member"), viewer, pk=pk)


def dues_member_get(*, viewer: Viewer, pk: int) -> Member:
    return get_scoped_or_404(Member.objects.select_related("employer", "union"), viewer, pk=pk)


def dues_of_member(*, viewer: Viewer, member: Member) -> QuerySet[DuesMonth]:
    return DuesMonth.objects.for_viewer(viewer).filter(member=member).order_by("-month")


def dues_payments(*, viewer: Viewer, member: Member | None = None) -> QuerySet[DuesPayment]:
    rows = DuesPayment.objects.for_viewer(viewer).select_related("member")
    return rows.filter(member=member) if member is not None else rows


def dues_payment_get(*, viewer: Viewer, pk: int) -> DuesPayment:
    return get_scoped_or_404(DuesPayment.objects.select_related("member", "union"), viewer, pk=pk)


def dues_educations(*, viewer: Viewer, member: Member) -> QuerySet[DuesEducation]:
    return DuesEducation.objects.for_viewer(viewer).filter(member=member)


def payment_shares(*, viewer: Viewer, kind: str, receipt_ids: list[int]) -> QuerySet[LevelShare]:
    return LevelShare.objects.for_viewer(viewer).filter(kind=kind, receipt_id__in=receipt_ids)


def own_dues(*, member: Member) -> QuerySet[DuesMonth]:
    """A member's own dues history (the phone page): their rows alone."""
    rows = DuesMonth.objects.unscoped(reason="a member reads their own rows")
    return rows.filter(member=member).select_related("payment").order_by("-month")


def own_payments(*, member: Member) -> QuerySet[DuesPayment]:
    rows = DuesPayment.objects.unscoped(reason="a member reads their own receipts")
    return rows.filter(member=member)


def own_payment(*, member: Member, pk: int) -> DuesPayment:
    found = own_payments(member=member).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def funds_months(*, viewer: Viewer, overdue_on: dt.date | None = None) -> QuerySet[FundsMonth]:
    rows = FundsMonth.objects.for_viewer(viewer, VIEW_CAPABILITY).select_related("employer")
    if overdue_on is not None:
        rows = rows.filter(due_on__lt=overdue_on, received__lt=F("due"))
    return rows.order_by("-month", "employer__name")


def funds_month_get(*, viewer: Viewer, pk: int) -> FundsMonth:
    return get_scoped_or_404(FundsMonth.objects.select_related("employer", "union"), viewer, pk=pk)


def funds_receipts(*, viewer: Viewer, month: FundsMonth) -> QuerySet[FundsReceipt]:
    return FundsReceipt.objects.for_viewer(viewer).filter(month=month)


def funds_employers(*, viewer: Viewer, union: Org) -> QuerySet[Employer]:
    """The employers a union covers (those that owe it 经费)."""
    return Employer.objects.for_viewer(viewer).filter(union=union).order_by("name")


def funds_employer_get(*, viewer: Viewer, pk: int) -> Employer:
    return get_scoped_or_404(Employer.objects.select_related("union"), viewer, pk=pk)


def funds_reminders(*, viewer: Viewer) -> QuerySet[FundsReminder]:
    return FundsReminder.objects.for_viewer(viewer).select_related("employer", "union")


def funds_reminder_get(*, viewer: Viewer, pk: int) -> FundsReminder:
    return get_scoped_or_404(
        FundsReminder.objects.select_related("employer", "union"), viewer, pk=pk
    )


def reviews(*, viewer: Viewer) -> QuerySet[FundReview]:
    return FundReview.objects.for_viewer(viewer, VIEW_CAPABILITY).select_related("union")


def review_get(*, viewer: Viewer, pk: int) -> FundReview:
    return get_scoped_or_404(FundReview.objects.select_related("union"), viewer, pk=pk)


def review_samples(*, viewer: Viewer, review: FundReview) -> QuerySet[ReviewSample]:
    rows = ReviewSample.objects.for_viewer(viewer).filter(review=review)
    return rows.select_related("entry__fund")


def review_sample_get(*, viewer: Viewer, pk: int) -> ReviewSample:
    return get_scoped_or_404(ReviewSample.objects.select_related("review"), viewer, pk=pk)


def review_findings(*, viewer: Viewer, review: FundReview) -> QuerySet[ReviewFinding]:
    return ReviewFinding.objects.for_viewer(viewer).filter(review=review)


def review_finding_get(*, viewer: Viewer, pk: int) -> ReviewFinding:
    return get_scoped_or_404(ReviewFinding.objects.select_related("review"), viewer, pk=pk)


def review_funds(*, viewer: Viewer, review: FundReview) -> list[dict[str, Any]]:
    """Each fund of the union with the year's income, spending and entries (the ledgers the
    committee reviews: assistance funds, 会费, 经费)."""
    from gonghui.governance.services.audits import review_entries

    rows = (
        review_entries(review)
        .values("fund__name", "fund__purpose", "direction")
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    funds: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = funds.setdefault(
            row["fund__name"],
            {"name": row["fund__name"], "purpose": row["fund__purpose"], "in": 0, "out": 0, "n": 0},
        )
        entry[row["direction"]] = row["total"]
        entry["n"] += row["n"]
    return list(funds.values())
