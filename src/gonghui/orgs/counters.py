"""What orgs and employers count under (core.counters): unions by kind, employers with 25 or
more employees and whether they have a union (建会率), employees covered (入会率's denominator).

An employer counts at its ``org_path``: its union's path, or the path of the org that
registered it while it has none.
"""

from __future__ import annotations

from collections.abc import Iterator

from gonghui.core import counters
from gonghui.orgs.models import Employer, Org, OrgStatus

LARGE_EMPLOYER = 25  # DOMAIN.md §10: 建会率 counts employers of 25 employees or more
ORG_PREFIXES = ("orgs.",)
EMPLOYER_PREFIXES = ("employers.", "employees.")


def org_keys(org: Org) -> dict[tuple[str, str], int]:
    if org.status != OrgStatus.ACTIVE:
        return {}
    return {(org.path, f"orgs.kind.{org.kind}"): 1}


def employer_keys(employer: Employer) -> dict[tuple[str, str], int]:
    path, count = employer.org_path, employer.employee_count or 0
    keys = {(path, "employers.total"): 1, (path, "employees.total"): count}
    if employer.union_id:
        keys[(path, "employers.unionized")] = 1
        keys[(path, "employees.unionized")] = count
    if count >= LARGE_EMPLOYER:
        keys[(path, "employers.large")] = 1
        if employer.union_id:
            keys[(path, "employers.large_unionized")] = 1
    return keys


def source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    orgs = Org.objects.filter(status=OrgStatus.ACTIVE).only("path", "kind", "status")
    if paths is not None:
        orgs = orgs.filter(path__in=paths)
    for org in orgs.iterator(chunk_size=5000):
        for (path, key), value in org_keys(org).items():
            yield path, key, value
    yield from employer_source(paths)


def employer_source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    employers = Employer.objects.only("org_path", "employee_count", "union_id")
    if paths is not None:
        employers = employers.filter(org_path__in=paths)
    for employer in employers.iterator(chunk_size=5000):
        for (path, key), value in employer_keys(employer).items():
            yield path, key, value


def recount_employers(paths: list[str]) -> None:
    counters.recount(paths, EMPLOYER_PREFIXES, employer_source(paths))
