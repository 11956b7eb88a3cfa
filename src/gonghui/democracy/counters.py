"""What the congress module counts under at its org (core.counters): whether the org has set up
its workers' congress (a congress with a term) and its 厂务公开 (a disclosure plan) — the
numerators of the 建制率 of DOMAIN.md §10."""

from __future__ import annotations

from collections.abc import Iterator

from gonghui.democracy.models import Congress
from gonghui.democracy.models.disclosure import DisclosurePlan

PREFIXES = ("democracy.",)


def source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    congresses = Congress.objects.filter(terms__isnull=False)
    plans = DisclosurePlan.objects.all()
    if paths is not None:
        congresses, plans = congresses.filter(org_path__in=paths), plans.filter(org_path__in=paths)
    for path in set(congresses.values_list("org_path", flat=True)):
        yield path, "democracy.congress", 1
    for path in set(plans.values_list("org_path", flat=True)):
        yield path, "democracy.disclosure", 1
