"""How the governance module takes part in the union tree's lifecycle (core.registry).

A merged union's committees stay its history (their path is kept at the merged org); the ones
in office end on the merge date, since the union they serve no longer exists."""

from __future__ import annotations

from django.utils import timezone

from gonghui.core.scoping import Actor
from gonghui.governance.models import Committee, CommitteeSeat, CommitteeStatus
from gonghui.orgs.models import Org


def governance_merge(*, source: Org, target: Org, actor: Actor) -> None:
    today = timezone.localdate()
    ending = Committee.objects.unscoped(reason="merge: the merged union's committees end").filter(
        org=source, status=CommitteeStatus.IN_OFFICE
    )
    CommitteeSeat.objects.unscoped(reason="merge: seats end with their committee").filter(
        committee__in=ending, ended_on__isnull=True
    ).update(ended_on=today)
    ending.update(status=CommitteeStatus.ENDED, ended_on=today)
