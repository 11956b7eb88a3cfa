"""Move the apps' flat files into the common layout (docs/architecture.md) and rewrite imports.

    python tools/app_shape.py move APP      # git mv APP's files, create its packages, rewrite
    python tools/app_shape.py rewrite       # rewrite imports of every move already made

``rewrite`` is idempotent and only touches import lines and dotted paths (``"gonghui.x.y"`` in
strings, e.g. ``mock.patch`` targets and ``include()``): run it again after merging a branch that
still imports an old path. Migrations are never rewritten (``models/__init__`` re-exports what they
name). A ``models`` package re-exports its classes and every name imported from it elsewhere, so
``from gonghui.<app>.models import X`` keeps working; other packages made from a flat module
(``services``, ``views``, ``forms``, ``selectors``, ``demo``) do not re-export: imports of the old
module are pointed at its new file.
"""

# ruff: noqa: S603, S607  (git mv with fixed arguments)

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "gonghui"
SCANNED = ("src", "tests", "bench", "deploy", ".ci")
# Files whose dotted names are labels, not imports: the scope guard test names fake modules
# "gonghui.orgs.views" and "gonghui.orgs.services" on purpose.
LABELS = {"tests/core/test_scope_guard.py"}

# app -> {old module (under gonghui.<app>) -> new module}
MOVES: dict[str, dict[str, str]] = {
    "core": {"shell": "chrome"},
    "accounts": {
        "models": "models.users",
        "services": "services.accounts",
        "views": "views.accounts",
        "shell": "chrome",
    },
    "orgs": {
        "models": "models.orgs",
        "services": "services.orgs",
        "views": "views.orgs",
        "import_views": "views.imports",
    },
    "members": {
        "models": "models.members",
        "services": "services.members",
        "activation": "services.activation",
        "applications": "services.applications",
        "cards": "services.cards",
        "corrections": "services.corrections",
        "self_service": "services.self_service",
        "import_worker": "bulkload.worker",
        "import_encode": "bulkload.encode",
        "bulk": "bulkload.writer",
        "import_first": "bulkload.first_load",
        "import_pg": "bulkload.pg_copy",
        "import_tally": "bulkload.tally",
        "views": "views.members",
        "import_views": "views.imports",
        "correction_views": "views.corrections",
        "correction_urls": "views.corrections_urls",
        "phone_views": "phone.views",
        "phone_urls": "phone.urls",
        "phone_forms": "phone.forms",
        "phone_registry": "registrations",
    },
    "benefits": {
        "models": "models.benefits",
        "services": "services.merchants",
        "counter": "services.shop",
        "lifecycle": "services.tree",
        "views": "views.merchants",
        "report_views": "views.reports",
        "shop_views": "shop.views",
        "shop_urls": "shop.urls",
        "phone_views": "phone.views",
        "phone_urls": "phone.urls",
    },
    "assistance": {
        "models": "models.cases",
        "models_funds": "models.funds",
        "models_rules": "models.rules",
        "services": "services.cases",
        "campaigns": "services.campaigns",
        "funds": "services.funds",
        "identification": "services.identification",
        "lifecycle": "services.archive",
        "merging": "services.tree",
        "moves": "services.moves",
        "views": "views.cases",
        "views_funds": "views.funds",
        "phone_views": "phone.views",
        "phone_urls": "phone.urls",
    },
    "democracy": {
        "models": "models.congress",
        "models_ballots": "models.ballots",
        "models_disclosure": "models.disclosure",
        "models_motions": "models.motions",
        "congress": "services.congress",
        "ballots": "services.ballots",
        "motions": "services.motions",
        "disclosure": "services.disclosure",
        "merging": "services.tree",
        "rules": "services.rules",
        "ballot_engine": "services.ballot_engine",
        "ballot_crypto": "crypto",
        "selectors": "selectors.congress",
        "ballot_selectors": "selectors.ballots",
        "ballot_results": "selectors.ballot_results",
        "forms": "forms.congress",
        "ballot_forms": "forms.ballots",
        "demo": "demo.congress",
        "ballot_demo": "demo.ballots",
        "views": "views.congress",
        "views_disclosure": "views.disclosure",
        "views_motions": "views.motions",
        "ballot_views": "views.ballots",
        "phone_views": "phone.views",
        "phone_urls": "phone.urls",
    },
    "voice": {
        "models": "models.appeals",
        "models_proposals": "models.proposals",
        "services": "services.appeals",
        "proposals": "services.proposals",
        "forums": "services.forums",
        "intake": "services.intake",
        "identity": "services.identity",
        "lifecycle": "services.tree",
        "moves": "services.moves",
        "forms": "forms.appeals",
        "forms_proposals": "forms.proposals",
        "views": "views.appeals",
        "views_proposals": "views.proposals",
        "phone_views": "phone.views",
        "phone_urls": "phone.urls",
    },
    "stats": {
        "models": "models.snapshots",
        "reports": "services.reports",
        "views": "views.dashboard",
        "report_views": "views.reports",
    },
}

