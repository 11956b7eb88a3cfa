"""Every read of the honours app, from the viewer's scope (docs/architecture.md).

A call is seen by the officers of the subtree it covers (it cascades down: a county sees the
province's call) and by those above; candidates and holders are read through their union's
subtree; the 公示 list is what members of the covered subtree see on their phones."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.core.scoping import Viewer, scope_q, viewer_paths
from gonghui.honors.models import (
    AwardCall,
    AwardType,
    CallStatus,
    CompositionRule,
    Evidence,
    Honour,
    Nomination,
    NominationStatus,
    Objection,
    Quota,
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
