"""DESIGN.md "Who may import whom": core imports no domain app and orgs does not import accounts.
Shared API pieces (NO_NUL, the error bodies) live in core.api_schemas so that every router can
use them (issue 17.4: orgs' router imported them from accounts.api)."""

from __future__ import annotations

import ast
from pathlib import Path

import gonghui

SRC = Path(gonghui.__file__).parent
DOMAIN_APPS = ("orgs", "accounts", "members", "benefits", "assistance", "democracy", "voice")


def _imports(package: str) -> list[tuple[str, str]]:
    found = []
    for path in (SRC / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.append((str(path.relative_to(SRC)), node.module))
            elif isinstance(node, ast.Import):
                found.extend((str(path.relative_to(SRC)), alias.name) for alias in node.names)
    return found


def test_core_imports_no_domain_app() -> None:
    bad = [
        (f, m)
        for f, m in _imports("core")
        if m.split(".")[:2] in (["gonghui", a] for a in DOMAIN_APPS)
    ]
    assert bad == []


def test_orgs_does_not_import_accounts() -> None:
    assert [(f, m) for f, m in _imports("orgs") if m.startswith("gonghui.accounts")] == []


def test_no_router_takes_shared_schemas_from_accounts() -> None:
    users = [
        (f, m)
        for app in DOMAIN_APPS
        for f, m in _imports(app)
        if m == "gonghui.accounts.api" and not f.startswith("accounts")
    ]
    assert users == []