PACKAGE_DOCS = {
    "models": "State and invariants of the {app} app, one module per area (docs/architecture.md).",
    "services": "Every write of the {app} app: one function per use case (docs/architecture.md).",
    "selectors": "Every read of the {app} app, starting from the viewer's scope.",
    "views": "Officers' pages of the {app} app: thin, they parse, call a service or selector, "
    "render.",
    "phone": "Members' phone pages of the {app} app (under /m/).",
    "shop": "Merchants' pages of the {app} app (under /shop/).",
    "forms": "Forms of the {app} app's pages; a form validates and never writes.",
    "demo": "The {app} app's part of the demo province.",
    "bulkload": "Writing many members at once: the bulk path of imports (ADR 0009, 0019).",
}


def mod_path(module: str) -> Path:
    return SRC / (module.replace(".", "/") + ".py")


def done_moves() -> dict[str, str]:
    """Full dotted old -> new, for the moves already made (old file gone, new file there)."""
    result = {}
    for app, moves in MOVES.items():
        for old, new in moves.items():
            o, n = f"{app}.{old}", f"{app}.{new}"
            if mod_path(n).exists() and not mod_path(o).exists():
                result[f"gonghui.{o}"] = f"gonghui.{n}"
    return result


def is_package(dotted: str) -> bool:
    return (SRC.parent / dotted.replace(".", "/") / "__init__.py").exists()


def submodules(dotted: str) -> set[str]:
    folder = SRC.parent / dotted.replace(".", "/")
    return {p.stem for p in folder.glob("*.py") if p.stem != "__init__"} | {
        p.parent.name for p in folder.glob("*/__init__.py")
    }


