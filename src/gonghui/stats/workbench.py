"""The key figures of the acting subtree on the officer's 工作台, read through the stats
selectors (whatever the counters' storage is)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.urls import reverse

from gonghui.core.scoping import Viewer
from gonghui.core.workbench import KeyFigure
from gonghui.stats import selectors
from gonghui.stats.definitions import FIGURES

KEYS = (
    "members",
    "members_new_this_year",
    "employers",
    "unionization_rate",
    "hardship_households",
    "appeals_open",
    "merchants_signed",
)
_LABELS = {f.key: f.label for f in FIGURES}


def key_figures(viewer: Viewer, org: Any) -> Iterable[KeyFigure]:
    if not viewer.has_capability("stats.view", org.path):
        return []
    figures = selectors.stats_for(viewer=viewer, code=org.code)["figures"]
    url = reverse("stats:org", args=[org.code])
    return [KeyFigure(_LABELS[key], _shown(figures.get(key)), url) for key in KEYS]


def _shown(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    return "—" if value is None else value
