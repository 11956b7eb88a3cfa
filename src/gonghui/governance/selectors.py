"""Every read of the governance app, starting from the viewer's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from gonghui.core.scoping import Actor, Viewer, get_scoped_or_404, prefix_q, scoped
from gonghui.governance import rules
from gonghui.governance.models import (
    OPEN_ELECTION_STATES,
    Candidate,
    Committee,
    CommitteeKind,
    CommitteeSeat,
    CommitteeStatus,
    Election,
    ElectionState,
    FormationApproval,
)
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.counters import LARGE_EMPLOYER
from gonghui.orgs.models import GRASSROOTS_KINDS, Employer, Org, OrgStatus

VIEW = "governance.view"


def _open_seats() -> Prefetch[Any]:
    return Prefetch(
        "seats",
        queryset=CommitteeSeat.objects.unscoped(reason="the seats of committees already scoped")
        .filter(ended_on__isnull=True)
        .select_related("member")
        .order_by("role", "id"),
        to_attr="open_seats",
    )


def committees_in_office(*, viewer: Viewer, org_path: str) -> QuerySet[Committee]:
    """The committees in office of one union within the viewer's scope, with their seats."""
    return (
        Committee.objects.for_viewer(viewer, VIEW)
        .filter(org_path=org_path, status=CommitteeStatus.IN_OFFICE)
        .prefetch_related(_open_seats())
    )


# --- 会费, 工会经费, 经审 (helper `dues`) --------------------------------------------------------


from django.db.models import Count, F, Sum  # noqa: E402
from django.http import Http404  # noqa: E402

from gonghui.governance.models.audits import FundReview, ReviewFinding, ReviewSample  # noqa: E402
from gonghui.governance.models.dues import (  # noqa: E402
    DuesEducation,
    DuesMonth,
    DuesPayment,
    DuesStatus,
    LevelShare,
)
from gonghui.governance.models.funds import FundsMonth, FundsReceipt, FundsReminder  # noqa: E402

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


def committee_get(*, viewer: Viewer, pk: int) -> Committee:
    return get_scoped_or_404(
        Committee.objects.select_related("org").prefetch_related(_open_seats()), viewer, pk=pk
    )


def committee_history(*, viewer: Viewer, org_path: str) -> QuerySet[Committee]:
    return Committee.objects.for_viewer(viewer, VIEW).filter(
        org_path=org_path, status=CommitteeStatus.ENDED
    )


def union_members(*, viewer: Viewer, org: Org) -> QuerySet[Member]:
    """The union's members with a vote: those a committee seat or a candidacy may name."""
    return (
        Member.objects.for_viewer(viewer, VIEW)
        .filter(union=org, status=MemberStatus.ACTIVE)
        .order_by("name", "pk")
    )


def voting_member_count(*, viewer: Viewer, org: Org) -> int:
    return union_members(viewer=viewer, org=org).count()


@dataclass
class UnionStatus:
    org: Org
    committee: Committee | None
    election: Election | None
    state: str  # none, in_office, due (within the reminder window), overdue, electing
    due_on: dt.date | None = None
    formation: FormationApproval | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _state(committee: Committee | None, election: Election | None, today: dt.date) -> str:
    if election is not None:
        return "electing"
    if committee is None:
        return "none"
    if committee.election_due_on < today:
        return "overdue"
    if today >= rules.reminder_from(committee.election_due_on, 6):
        return "due"
    return "in_office"


def union_status(*, viewer: Viewer, org: Org) -> UnionStatus:
    today = timezone.localdate()
    committee = (
        committees_in_office(viewer=viewer, org_path=org.path)
        .filter(kind=CommitteeKind.MAIN)
        .first()
    )
    election = (
        Election.objects.for_viewer(viewer, VIEW)
        .filter(org_path=org.path, state__in=list(OPEN_ELECTION_STATES))
        .first()
    )
    formation = FormationApproval.objects.for_viewer(viewer, VIEW).filter(org_path=org.path).first()
    return UnionStatus(
        org,
        committee,
        election,
        _state(committee, election, today),
        committee.election_due_on if committee else None,
        formation,
    )