def top_names(path: Path, imported: bool = False) -> set[str]:
    """The module's top-level definitions, or (``imported``) the names it imports."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if imported:
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                names |= {a.asname or a.name for a in node.names if a.name != "*"}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def definer(models_pkg: str) -> dict[str, str]:
    """name -> submodule (dotted) of a models package: where it is defined, else imported."""
    result: dict[str, str] = {}
    for imported in (False, True):
        for sub in sorted(submodules(models_pkg)):
            path = mod_path(f"{models_pkg}.{sub}".removeprefix("gonghui."))
            for name in top_names(path, imported):
                result.setdefault(name, f"{models_pkg}.{sub}")
    return result


def parse_names(node: ast.ImportFrom) -> list[tuple[str, str | None]]:
    return [(a.name, a.asname) for a in node.names]


def render(indent: str, mod: str, names: list[tuple[str, str | None]], comment: str = "") -> str:
    items = [n if a is None else f"{n} as {a}" for n, a in names]
    line = f"{indent}from {mod} import {', '.join(items)}"
    if comment and len(line) + len(comment) + 2 > 100 and len(items) > 1:
        # ruff format keeps a comment after the opening parenthesis where it belongs.
        body = "".join(f"{indent}    {i},\n" for i in items)
        return f"{indent}from {mod} import (  {comment}\n{body}{indent})"
    return f"{line}  {comment}" if comment else line


def rewrite_import(
    node: ast.ImportFrom, source: str, moves: dict[str, str], here: str
) -> str | None:
    """The statement's new text, "" to drop it, or None to leave it."""
    mod, names = node.module or "", parse_names(node)
    indent = " " * node.col_offset
    comment = "  ".join(re.findall(r"#[^\n]*", source)).strip()
    if names == [("*", None)]:
        target = moves.get(mod, mod)
        if ".models." in target and here.rsplit(".", 1)[0] == target.rsplit(".", 1)[0]:
            return ""  # the package's __init__ imports its modules by name
        return render(indent, target, names, comment) if target != mod else None
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for name, alias in names:
        full = f"{mod}.{name}"
        if full in moves and not (full.endswith(".models") and is_package(full)):
            parent, leaf = moves[full].rsplit(".", 1)
            local = alias or name
            groups.setdefault(parent, []).append((leaf, None if leaf == local else local))
            continue
        target = mod
        if mod in moves:
            if mod.endswith(".models") and is_package(mod):
                # Re-exported, except inside the package itself (it is still being imported).
                if here.startswith(mod + "."):
                    target = definer(mod).get(name, moves[mod])
            elif not (is_package(mod) and name in submodules(mod)):
                target = moves[mod]
        groups.setdefault(target, []).append((name, alias))
    if list(groups) == [mod] and groups[mod] == names:
        return None
    lines = [
        render(indent, t, g, comment if i == 0 else "") for i, (t, g) in enumerate(groups.items())
    ]
    return "\n".join(lines)


DOTTED_RE = re.compile(r"(?<![\w.])(?<!from )gonghui(?:\.\w+)+")


def rewrite_dotted(m: re.Match[str], moves: dict[str, str]) -> str:
    token = m.group(0)
    parts = token.split(".")
    for i in range(len(parts), 1, -1):
        prefix = ".".join(parts[:i])
        if prefix not in moves:
            continue
        rest = parts[i:]
        if is_package(prefix) and (
            prefix.endswith(".models") or (rest and rest[0] in submodules(prefix))
        ):
            return token
        return ".".join([moves[prefix], *rest])
    return token


def module_of(path: Path) -> str:
    try:
        rel = path.relative_to(SRC.parent).with_suffix("")
    except ValueError:
        return ""
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rewrite_file(path: Path, moves: dict[str, str]) -> bool:
    text = path.read_text()
    new = text
    if path.suffix == ".py":
        lines = text.splitlines(keepends=True)
        here = module_of(path)
        nodes = [
            n
            for n in ast.walk(ast.parse(text))
            if isinstance(n, ast.ImportFrom)
            and (n.module or "").startswith("gonghui")
            and not n.level
        ]
        for node in sorted(nodes, key=lambda n: n.lineno, reverse=True):
            start, end = node.lineno - 1, node.end_lineno or node.lineno
            source = "".join(lines[start:end])
            replacement = rewrite_import(node, source, moves, here)
            if replacement is not None:
                lines[start:end] = [replacement + "\n"] if replacement else []
        new = "".join(lines)
    new = DOTTED_RE.sub(lambda m: rewrite_dotted(m, moves), new)
    if new != text:
        path.write_text(new)
        return True
    return False


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for top in SCANNED:
        base = ROOT / top
        if base.is_file():
            files.append(base)
            continue
        for p in base.rglob("*"):
            if (
                p.is_file()
                and p.suffix in {".py", ".md", ".toml", ".cfg", ""}
                and "migrations" not in p.parts
                and "__pycache__" not in p.parts
                and str(p.relative_to(ROOT)) not in LABELS
            ):
                files.append(p)
    return files


