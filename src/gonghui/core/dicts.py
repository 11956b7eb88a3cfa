"""Dictionaries (DESIGN.md rule 7): one lookup for forms, imports and exports.

Values live in ``DictEntry`` rows (seeded from ``dicts_data.BUILTIN``, edited by admins in the
Django admin). Lookups are cached per process and refreshed when an admin saves an entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.cache import cache

from gonghui.core.dicts_data import BUILTIN
from gonghui.core.identifiers import normalize_code
from gonghui.core.models import DictEntry

_VERSION_KEY = "core:dicts:version"
_local: dict[str, object] = {"version": None, "tables": {}}


@dataclass(frozen=True)
class Value:
    code: str
    label: str


def _normal(text: str) -> str:
    """Compare spreadsheet text loosely: full or half width, case and spaces aside."""
    return re.sub(r"[\s\u3000]+", "", normalize_code(text or "")).upper()


def forget(*, local_only: bool = False) -> None:
    """Tell every process to reload the dictionaries (call after an admin edit)."""
    _local["version"], _local["tables"] = None, {}
    if local_only:
        return
    try:
        cache.incr(_VERSION_KEY)
    except Exception:  # missing (ValueError), or a stale non-integer left by another release
        cache.set(_VERSION_KEY, 1, None)


def _tables() -> dict[str, tuple[list[Value], dict[str, Value]]]:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 0, None)
        version = cache.get(_VERSION_KEY, 0)
    if _local["version"] != version or not _local["tables"]:
        tables: dict[str, tuple[list[Value], dict[str, Value]]] = {}
        rows = [
            (e.dictionary, e.code, e.label, e.aliases)
            for e in DictEntry.objects.filter(active=True).order_by("position", "code")
        ]
        stored = set(DictEntry.objects.values_list("dictionary", flat=True).distinct())
        # A dictionary with no rows at all (never seeded, or its table emptied) still answers
        # from the built-in national table; one an admin edited answers from its rows only.
        rows += [
            (name, code, label, list(aliases))
            for name, (_title, entries) in BUILTIN.items()
            if name not in stored
            for code, label, aliases in entries
        ]
        for dictionary, code, label, aliases in rows:
            values, index = tables.setdefault(dictionary, ([], {}))
            value = Value(code, label)
            values.append(value)
            for key in (code, label, *aliases):
                index.setdefault(_normal(str(key)), value)
        _local["tables"], _local["version"] = tables, version
    return _local["tables"]  # type: ignore[return-value]


def values(dictionary: str) -> list[Value]:
    if dictionary not in BUILTIN:
        raise KeyError(f"unknown dictionary {dictionary}")
    return list(_tables().get(dictionary, ([], {}))[0])


def choices(dictionary: str) -> list[tuple[str, str]]:
    return [(v.code, v.label) for v in values(dictionary)]


def label(dictionary: str, code: str) -> str:
    """The label of a code; an unknown or retired code shows as itself, never as blank."""
    value = _tables().get(dictionary, ([], {}))[1].get(_normal(code))
    return value.label if value and value.code == code else code


def resolve(dictionary: str, text: str) -> Value | None:
    """The entry a code, label or alias names (汉 → 汉族, 党员 → 中国共产党党员), or None."""
    if dictionary not in BUILTIN:
        raise KeyError(f"unknown dictionary {dictionary}")
    if not (text or "").strip():
        return None
    return _tables().get(dictionary, ([], {}))[1].get(_normal(text))


def resolver(dictionary: str) -> Callable[[str], Value | None]:
    """``resolve`` bound to the dictionary as it is now: for a loop over many rows (an import),
    where asking the cache for the version on every cell would cost more than the lookup."""
    if dictionary not in BUILTIN:
        raise KeyError(f"unknown dictionary {dictionary}")
    index = _tables().get(dictionary, ([], {}))[1]

    def lookup(text: str) -> Value | None:
        return index.get(_normal(text)) if text and text.strip() else None

    return lookup


class DictChoiceField(forms.ChoiceField):
    """A form field whose choices come from a dictionary when the form is built."""

    def __init__(self, dictionary: str, **kwargs: object) -> None:
        self.dictionary = dictionary
        super().__init__(choices=lambda: [("", "---------"), *choices(dictionary)], **kwargs)  # type: ignore[arg-type]


def seed_builtin(apps: object = None) -> int:
    """Insert the built-in entries that are missing (existing rows and admin edits are kept)."""
    model = apps.get_model("core", "DictEntry") if apps is not None else DictEntry  # type: ignore[attr-defined]
    existing = set(model.objects.values_list("dictionary", "code"))
    rows = [
        model(dictionary=name, code=code, label=text, aliases=list(aliases), position=i)
        for name, (_title, entries) in BUILTIN.items()
        for i, (code, text, aliases) in enumerate(entries)
        if (name, code) not in existing
    ]
    model.objects.bulk_create(rows)
    forget()
    return len(rows)
