"""What appeals count under at the handling union (core.counters): received, open, replied
and replied on time, rated and satisfied — the on-time and satisfaction rates of the stats."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q

from gonghui.voice.models import Appeal, AppealStatus, Rating

PREFIXES = ("appeals.",)


def source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    appeals = Appeal.objects.all()
    if paths is not None:
        appeals = appeals.filter(org_path__in=paths)
    rows = appeals.values("org_path").annotate(
        total=Count("id"),
        open=Count("id", filter=~Q(status__in=[AppealStatus.CLOSED, AppealStatus.DECLINED])),
        replied=Count("id", filter=Q(on_time__isnull=False)),
        on_time=Count("id", filter=Q(on_time=True)),
        rated=Count("id", filter=~Q(rating="")),
        satisfied=Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
    )
    for row in rows:
        for key in ("total", "open", "replied", "on_time", "rated", "satisfied"):
            if row[key]:
                yield row["org_path"], f"appeals.{key}", row[key]
