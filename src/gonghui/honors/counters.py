"""What the roster counts under at the holder's union (core.counters): honours in force by
level, type, gender, and the 一线 and 农民工 shares' numerators (stats divide by honors.active)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count

from gonghui.honors.models import Honour, HonourStatus

PREFIXES = ("honors.",)


def source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    honours = Honour.objects.unscoped(reason="counters recount every org's rows").filter(
        status=HonourStatus.ACTIVE
    )
    if paths is not None:
        honours = honours.filter(org_path__in=paths)
    rows = honours.values(
        "org_path", "level", "award_type__code", "gender", "front_line", "migrant_worker"
    ).annotate(n=Count("id"))
    for row in rows:
        path, n = row["org_path"], row["n"]
        yield path, "honors.active", n
        yield path, f"honors.level.{row['level']}", n
        yield path, f"honors.type.{row['award_type__code']}", n
        if row["gender"]:
            yield path, f"honors.gender.{row['gender']}", n
        if row["front_line"]:
            yield path, "honors.front_line", n
        if row["migrant_worker"]:
            yield path, "honors.migrant", n
