"""A merged union's congresses, ballots and disclosure go to the surviving union
(orgs.services.org_merge)."""

from __future__ import annotations

from typing import Any

from gonghui.core import counters
from gonghui.core.scoping import Actor, unscoped
from gonghui.democracy import models
from gonghui.orgs.models import Org

# Rows that name their org. The org's own rules (CompositionRule, BallotRule: one per org) and
# its congress departments (unique names per org) stay with the merged org (keep_path in apps).
MOVED_WITH_ORG: tuple[type[Any], ...] = (models.Congress, models.Ballot, models.DisclosurePlan)
# Rows known by their congress, session or plan: they follow it by path.
MOVED_BY_PATH: tuple[type[Any], ...] = (
    models.Term,
    models.Session,
    models.Delegate,
    models.Attendance,
    models.Motion,
    models.DisclosureItem,
    models.DisclosureQuestion,
)


def democracy_merge(*, source: Org, target: Org, actor: Actor) -> None:
    with unscoped("org_merge checked orgs.manage over both orgs"):
        for model in MOVED_WITH_ORG:
            model.objects.filter(org=source).update(org=target, org_path=target.path)
        for model in MOVED_BY_PATH:
            model.objects.filter(org_path=source.path).update(org_path=target.path)
    counters.recount_source("democracy", [source.path, target.path])
