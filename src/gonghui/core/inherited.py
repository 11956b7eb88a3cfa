"""Rules inherited down the union tree (DESIGN.md rule 10): an org sets a row, its subtree
inherits it, and the row of the **nearest** org on the chain applies: the org's own row beats its
parent's, which beats the grandparent's, up to the root. A row with no org is the national default
(callers fall back to it, or to a built-in default, when ``nearest_rule`` finds nothing).

A rule model has an ``org`` foreign key and the denormalized ``org_path`` of that org.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor

R = TypeVar("R", bound=models.Model)


def nearest_rule(
    model: type[R], org_path: str, *, rows: models.QuerySet[R] | None = None
) -> R | None:
    """The row set by the org at ``org_path`` or by its nearest ancestor; None if no org on the
    chain set one. ``rows`` narrows the candidates (e.g. rules in force on a date); among rows of
    the same org, the first in ``rows``' order wins.

    Ancestors' paths are the prefixes of ``org_path`` (a materialized path), so every prefix is
    looked up and the longest found is the nearest: no knowledge of the path step needed."""
    candidates = rows if rows is not None else model._default_manager.all()
    prefixes = [org_path[:i] for i in range(1, len(org_path) + 1)]
    best: R | None = None
    for row in candidates.filter(org_path__in=prefixes, org__isnull=False):
        if best is None or len(row.org_path) > len(best.org_path):  # type: ignore[attr-defined]
            best = row
    return best


def rule_save(model: type[R], *, actor: Actor, org: Any, action: str, values: dict[str, Any]) -> R:
    """Set ``org``'s own row (created on first save) to ``values``; validated, audited as
    ``action`` with before and after. The caller checks the actor's capability first."""
    with transaction.atomic():
        rule, _created = model._default_manager.select_for_update().get_or_create(
            org=org, defaults={"org_path": org.path}
        )
        before = {key: getattr(rule, key) for key in values}
        for key, value in values.items():
            setattr(rule, key, value)
        rule.full_clean()
        rule.save()
        audit_record(
            action=action, actor=actor, target=rule, org_path=org.path, before=before, after=values
        )
    return rule
