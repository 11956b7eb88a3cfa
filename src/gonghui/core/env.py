"""Environment: demo mode (no environment set) versus production.

In demo mode the secret key and the PII key are generated once into ``var/`` so that the CLI
and the server, started separately, share them. Production refuses to start without its keys.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PRODUCTION_REQUIRED = ("SECRET_KEY", "GONGHUI_PII_KEY", "DATABASE_URL", "ALLOWED_HOSTS")
# Django's own deployment check (security.W009) asks for at least 50 characters.
SECRET_KEY_MIN_LENGTH = 50


def is_production(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    return environ.get("GONGHUI_ENV", "").strip().lower() == "production"


def check_production(environ: os._Environ[str] | dict[str, str] = os.environ) -> None:
    missing = [name for name in PRODUCTION_REQUIRED if not environ.get(name, "").strip()]
    if missing:
        raise ImproperlyConfigured(
            "GONGHUI_ENV=production requires these settings: " + ", ".join(missing)
        )
    problems = []
    if len(environ["SECRET_KEY"].strip()) < SECRET_KEY_MIN_LENGTH:
        problems.append(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters long "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')"
        )
    hosts = [h.strip() for h in environ["ALLOWED_HOSTS"].split(",")]
    if any("*" in h for h in hosts):
        # A wildcard lets any Host header through: password-reset links and absolute URLs
        # could then point at an attacker's domain.
        problems.append("ALLOWED_HOSTS must name the site's hosts, not '*'")
    if environ["DATABASE_URL"].strip().lower().startswith("sqlite"):
        problems.append(
            "DATABASE_URL must point at PostgreSQL (postgres://...): SQLite is for the demo only"
        )
    if problems:
        raise ImproperlyConfigured("GONGHUI_ENV=production: " + "; ".join(problems))


def var_dir(environ: os._Environ[str] | dict[str, str] = os.environ) -> Path:
    """``GONGHUI_VAR_DIR``, else ``var/`` beside pyproject.toml (a source checkout), else ./var."""
    if environ.get("GONGHUI_VAR_DIR"):
        return Path(environ["GONGHUI_VAR_DIR"]).resolve()
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.cwd() / "var"


def read_or_create_key(path: Path, generate: bytes | None = None) -> str:
    """Read a key file, creating it once (O_EXCL, mode 0600) if it does not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        value = base64.urlsafe_b64encode(generate or secrets.token_bytes(48)).decode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race: read its key below
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(value + "\n")
    return path.read_text().strip()
