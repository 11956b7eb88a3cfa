"""The officer's 工作台: the account's to-dos, key figures of the acting subtree, recent notices.

core does not read any module's data itself: to-dos come from the to-do registry and key figures
from the figure sources a module registers here (the statistics module, through its selectors).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from gonghui.core import notify, registry
from gonghui.core.scoping import Viewer

RECENT_NOTICES = 5


@dataclass(frozen=True)
class KeyFigure:
    label: str | Promise
    value: Any
    url: str = ""


FigureSource = Callable[[Any, Any], Iterable[KeyFigure]]
_figure_sources: list[tuple[str, FigureSource]] = []


def register_figure_source(name: str, source: FigureSource) -> None:
    """``source(viewer, org)`` yields the key figures of ``org``'s subtree that the viewer may
    see (nothing when they may not)."""
    _figure_sources[:] = [(n, s) for n, s in _figure_sources if n != name]
    _figure_sources.append((name, source))


def key_figures(viewer: Viewer, org: Any) -> list[KeyFigure]:
    if org is None:
        return []
    return [figure for _, source in _figure_sources for figure in source(viewer, org)]


def todo_summary(items: list[registry.TodoItem]) -> dict[str, Any]:
    """Totals over the panel: what is waiting (the items' counts), how much is overdue, and the
    nearest deadline."""
    dues = sorted(item.due for item in items if item.due)
    return {
        "total": sum(item.count for item in items),
        "overdue": sum(item.count for item in items if item.overdue),
        "next_due": dues[0] if dues else "",
    }


def workbench(viewer: Viewer, org: Any) -> dict[str, Any]:
    items = registry.todo_items(viewer)
    return {
        "todo_items": items,
        "todo_summary": todo_summary(items),
        "key_figures": key_figures(viewer, org),
        "recent_notices": list(notify.inbox_for(viewer)[:RECENT_NOTICES]),
    }
