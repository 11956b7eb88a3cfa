"""Reads of the democracy module, each starting from the viewer's scope (DESIGN.md rule 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import (
    Actor,
    Viewer,
    get_scoped_or_404,
    prefix_q,
    scoped,
    subtrees_q,
    subtrees_with,
)
from gonghui.core.workflow import HistoryEntry, history_of
from gonghui.democracy.models import (
    Congress,
    Delegate,
    Department,
    DisclosureItem,
    DisclosurePlan,
    DisclosureQuestion,
    Motion,
    MotionState,
    Rating,
    Session,
    SessionState,
)
from gonghui.members.models import Member


def congress_list(*, viewer: Viewer) -> QuerySet[Congress]:
    return scoped(Congress.objects.select_related("org"), viewer).order_by("org_path")


def congress_get(*, viewer: Viewer, pk: int) -> Congress:
    return get_scoped_or_404(Congress.objects.select_related("org"), viewer, pk=pk)


def session_get(*, viewer: Viewer, pk: int) -> Session:
    return get_scoped_or_404(Session.objects.select_related("term__congress__org"), viewer, pk=pk)


def delegate_get(*, viewer: Viewer, pk: int) -> Delegate:
    return get_scoped_or_404(Delegate.objects.select_related("term"), viewer, pk=pk)


def motion_get(*, viewer: Viewer, pk: int) -> Motion:
    return get_scoped_or_404(
        Motion.objects.select_related("congress__org", "proposer", "department", "session"),
        viewer,
        pk=pk,
    )


@dataclass(frozen=True)
class MotionFilters:
    state: str = ""
    department: int | None = None
    congress: int | None = None


def motion_list(*, viewer: Viewer, filters: MotionFilters | None = None) -> QuerySet[Motion]:
    filters = filters or MotionFilters()
    qs = scoped(
        Motion.objects.select_related("congress", "proposer", "department").annotate(
            signer_count=Count("signers")
        ),
        viewer,
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.congress:
        qs = qs.filter(congress_id=filters.congress)
    return qs


STATE_LABELS: dict[str, Any] = {
    **dict(SessionState.choices),
    **dict(MotionState.choices),
    "asked": _("已提问"),
    "answered": _("已答复"),
}


def history(obj: Any) -> list[HistoryEntry]:
    """The trail of one object found in scope, with each state's label for display."""
    rows = list(history_of(obj))
    for row in rows:
        row.from_label = STATE_LABELS.get(row.from_state, row.from_state)  # type: ignore[attr-defined]
        row.to_label = STATE_LABELS.get(row.to_state, row.to_state)  # type: ignore[attr-defined]
    return rows


def plan_list(*, viewer: Viewer) -> QuerySet[DisclosurePlan]:
    return scoped(DisclosurePlan.objects.select_related("org"), viewer).annotate(
        item_count=Count("items"),
        published=Count("items", filter=Q(items__published_at__isnull=False)),
    )


def plan_get(*, viewer: Viewer, pk: int) -> DisclosurePlan:
    return get_scoped_or_404(DisclosurePlan.objects.select_related("org"), viewer, pk=pk)


def item_get(*, viewer: Viewer, pk: int) -> DisclosureItem:
    return get_scoped_or_404(DisclosureItem.objects.select_related("plan__org"), viewer, pk=pk)


def question_get(*, viewer: Viewer, pk: int) -> DisclosureQuestion:
    return get_scoped_or_404(DisclosureQuestion.objects.all(), viewer, pk=pk)


# --- pickers inside an object found in scope -----------------------------------------------------


def electable_member(*, viewer: Viewer, congress: Congress, pk: int) -> Member | None:
    """A member of the congress's union subtree, in the viewer's scope (None: not found)."""
    rows = Member.objects.for_viewer(viewer).filter(prefix_q("org_path", congress.org_path))
    return rows.filter(pk=pk).first()


def term_delegate(*, viewer: Viewer, term_id: int, pk: int) -> Delegate | None:
    """A delegate of one term, in the viewer's scope (None: not found)."""
    return Delegate.objects.for_viewer(viewer).filter(pk=pk, term_id=term_id).first()


def congress_departments(*, viewer: Viewer, congress: Congress) -> QuerySet[Department]:
    """The departments that may be assigned a motion of ``congress`` (承办部门)."""
    return Department.objects.for_viewer(viewer).filter(org_id=congress.org_id)


# --- members' view: their own union and the unions above it -----------------------------------


def member_org_paths(user: Actor) -> list[str]:
    """Paths of the member's union and its ancestors: the congresses the member belongs to."""
    member = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
    if member is None:
        return []
    return list(member.union.ancestor_paths())


_OWN_CONGRESSES = "the congresses of the member's own union and the unions above it"
_OWN_SEATS = "the signed-in delegate's own seats and their terms"


def member_motions(*, user: Actor) -> QuerySet[Motion]:
    paths = member_org_paths(user)
    return (
        Motion.objects.unscoped(reason=_OWN_CONGRESSES)
        .filter(org_path__in=paths)
        .exclude(state=MotionState.DRAFT)
        .select_related("proposer", "department")
        .order_by("-number", "-pk")
    )


