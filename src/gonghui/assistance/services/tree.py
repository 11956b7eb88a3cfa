"""A merged union's assistance work goes to the surviving union (orgs.services.org_merge)."""

from __future__ import annotations

from typing import Any

from gonghui.assistance import models
from gonghui.assistance.models import funds as models_funds
from gonghui.core import counters
from gonghui.core.scoping import Actor, unscoped
from gonghui.orgs.models import Org

# Rows that belong to the org's work: cases, records, lists (its funds are the core ledger's,
# moved by core's own handler). Its rules (认定标准), its
# yearly review and the quotas allotted to it stay with the merged org (keep_path in apps).
MOVED_WITH_ORG: tuple[type[Any], ...] = (
    models.HardshipCase,
    models_funds.Campaign,
    models_funds.AssistanceRecord,
    models_funds.StudentApplication,
    models_funds.CivilList,
)
# Rows known by their parent row only: they follow it by path.
MOVED_BY_PATH: tuple[type[Any], ...] = (models.CaseAttachment,)


def assistance_merge(*, source: Org, target: Org, actor: Actor) -> None:
    with unscoped("org_merge checked orgs.manage over both orgs"):
        for model in MOVED_WITH_ORG:
            model.objects.filter(org=source).update(org=target, org_path=target.path)
        for model in MOVED_BY_PATH:
            model.objects.filter(org_path=source.path).update(org_path=target.path)
    counters.recount_source("assistance", [source.path, target.path])