def exported_names(models_pkg: str, files: list[Path]) -> set[str]:
    """Names the rest of the code (and the migrations) reads from ``<app>.models``."""
    app = models_pkg.rsplit(".", 1)[0]
    wanted: set[str] = set()
    migrations = list((SRC.parent / app.replace(".", "/") / "migrations").glob("*.py"))
    for path in [*files, *migrations]:
        if path.suffix != ".py" or module_of(path).startswith(models_pkg + "."):
            continue
        text = path.read_text()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.module == models_pkg:
                wanted |= {n for n, _ in parse_names(node) if n != "*"}
            if node.module == app:
                for name, alias in parse_names(node):
                    if name == "models":
                        wanted |= set(re.findall(rf"\b{alias or name}\.(\w+)", text))
        wanted |= set(re.findall(rf"{re.escape(models_pkg)}\.(\w+)", text))
    return wanted


def write_models_init(models_pkg: str, main: str) -> None:
    names = definer(models_pkg)
    classes: set[str] = set()
    for sub in submodules(models_pkg):
        tree = ast.parse(mod_path(f"{models_pkg}.{sub}".removeprefix("gonghui.")).read_text())
        classes |= {
            n.name for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")
        }
    wanted = (exported_names(models_pkg, scanned_files()) | classes) - set(submodules(models_pkg))
    missing = sorted(n for n in wanted if n not in names)
    if missing:
        print(f"{models_pkg}: names read from it but defined nowhere: {missing}", file=sys.stderr)
    by_sub: dict[str, list[str]] = {}
    for name in sorted(wanted - set(missing)):
        by_sub.setdefault(names[name], []).append(name)
    order = [main, *sorted(s for s in by_sub if s != main)]
    app = models_pkg.split(".")[1]
    lines = [
        f'"""{PACKAGE_DOCS["models"].format(app=app)}',
        "",
        "Django finds the models here; the names below are the ones other modules import",
        "from ``gonghui." + app + '.models`` (explicitly, no star imports)."""',
        "",
    ]
    for sub in order:
        if sub in by_sub:
            lines.append(render("", sub, [(n, None) for n in by_sub[sub]]))
    lines += [
        "",
        "__all__ = [",
        *[f'    "{n}",' for s in order for n in by_sub.get(s, [])],
        "]",
        "",
    ]
    (SRC.parent / models_pkg.replace(".", "/") / "__init__.py").write_text("\n".join(lines))


def move(app: str) -> None:
    moves = MOVES[app]
    for old, new in moves.items():
        src, dst = mod_path(f"{app}.{old}"), mod_path(f"{app}.{new}")
        if not src.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        init = dst.parent / "__init__.py"
        if not init.exists() and dst.parent != SRC / app:
            # A flat module and the package of the same name cannot coexist: move it aside first.
            clash = dst.parent.with_suffix(".py")
            if clash.exists():
                tmp = clash.with_name(clash.stem + "__moving.py")
                subprocess.run(["git", "mv", str(clash), str(tmp)], check=True, cwd=ROOT)
            doc = PACKAGE_DOCS[dst.parent.name].format(app=app)
            init.write_text(f'"""{doc}"""\n')
            subprocess.run(["git", "add", str(init)], check=True, cwd=ROOT)
        if not src.exists():
            src = src.with_name(src.stem + "__moving.py")
        subprocess.run(["git", "mv", str(src), str(dst)], check=True, cwd=ROOT)
    rewrite()
    for old, new in moves.items():
        if old == "models" and "." in new:
            write_models_init(f"gonghui.{app}.models", f"gonghui.{app}.{new}")
    rewrite()


def rewrite() -> None:
    moves = done_moves()
    changed = [p for p in scanned_files() if rewrite_file(p, moves)]
    print(f"rewrote {len(changed)} files", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:2] == ["move"]:
        for name in sys.argv[2:]:
            move(name)
    elif sys.argv[1:] == ["rewrite"]:
        rewrite()
    else:
        sys.exit(__doc__)
