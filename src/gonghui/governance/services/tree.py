"""How the governance module takes part in the union tree's lifecycle (core.registry).

A merged union's committees, elections and approvals stay its history (their path is kept at the
merged org); the committees in office end on the merge date and its open election is cancelled,
since the union they serve no longer exists. A union in the middle of a 换届 is not dissolved."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.scoping import Actor
from gonghui.governance.models import (
    OPEN_ELECTION_STATES,
    Candidate,
    Committee,
    CommitteeSeat,
    CommitteeStatus,
    Election,
    ElectionRule,
    ElectionState,
    FormationApproval,
    Postponement,
)
from gonghui.orgs.models import Org

KEPT_AT_MERGED_ORG: tuple[type[models.Model], ...] = (
    Committee,
    CommitteeSeat,
    Postponement,
    Election,
    Candidate,
    FormationApproval,
    ElectionRule,
)


def governance_dissolve_guard(org: Org) -> list[str]:
    open_elections = Election.objects.unscoped(reason="dissolve guard of one org").filter(
        org=org, state__in=list(OPEN_ELECTION_STATES)
    )
    if open_elections.exists():
        return [_("正在进行换届选举，请先完成或撤销")]
    return []


def governance_merge(*, source: Org, target: Org, actor: Actor) -> None:
    today = timezone.localdate()
    ending = Committee.objects.unscoped(reason="merge: the merged union's committees end").filter(
        org=source, status=CommitteeStatus.IN_OFFICE
    )
    CommitteeSeat.objects.unscoped(reason="merge: seats end with their committee").filter(
        committee__in=ending, ended_on__isnull=True
    ).update(ended_on=today)
    ending.update(status=CommitteeStatus.ENDED, ended_on=today)
    Election.objects.unscoped(reason="merge: the merged union's election is void").filter(
        org=source, state__in=list(OPEN_ELECTION_STATES)
    ).update(state=ElectionState.CANCELLED)
