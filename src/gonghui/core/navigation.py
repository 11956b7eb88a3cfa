"""The officer's sidebar: sections declared by the apps, items shown by capability.

Each app declares its section in ``AppConfig.ready()`` (``register_section``) and its entries
(``register_items``); a section with no entry the viewer may use is not shown. A module added
later slots in the same way, with no change here or in the layout. Several apps may add entries
to one section (系统: core and accounts), so sections and entries are registered separately and
joined at read time, whatever the order the apps are loaded in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    """An entry, shown when the viewer holds ``capability`` at the acting org (no capability:
    every officer; ``superuser``: installation admins only)."""

    label: str | Promise
    url_name: str
    capability: str | None = None
    order: int = 100
    superuser: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    order: int = 100
    icon: str = ""  # a single symbol, shown beside the label (no icon font is vendored)


_sections: dict[str, Section] = {}
_items: dict[tuple[str, str], NavItem] = {}


def register_section(key: str, label: str | Promise, *, order: int, icon: str = "") -> None:
    # ready() may run twice in some test set-ups: registration is idempotent by key.
    _sections[key] = Section(key, label, order, icon)


def register_items(section: str, items: Iterable[NavItem]) -> None:
    for item in items:
        _items[(section, item.url_name)] = item


def sections() -> list[tuple[Section, list[NavItem]]]:
    """Every registered section with its entries, in order (unknown sections are dropped)."""
    grouped: dict[str, list[NavItem]] = {key: [] for key in _sections}
    for (section, _name), item in _items.items():
        if section in grouped:
            grouped[section].append(item)
    return [
        (_sections[key], sorted(grouped[key], key=lambda i: i.order))
        for key in sorted(_sections, key=lambda k: (_sections[k].order, k))
    ]


def may_use(user: Any, item: NavItem, acting_path: str) -> bool:
    if item.superuser:
        return bool(user.is_superuser)
    if item.capability is None:
        return True
    return bool(acting_path) and user.has_capability(item.capability, acting_path)


def sidebar(user: Any, acting_path: str, current_path: str) -> list[dict[str, Any]]:
    """The sections and entries ``user`` may use at ``acting_path``, the current one marked."""
    shown: list[dict[str, Any]] = []
    for section, items in sections():
        entries: list[dict[str, Any]] = [
            {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
            for item in items
            if may_use(user, item, acting_path)
        ]
        if entries:
            shown.append(
                {"key": section.key, "label": section.label, "icon": section.icon, "items": entries}
            )
    # Mark the most specific entry: /orgs/employers/ is 用人单位, not 组织树.
    urls = [e["url"] for s in shown for e in s["items"]]
    matching = [u for u in urls if current_path == u or current_path.startswith(u)]
    active = max(matching, key=len) if matching else None
    for section_entry in shown:
        section_entry["active"] = False
        for entry in section_entry["items"]:
            entry["active"] = entry["url"] == active
            section_entry["active"] = section_entry["active"] or entry["active"]
    return shown
