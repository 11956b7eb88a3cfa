"""What the governance module counts under at a union (core.counters): its committees in office
by kind, the month its main committee's next election is due (overdue is read against today),
an open 换届, the 换届 confirmed per year and the formations approved."""

from __future__ import annotations

from collections.abc import Iterator

from gonghui.governance.models import (
    OPEN_ELECTION_STATES,
    Committee,
    CommitteeKind,
    CommitteeStatus,
    Election,
    ElectionState,
    FormationApproval,
)

PREFIXES = ("governance.",)


def source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    reason = "counters of every union"
    committees = Committee.objects.unscoped(reason=reason).filter(status=CommitteeStatus.IN_OFFICE)
    elections = Election.objects.unscoped(reason=reason)
    approvals = FormationApproval.objects.unscoped(reason=reason)
    if paths is not None:
        committees = committees.filter(org_path__in=paths)
        elections = elections.filter(org_path__in=paths)
        approvals = approvals.filter(org_path__in=paths)
    for path, kind, due in committees.values_list("org_path", "kind", "election_due_on"):
        yield path, f"governance.committee.{kind}", 1
        if kind == CommitteeKind.MAIN:
            yield path, f"governance.due.{due:%Y-%m}", 1
    for path in set(
        elections.filter(state__in=list(OPEN_ELECTION_STATES)).values_list("org_path", flat=True)
    ):
        yield path, "governance.election.open", 1
    held: dict[tuple[str, int], int] = {}
    for path, on in elections.filter(state=ElectionState.CONFIRMED).values_list(
        "org_path", "confirmed_on"
    ):
        if on is not None:
            held[(path, on.year)] = held.get((path, on.year), 0) + 1
    for (path, year), n in held.items():
        yield path, f"governance.elections.{year}", n
    for path in approvals.values_list("org_path", flat=True):
        yield path, "governance.formation.approved", 1