def member_motion_get(*, user: Actor, pk: int) -> Motion:
    """A motion of the member's congress; drafts only for delegates of the same term."""
    paths = member_org_paths(user)
    motion = (
        Motion.objects.unscoped(reason=_OWN_CONGRESSES)
        .filter(pk=pk, org_path__in=paths)
        .select_related("proposer", "department", "congress")
        .first()
    )
    if motion is None:
        raise Http404
    if (
        motion.state == MotionState.DRAFT
        and not Delegate.objects.unscoped(reason=_OWN_SEATS)
        .filter(member__account=user, left_on__isnull=True, term_id=motion.proposer.term_id)
        .exists()
    ):
        raise Http404
    return motion


def member_disclosures(*, user: Actor) -> QuerySet[DisclosureItem]:
    return (
        DisclosureItem.objects.unscoped(reason=_OWN_CONGRESSES)
        .filter(org_path__in=member_org_paths(user), published_at__isnull=False)
        .order_by("-published_at")
    )


def delegate_sessions(*, seats: list[Delegate]) -> QuerySet[Session]:
    """Sessions still ahead or open of the terms where the delegate holds a seat."""
    return (
        Session.objects.unscoped(reason=_OWN_SEATS)
        .filter(
            term_id__in=[s.term_id for s in seats],
            state__in=[SessionState.PLANNED, SessionState.MATERIALS_SENT, SessionState.OPEN],
        )
        .order_by("scheduled_for")
    )


def delegate_session_get(*, seats: list[Delegate], pk: int) -> Session:
    """A session of a term where the delegate holds a seat (else 404)."""
    own = Session.objects.unscoped(reason=_OWN_SEATS)
    session = own.filter(pk=pk, term_id__in=[s.term_id for s in seats]).first()
    if session is None:
        raise Http404
    return session


def motions_to_second(*, seats: list[Delegate]) -> QuerySet[Motion]:
    """Drafts of fellow delegates of the same terms that this delegate has not signed."""
    return (
        Motion.objects.unscoped(reason=_OWN_SEATS)
        .filter(proposer__term_id__in=[s.term_id for s in seats], state=MotionState.DRAFT)
        .exclude(proposer__in=seats)
        .exclude(signers__delegate__in=seats)
        .select_related("proposer")
    )


def delegate_motions(*, seats: list[Delegate]) -> QuerySet[Motion]:
    """The motions the delegate proposed, newest first."""
    return Motion.objects.unscoped(reason=_OWN_SEATS).filter(proposer__in=seats).order_by("-pk")


def member_disclosure_get(*, user: Actor, pk: int) -> DisclosureItem:
    item = member_disclosures(user=user).filter(pk=pk).select_related("plan").first()
    if item is None:
        raise Http404
    return item


# --- reports ------------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def motion_report(*, viewer: Viewer) -> dict[str, Any]:
    motions = scoped(Motion.objects.all(), viewer)
    by_state = dict(motions.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    states = [(label, by_state.get(value, 0)) for value, label in MotionState.choices]
    by_department = list(
        motions.filter(department__isnull=False)
        .values("department__name", "congress__org__name")
        .annotate(
            total=Count("pk"),
            replied=Count("pk", filter=Q(replied_on__isnull=False)),
            on_time=Count("pk", filter=Q(replied_on_time=True)),
            completed=Count("pk", filter=Q(state=MotionState.COMPLETED)),
        )
        .order_by("congress__org__name", "department__name")
    )
    for row in by_department:
        row["on_time_rate"] = _pct(row["on_time"], row["replied"])
    replied = motions.filter(replied_on_time__isnull=False)
    on_time = replied.filter(replied_on_time=True).count()
    rated = dict(
        motions.exclude(rating="")
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    total_rated = sum(rated.values())
    ratings = [
        (label, rated.get(value, 0), _pct(rated.get(value, 0), total_rated))
        for value, label in Rating.choices
    ]
    return {
        "states": states,
        "by_department": by_department,
        "replied": replied.count(),
        "on_time": on_time,
        "on_time_rate": _pct(on_time, replied.count()),
        "ratings": ratings,
        "satisfied_rate": _pct(
            rated.get(Rating.SATISFIED, 0) + rated.get(Rating.BASIC, 0), total_rated
        ),
    }


def attendance_report(*, viewer: Viewer) -> list[dict[str, Any]]:
    rows = []
    sessions = scoped(Session.objects.select_related("term__congress__org"), viewer)
    for session in sessions.annotate(present=Count("attendances")).order_by("-scheduled_for")[:50]:
        base = session.in_office_at_open
        if base is None:
            base = session.term.delegates.filter(left_on__isnull=True).count()
        rows.append(
            {
                "session": session,
                "in_office": base,
                "present": session.present,
                "rate": _pct(session.present, base),
            }
        )
    return rows


def disclosure_report(*, viewer: Viewer, today: Any) -> list[dict[str, Any]]:
    rows = []
    for plan in plan_list(viewer=viewer).annotate(
        due=Count("items", filter=Q(items__due_on__lte=today)),
        overdue=Count("items", filter=Q(items__due_on__lt=today, items__published_at__isnull=True)),
    )[:100]:
        rows.append(
            {
                "plan": plan,
                "items": plan.item_count,  # type: ignore[attr-defined]
                "published": plan.published,  # type: ignore[attr-defined]
                "overdue": plan.overdue,
                "coverage": _pct(plan.published, plan.item_count),  # type: ignore[attr-defined]
            }
        )
    return rows


def managed_q(viewer: Viewer, field: str = "org_path") -> Q | None:
    """Rows under the orgs where the viewer holds democracy.manage; None when there are none
    (so a caller cannot mistake an empty filter for "everything")."""
    paths = subtrees_with(viewer, "democracy.manage")
    return subtrees_q(paths, field) if paths else None
