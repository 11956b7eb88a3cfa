"""Every app has the same shape (docs/architecture.md, issue 17 item 4).

These tests read the source tree: they check the layout a newcomer relies on, not behaviour.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "gonghui"
APPS = (
    "accounts",
    "orgs",
    "members",
    "benefits",
    "assistance",
    "democracy",
    "voice",
    "stats",
    "governance",
)

# Packages every domain app has, and the modules (a package of the same name also counts).
REQUIRED_PACKAGES = ("models", "services", "views")
REQUIRED_MODULES = ("apps", "audit_actions", "selectors", "urls")

# The kinds of file docs/architecture.md lists; each may be a module or a package of that name.
STANDARD = {
    "__init__",
    "admin",
    "api",
    "apps",
    "audit_actions",
    "counters",
    "demo",
    "exporters",
    "forms",
    "importers",
    "migrations",
    "management",
    "models",
    "phone",
    "reports",
    "rules",
    "segments",
    "selectors",
    "services",
    "static",
    "tasks",
    "templates",
    "todo",
    "urls",
    "views",
}

# The few modules named by what they are, each with the reason it is not one of the above.
EXTRA = {
    "accounts": {"backends": "login backends", "chrome": "page chrome: the acting org"},
    "orgs": {"capabilities": "the one capability matrix"},
    "members": {
        "bulkload": "the bulk write path of imports (ADR 0009, 0019)",
        "registrations": "phone tiles, corrections to-do and message templates",
    },
    "benefits": {"shop": "merchants' pages at /shop/", "caching": "the counter's cached reads"},
    "democracy": {"crypto": "ballot cryptography (ADR 0011)"},
    "stats": {"definitions": "figures and their keys", "workbench": "工作台 figures"},
}

# Flat files that mean a second file of a kind: the kind must be a package instead.
FLAT_PREFIXES = ("models_", "views_", "forms_", "phone_", "services_", "selectors_")
FLAT_SUFFIXES = ("_views", "_urls", "_forms", "_selectors")

# Ways into the ORM that views leave to selectors.
ORM_DOORS = (".objects", "_default_manager", "get_object_or_404", "get_list_or_404", ".raw(")
# Model writes; ``create``/``update`` count on a queryset (a call's result), not on a dict.
WRITE_METHODS = {
    "save",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
QUERYSET_WRITES = {"create", "update"}


def entries(app: str) -> set[str]:
    return {
        path.stem if path.suffix == ".py" else path.name
        for path in (SRC / app).iterdir()
        if path.name != "__pycache__" and (path.suffix == ".py" or path.is_dir())
    }


def python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def is_package(app: str, name: str) -> bool:
    return (SRC / app / name / "__init__.py").is_file()


@pytest.mark.parametrize("app", APPS)
def test_app_has_the_required_packages_and_modules(app: str) -> None:
    missing = [name for name in REQUIRED_PACKAGES if not is_package(app, name)]
    missing += [
        name
        for name in REQUIRED_MODULES
        if not (SRC / app / f"{name}.py").is_file() and not is_package(app, name)
    ]
    assert missing == [], f"{app} lacks {missing} (docs/architecture.md)"


@pytest.mark.parametrize("app", APPS)
def test_app_has_no_flat_files_of_a_kind_that_is_a_package(app: str) -> None:
    flat = sorted(
        name
        for name in entries(app)
        if name.startswith(FLAT_PREFIXES) or name.endswith(FLAT_SUFFIXES)
    )
    assert flat == [], f"{app}: move {flat} into the package of their kind"


@pytest.mark.parametrize("app", APPS)
def test_app_has_only_documented_files(app: str) -> None:
    unknown = sorted(entries(app) - STANDARD - set(EXTRA.get(app, {})))
    assert unknown == [], f"{app}: {unknown} are not in docs/architecture.md or EXTRA here"


@pytest.mark.parametrize("app", APPS)
def test_models_package_has_no_star_imports_and_exports_by_name(app: str) -> None:
    stars = []
    for path in python_files(SRC / app / "models"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                stars.append(f"{path.name}:{node.lineno}")
    assert stars == []
    init = ast.parse((SRC / app / "models" / "__init__.py").read_text())
    exported = next(
        node.value
        for node in init.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    )
    assert isinstance(exported, ast.List) and exported.elts


@pytest.mark.parametrize("app", APPS)
def test_pages_do_not_touch_the_orm(app: str) -> None:
    """Views, phone and shop pages read through selectors and write through services."""
    found = []
    for part in ("views", "phone", "shop"):
        for path in python_files(SRC / app / part) if (SRC / app / part).is_dir() else []:
            text = path.read_text()
            found += [f"{path.relative_to(SRC)}: {door}" for door in ORM_DOORS if door in text]
    assert found == []


@pytest.mark.parametrize("app", APPS)
def test_forms_and_pages_never_call_model_writes(app: str) -> None:
    """A form validates and a page calls a service: neither saves, creates nor deletes rows."""
    folders = [SRC / app / name for name in ("forms", "views", "phone", "shop")]
    files = [SRC / app / "forms.py"] + [f for d in folders if d.is_dir() for f in python_files(d)]
    writes = []
    for path in (f for f in files if f.is_file()):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and (
                    node.func.attr in WRITE_METHODS
                    or (node.func.attr in QUERYSET_WRITES and isinstance(node.func.value, ast.Call))
                )
            ):
                writes.append(f"{path.relative_to(SRC)}:{node.lineno} .{node.func.attr}()")
    assert writes == []


def test_every_extra_module_is_documented_in_architecture_md() -> None:
    """The exceptions this test allows are the ones docs/architecture.md names."""
    text = (SRC.parent.parent / "docs" / "architecture.md").read_text()
    undocumented = [
        f"{app}/{name}"
        for app, extras in EXTRA.items()
        for name in extras
        if f"`{app}/{name}" not in text
    ]
    assert undocumented == []


# The subtree test has one spelling (issue 17 item 1): ``prefix_q`` in queries, ``within`` in
# Python, both in core.scoping; an inline ``startswith`` on a path elsewhere is a second one.
INLINE_SUBTREE = (
    re.compile(r"path__i?startswith"),
    re.compile(r"path\w*\s*\.\s*startswith\("),
)


def test_no_inline_subtree_test_outside_core() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "core" or "migrations" in relative.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern in INLINE_SUBTREE):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == [], "use core.scoping.prefix_q / within:\n" + "\n".join(found)


def test_the_inline_subtree_patterns_catch_both_spellings() -> None:
    assert INLINE_SUBTREE[0].search("qs.filter(org_path__startswith=org.path)")
    assert INLINE_SUBTREE[1].search("if member.org_path.startswith(root):")
    assert not any(p.search('name.startswith("gh_")') for p in INLINE_SUBTREE)
