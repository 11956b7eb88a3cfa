"""A merged union's honours work goes to the surviving union (orgs.services.org_merge): the
honours its holders hold, its candidacies, calls, quotas and lists."""

from __future__ import annotations

from typing import Any

from gonghui.core.scoping import Actor, unscoped
from gonghui.honors import models
from gonghui.orgs.models import Org

# Rows whose ``org`` gives their ``org_path``; every other foreign key of theirs to the tree
# (at_org, team, conferring_org, given_by, to_org) is re-pointed too.
MOVED_WITH_ORG: tuple[type[Any], ...] = (
    models.AwardCall,
    models.Quota,
    models.Submission,
    models.Nomination,
    models.Honour,
)
# Rows known by their parent row only: they follow it by path.
MOVED_BY_PATH: tuple[type[Any], ...] = (models.Evidence, models.Objection)


def _org_fields(model: type[Any]) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "many_to_one", False) and f.related_model is Org
    ]


def honors_merge(*, source: Org, target: Org, actor: Actor) -> None:
    with unscoped("org_merge checked orgs.manage over both orgs"):
        for model in MOVED_WITH_ORG:
            model.objects.filter(org=source).update(org_path=target.path)
            for field in _org_fields(model):
                model.objects.filter(**{field: source}).update(**{field: target})
        for model in MOVED_BY_PATH:
            model.objects.filter(org_path=source.path).update(org_path=target.path)


def honors_dissolve_guard(org: Org) -> list[str]:
    """A union with an open candidacy cannot be dissolved: the list would lose its sender."""
    from django.utils.translation import gettext as _

    with unscoped("the dissolve guard counts one org's own rows"):
        open_ones = models.Nomination.objects.filter(
            org=org, status__in=[models.NominationStatus.DRAFT, models.NominationStatus.PROPOSED]
        ).count()
    return [_("有%(n)d名推荐人选尚在评选中") % {"n": open_ones}] if open_ones else []


# --- aftercare (hon2): terms, care, revocations, studios follow the merged union --------------
AFTERCARE_WITH_ORG: tuple[type[Any], ...] = (
    models.Assessment,
    models.Revocation,
    models.AllowancePayable,
    models.CareRecord,
    models.Studio,
)
# Filed at the holder's or the studio's path; the evaluating org of an evaluation is re-pointed.
AFTERCARE_BY_PATH: tuple[type[Any], ...] = (
    models.CareProfile,
    models.StudioReport,
    models.StudioSuggestion,
    models.StudioEvaluation,
)


def aftercare_merge(*, source: Org, target: Org, actor: Actor) -> None:
    with unscoped("org_merge checked orgs.manage over both orgs"):
        for model in AFTERCARE_WITH_ORG:
            model.objects.filter(org=source).update(org=target, org_path=target.path)
        for model in AFTERCARE_BY_PATH:
            model.objects.filter(org_path=source.path).update(org_path=target.path)
        models.StudioEvaluation.objects.filter(org=source).update(org=target)