def child_unions_status(*, viewer: Viewer, org: Org, limit: int = 200) -> list[UnionStatus]:
    """The grassroots unions under ``org`` with their committee state: a federation's view."""
    today = timezone.localdate()
    unions = list(
        scoped(Org.objects.all(), viewer, "path")
        .filter(prefix_q("path", org.path))
        .filter(kind__in=list(GRASSROOTS_KINDS), status=OrgStatus.ACTIVE)
        .exclude(pk=org.pk)
        .order_by("path")[:limit]
    )
    paths = [u.path for u in unions]
    committees = {
        c.org_path: c
        for c in Committee.objects.for_viewer(viewer, VIEW).filter(
            org_path__in=paths, kind=CommitteeKind.MAIN, status=CommitteeStatus.IN_OFFICE
        )
    }
    elections = {
        e.org_path: e
        for e in Election.objects.for_viewer(viewer, VIEW).filter(
            org_path__in=paths, state__in=list(OPEN_ELECTION_STATES)
        )
    }
    out = []
    for union in unions:
        committee, election = committees.get(union.path), elections.get(union.path)
        out.append(
            UnionStatus(
                union,
                committee,
                election,
                _state(committee, election, today),
                committee.election_due_on if committee else None,
            )
        )
    return out


def elections_of(*, viewer: Viewer, org_path: str) -> QuerySet[Election]:
    return Election.objects.for_viewer(viewer, VIEW).filter(org_path=org_path)


def election_get(*, viewer: Viewer, pk: int) -> Election:
    return get_scoped_or_404(
        Election.objects.select_related("org", "previous", "elected"), viewer, pk=pk
    )


def candidates_of(election: Election) -> QuerySet[Candidate]:
    """The candidates of an election the viewer was already allowed to read."""
    return (
        Candidate.objects.unscoped(reason="candidates of an election read through its scope")
        .filter(election=election)
        .select_related("member")
        .order_by("-elected", "-votes", "id")
    )


def employers_to_organize(*, viewer: Viewer) -> QuerySet[Employer]:
    """建会 drive: employers of 25 or more staff without a union, in the viewer's subtree."""
    return (
        Employer.objects.for_viewer(viewer, VIEW)
        .filter(union__isnull=True, employee_count__gte=LARGE_EMPLOYER)
        .order_by("-employee_count", "name")
    )


def formation_approvals(*, viewer: Viewer) -> QuerySet[FormationApproval]:
    return FormationApproval.objects.for_viewer(viewer, VIEW).select_related("org", "employer")


def unions_awaiting_approval(*, viewer: Viewer, org: Org) -> QuerySet[Org]:
    """Direct child unions of ``org`` whose formation is not yet recorded as approved."""
    return (
        scoped(Org.objects.all(), viewer, "path")
        .filter(parent=org, kind__in=list(GRASSROOTS_KINDS), status=OrgStatus.ACTIVE)
        .exclude(formation__isnull=False)
        .order_by("name")
    )


def member_committee(*, user: Actor) -> tuple[Committee | None, list[Candidate]]:
    """The signed-in member's union's main committee in office and the candidacies of its
    open elections (the phone page: 公示 of candidates), read for their own union only."""
    member = (
        Member.objects.unscoped(reason="a member reads their own record")
        .filter(account=user)
        .first()
    )
    if member is None:
        return None, []
    committee = (
        Committee.objects.unscoped(reason="a member reads their own union's committee")
        .filter(org_id=member.union_id, kind=CommitteeKind.MAIN, status=CommitteeStatus.IN_OFFICE)
        .prefetch_related(_open_seats())
        .first()
    )
    candidates = list(
        Candidate.objects.unscoped(reason="a member reads their own union's candidacies")
        .filter(
            election__org_id=member.union_id,
            election__state__in=[ElectionState.PRESELECTED, ElectionState.VOTING],
            preselected=True,
        )
        .select_related("member", "election")
        .order_by("election", "id")
    )
    return committee, candidates


def seat_get(*, viewer: Viewer, pk: int) -> CommitteeSeat:
    return get_scoped_or_404(CommitteeSeat.objects.select_related("committee"), viewer, pk=pk)


def org_get(*, viewer: Viewer, pk: int) -> Org:
    return get_scoped_or_404(Org.objects.all(), viewer, "path", pk=pk)
