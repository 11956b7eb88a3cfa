"""What hardship archives count under at their union (core.counters): open households by
category and by cause, and archives opened and exited per year (new vs exited per period)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.db.models.functions import ExtractYear

from gonghui.assistance.models import OPEN_STATUSES, CaseStatus, HardshipCase

PREFIXES = ("hardship.",)


def source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    cases = HardshipCase.objects.all()
    if paths is not None:
        cases = cases.filter(org_path__in=paths)
    open_cases = cases.filter(status__in=OPEN_STATUSES)
    for row in open_cases.values("org_path", "category").annotate(n=Count("id")):
        yield row["org_path"], "hardship.open", row["n"]
        yield row["org_path"], f"hardship.category.{row['category'] or 'none'}", row["n"]
    for path, causes in open_cases.values_list("org_path", "causes").iterator(chunk_size=5000):
        for cause in causes or ():
            yield path, f"hardship.cause.{cause}", 1
    filed = cases.filter(archived_on__isnull=False).annotate(year=ExtractYear("archived_on"))
    for row in filed.values("org_path", "year").annotate(n=Count("id")):
        yield row["org_path"], f"hardship.filed.{row['year']}", row["n"]
    exited = cases.filter(status=CaseStatus.EXITED, ended_on__isnull=False).annotate(
        year=ExtractYear("ended_on")
    )
    for row in exited.values("org_path", "year").annotate(n=Count("id")):
        yield row["org_path"], f"hardship.exited.{row['year']}", row["n"]
