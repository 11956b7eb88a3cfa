"""Every read of the honours app, from the viewer's scope (docs/architecture.md).

A call is seen by the officers of the subtree it covers (it cascades down: a county sees the
province's call) and by those above; candidates and holders are read through their union's
subtree; the 公示 list is what members of the covered subtree see on their phones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.core.models import Fund
from gonghui.core.scoping import Viewer, get_scoped_or_404, scope_q, scoped, viewer_paths
from gonghui.honors.models import (
    CARE_FUND,
    AllowancePayable,
    AllowanceRate,
    Assessment,
    AwardCall,
    AwardType,
    CallStatus,
    CareRecord,
    CompositionRule,
    Evidence,
    Honour,
    HonourStatus,
    Nomination,
    NominationStatus,
    Objection,
    Quota,
    Revocation,
    RevocationCause,
    Studio,
    Submission,
)
from gonghui.orgs.models import PATH_STEP, Org

VIEW = "honors.view"


def award_types(*, active_only: bool = False) -> QuerySet[AwardType]:
    """The catalogue: not personal, not per org, readable by every officer."""
    types = AwardType.objects.all()
    return types.filter(active=True) if active_only else types


def composition_rules() -> QuerySet[CompositionRule]:
    return CompositionRule.objects.select_related("award_type")


def _ancestor_paths(paths: list[str]) -> set[str]:
    return {p[:i] for p in paths for i in range(PATH_STEP, len(p) + 1, PATH_STEP)}


def _covering_q(paths: list[str]) -> Q:
    """Calls issued at or above one of these paths (the call cascades down to them)."""
    return Q(org_path__in=_ancestor_paths(paths))


def call_list(*, viewer: Viewer, status: str = "") -> QuerySet[AwardCall]:
    paths = viewer_paths(viewer)
    calls = AwardCall.objects.unscoped(
        reason="a call is readable in the subtree it covers and above (scope_q or covering)"
    ).filter(scope_q(viewer, "org_path", VIEW) | _covering_q(paths))
    if status:
        calls = calls.filter(status=status)
    return calls.select_related("award_type", "org")


def call_get(*, viewer: Viewer, pk: int) -> AwardCall:
    call = call_list(viewer=viewer).filter(pk=pk).first()
    if call is None:
        raise Http404
    return call


def quotas_of(*, viewer: Viewer, call: AwardCall) -> QuerySet[Quota]:
    return Quota.objects.for_viewer(viewer).filter(call=call).select_related("org", "given_by")


def quota_of(*, call: AwardCall, org: Org) -> int | None:
    """The seats the acting org holds (the call's own for the conferring org)."""
    if org.pk == call.org_id:
        return call.seats
    row = (
        Quota.objects.unscoped(reason="an org reads its own quota in a call it sees")
        .filter(call=call, org=org)
        .first()
    )
    return row.seats if row else None


def nominations_held(*, viewer: Viewer, call: AwardCall, org: Org) -> QuerySet[Nomination]:
    """The list an org holds now (its own candidates and those its children sent up)."""
    return (
        Nomination.objects.for_viewer(viewer)
        .filter(
            call=call,
            at_org=org,
            status__in=[
                NominationStatus.DRAFT,
                NominationStatus.PROPOSED,
                NominationStatus.PUBLICITY,
                NominationStatus.CONFERRED,
            ],
        )
        .select_related("employer", "org")
        .order_by("id")
    )


def nominations_of_call(*, viewer: Viewer, call: AwardCall) -> QuerySet[Nomination]:
    return (
        Nomination.objects.for_viewer(viewer)
        .filter(call=call)
        .select_related("employer", "org", "at_org")
        .order_by("org_path", "id")
    )


def nomination_get(*, viewer: Viewer, pk: int) -> Nomination:
    found = (
        Nomination.objects.for_viewer(viewer)
        .select_related("call", "call__award_type", "employer", "org", "at_org", "member")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def submissions_of(*, viewer: Viewer, call: AwardCall) -> QuerySet[Submission]:
    return Submission.objects.for_viewer(viewer).filter(call=call).select_related("org", "to_org")


def evidence_get(*, viewer: Viewer, pk: int) -> Evidence:
    found = Evidence.objects.for_viewer(viewer).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def objections_of_call(*, viewer: Viewer, call: AwardCall) -> QuerySet[Objection]:
    return (
        Objection.objects.for_viewer(viewer)
        .filter(nomination__call=call)
        .select_related("nomination")
        .order_by("answered_on", "id")
    )


def objection_get(*, viewer: Viewer, pk: int) -> Objection:
    found = (
        Objection.objects.for_viewer(viewer)
        .select_related("nomination__call")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def honour_list(
    *, viewer: Viewer, q: str = "", level: str = "", award_type: str = "", status: str = ""
) -> QuerySet[Honour]:
    honours = Honour.objects.for_viewer(viewer, VIEW).select_related("award_type", "org")
    if q:
        honours = honours.filter(name__startswith=q.strip())
    if level:
        honours = honours.filter(level=level)
    if award_type:
        honours = honours.filter(award_type__code=award_type)
    if status:
        honours = honours.filter(status=status)
    return honours


def honour_get(*, viewer: Viewer, pk: int) -> Honour:
    found = honour_list(viewer=viewer).select_related("employer", "member").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def honours_of_call(*, viewer: Viewer, call: AwardCall) -> QuerySet[Honour]:
    return (
        Honour.objects.for_viewer(viewer)
        .filter(nomination__call=call)
        .select_related("employer", "org")
        .order_by("certificate_no")
    )


# --- members' phone pages --------------------------------------------------------------------


def publicity_calls(*, member: Any) -> QuerySet[AwardCall]:
    """Calls in 公示 that cover the member's union: 公示 is public to the subtree it covers."""
    if member is None:
        return AwardCall.objects.unscoped(reason="no member record: an empty list").none()
    return (
        AwardCall.objects.unscoped(reason="公示 lists are public to the members they cover")
        .filter(_covering_q([member.org_path]), status=CallStatus.PUBLICITY)
        .select_related("award_type", "org")
    )


def publicity_list(*, member: Any, call_pk: int) -> tuple[AwardCall, QuerySet[Nomination]]:
    call = publicity_calls(member=member).filter(pk=call_pk).first()
    if call is None:
        raise Http404
    listed = (
        Nomination.objects.unscoped(reason="the 公示 list of a call that covers the member")
        .filter(call=call, status=NominationStatus.PUBLICITY)
        .select_related("employer")
        .order_by("org_path", "id")
    )
    return call, listed


def publicity_nomination(*, member: Any, pk: int) -> Nomination:
    found = (
        Nomination.objects.unscoped(reason="a candidate on a 公示 list that covers the member")
        .filter(pk=pk, status=NominationStatus.PUBLICITY)
        .select_related("call", "employer")
        .first()
    )
    if found is None or not publicity_calls(member=member).filter(pk=found.call_id).exists():
        raise Http404
    return found


def my_honours(*, member: Any) -> QuerySet[Honour]:
    if member is None:
        return Honour.objects.unscoped(reason="no member record: an empty list").none()
    return (
        Honour.objects.unscoped(reason="a member reads the honours linked to their own record")
        .filter(member=member)
        .select_related("award_type")
    )


# --- pickers of the forms --------------------------------------------------------------------


def member_by_id_number(*, viewer: Viewer, number: str) -> Any:
    """A member typed by ID number into a nomination form, in the viewer's scope."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from gonghui.core.crypto import blind_index
    from gonghui.core.identifiers import normalize_code
    from gonghui.members.models import Member

    found = (
        Member.objects.for_viewer(viewer)
        .filter(id_index=blind_index("id", normalize_code(number)))
        .first()
    )
    if found is None:
        raise ValidationError({"member_id_number": _("在您的管辖范围内找不到该会员")})
    return found


def employer_by_uscc(*, viewer: Viewer, uscc: str) -> Any:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from gonghui.core.identifiers import normalize_code
    from gonghui.orgs.models import Employer

    found = Employer.objects.for_viewer(viewer).filter(uscc=normalize_code(uscc)).first()
    if found is None:
        raise ValidationError({"employer_uscc": _("在您的管辖范围内找不到该单位")})
    return found


def composition_live(
    *, viewer: Viewer, call: AwardCall, org: Org, chosen: list[int] | None = None
) -> Any:
    """The live composition check of the list an org holds (or of the chosen part of it)."""
    from gonghui.honors import rules

    held = nominations_held(viewer=viewer, call=call, org=org).filter(
        status__in=[NominationStatus.DRAFT, NominationStatus.PROPOSED]
    )
    if chosen is not None:
        held = held.filter(pk__in=chosen)
    return rules.composition_for(call.rule, list(held))


# --- aftercare (hon2): terms, care, revocations, studios ---------------------------------------
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
