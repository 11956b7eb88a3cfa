"""Every read of the honours app, starting from the viewer's scope."""

from __future__ import annotations

# --- aftercare (hon2): terms, care, revocations, studios ---------------------------------------
import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.core.models import Fund
from gonghui.core.scoping import Viewer, get_scoped_or_404, scoped
from gonghui.honors.models import (
    CARE_FUND,
    AllowancePayable,
    AllowanceRate,
    Assessment,
    CareRecord,
    Honour,
    HonourStatus,
    Revocation,
    RevocationCause,
    Studio,
)


def aftercare_honour(*, viewer: Viewer | None, pk: int) -> Honour:
    return get_scoped_or_404(
        Honour.objects.select_related("award_type", "org", "conferring_org"), viewer, pk=pk
    )


def aftercare_overview(*, viewer: Viewer | None, honour: Honour) -> dict[str, Any]:
    """What the holder's aftercare page shows: assessments, revocations, care, allowances."""
    return {
        "assessments": scoped(Assessment.objects.filter(honour=honour), viewer),
        "revocations": scoped(
            Revocation.objects.filter(honour=honour).select_related("cause"), viewer
        ),
        "care": scoped(CareRecord.objects.filter(honour=honour), viewer)[:50],
        "payables": scoped(AllowancePayable.objects.filter(honour=honour), viewer)[:24],
    }


def revocation_causes() -> QuerySet[RevocationCause]:
    return RevocationCause.objects.filter(active=True)


def revocation_list(*, viewer: Viewer | None, state: str = "") -> QuerySet[Revocation]:
    rows = scoped(Revocation.objects.select_related("honour", "cause", "org"), viewer)
    return rows.filter(state=state) if state else rows


def revocation_get(*, viewer: Viewer | None, pk: int) -> Revocation:
    return get_scoped_or_404(
        Revocation.objects.select_related("honour", "honour__conferring_org", "cause", "org"),
        viewer,
        pk=pk,
    )


def care_funds(*, viewer: Viewer | None) -> QuerySet[Fund]:
    return scoped(Fund.objects.filter(purpose=CARE_FUND).select_related("org"), viewer)


def care_fund_get(*, viewer: Viewer | None, pk: int) -> Fund:
    return get_scoped_or_404(Fund.objects.filter(purpose=CARE_FUND), viewer, pk=pk)


def payable_list(*, viewer: Viewer | None, month: dt.date) -> QuerySet[AllowancePayable]:
    return scoped(
        AllowancePayable.objects.filter(month=month).select_related("honour", "org", "fund"),
        viewer,
    ).order_by("org_path", "id")


def payable_totals(*, viewer: Viewer | None, month: dt.date) -> dict[str, int]:
    rows = scoped(AllowancePayable.objects.filter(month=month), viewer)
    return {r["status"]: r["n"] for r in rows.values("status").annotate(n=Count("id"))}


def rate_list(*, viewer: Viewer | None) -> QuerySet[AllowanceRate]:
    """Rates set in the viewer's subtrees (the provinces' tables)."""
    return scoped(AllowanceRate.objects.select_related("org"), viewer)


def greeting_list(*, viewer: Viewer | None, month: int) -> QuerySet[Honour]:
    """生日慰问 of the month and 节日慰问: active holders of the viewer's subtrees (persons)."""
    rows = scoped(
        Honour.objects.filter(status=HonourStatus.ACTIVE, kind="person").select_related(
            "award_type", "org"
        ),
        viewer,
    )
    return rows.filter(Q(birth_date__month=month)).order_by("birth_date__day", "name")


def studio_list(*, viewer: Viewer | None, q: str = "", level: str = "") -> QuerySet[Studio]:
    rows = scoped(Studio.objects.select_related("leader", "employer", "org"), viewer)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(field__contains=q))
    if level:
        rows = rows.filter(level=level)
    return rows.annotate(n_members=Count("members"))


def studio_get(*, viewer: Viewer | None, pk: int) -> Studio:
    return get_scoped_or_404(
        Studio.objects.select_related("leader", "employer", "org"), viewer, pk=pk
    )


def studio_leaders(*, viewer: Viewer | None) -> QuerySet[Honour]:
    return scoped(
        Honour.objects.filter(status=HonourStatus.ACTIVE, kind="person").select_related(
            "award_type"
        ),
        viewer,
    )


def own_honours(*, member: Any) -> QuerySet[Honour]:
    """A member's own honours (the phone page), with nobody else's."""
    own = Honour.objects.unscoped(reason="a member's own honours, by member")
    if member is None:
        return own.none()
    return own.filter(member=member).select_related("award_type")


def own_care(*, member: Any) -> dict[str, Any]:
    honours = list(own_honours(member=member))
    reason = "a member's own care records, through their own honours"
    return {
        "honours": honours,
        "payables": AllowancePayable.objects.unscoped(reason=reason)
        .filter(honour__in=honours)
        .order_by("-month")[:24],
        "care": CareRecord.objects.unscoped(reason=reason)
        .filter(honour__in=honours)
        .order_by("-on")[:50],
    }


def studio_leader_get(*, viewer: Viewer | None, pk: int) -> Honour | None:
    return studio_leaders(viewer=viewer).filter(pk=pk).first()


def studio_overview(*, viewer: Viewer | None, studio: Studio) -> dict[str, Any]:
    return {
        "members": studio.members.all(),
        "reports": scoped(studio.reports.all(), viewer),
        "suggestions": scoped(studio.suggestions.all(), viewer)[:100],
        "evaluations": scoped(studio.evaluations.all(), viewer),
    }
