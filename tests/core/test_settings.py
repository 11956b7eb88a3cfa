"""Settings and environment (DESIGN.md "Environment"): demo mode, the production guard."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PROBE = (
    "import json, gonghui.settings as s; print(json.dumps({'secure': s.SESSION_COOKIE_SECURE "
    "if hasattr(s, 'SESSION_COOKIE_SECURE') else False, 'csrf': getattr(s, 'CSRF_COOKIE_SECURE', "
    "False), 'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'debug': s.DEBUG, 'secret': "
    "s.SECRET_KEY, 'pii': s.GONGHUI_PII_KEY, 'db': s.DATABASES['default']['ENGINE'], "
    "'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ}))"
)


def run_settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GONGHUI_", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    clean.update({"GONGHUI_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_demo_mode_generates_keys_once_and_shares_them(tmp_path: Path) -> None:
    first = run_settings({}, tmp_path)
    second = run_settings({}, tmp_path)
    assert first.returncode == 0, first.stderr
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["secret"] == b["secret"] and a["pii"] == b["pii"]
    assert a["db"] == "django.db.backends.sqlite3"
    assert (a["lang"], a["tz"], a["use_tz"], a["debug"]) == (
        "zh-hans",
        "Asia/Shanghai",
        True,
        False,
    )
    for name in ("secret_key", "pii_key"):
        mode = (tmp_path / "var" / name).stat().st_mode
        assert stat.S_IMODE(mode) == 0o600
    assert (tmp_path / "var" / "gonghui.sqlite3").parent.is_dir()


def test_production_refuses_to_start_without_its_settings(tmp_path: Path) -> None:
    result = run_settings({"GONGHUI_ENV": "production", "SECRET_KEY": "x" * 50}, tmp_path)
    assert result.returncode != 0
    assert "GONGHUI_PII_KEY" in result.stderr and "DATABASE_URL" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr and "SECRET_KEY," not in result.stderr


def test_production_with_its_settings_uses_secure_cookies(tmp_path: Path) -> None:
    import base64

    env = {
        "GONGHUI_ENV": "production",
        "SECRET_KEY": "s" * 50,
        "GONGHUI_PII_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
        "ALLOWED_HOSTS": "gh.example.cn",
    }
    result = run_settings(env, tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["secure"] and values["csrf"] and values["hsts"] >= 31536000
    assert values["db"] == "gonghui.core.pgbackend" and not values["debug"]
    assert not (tmp_path / "var" / "secret_key").exists()  # nothing generated in production


@pytest.mark.parametrize(
    "env,message",
    [
        ({"DATABASE_URL": "mysql://root@localhost/db"}, "DATABASE_URL"),
        ({"GONGHUI_AUDIT_RETENTION_DAYS": "90"}, "183"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, env: dict[str, str], message: str) -> None:
    result = run_settings(env, tmp_path)
    assert result.returncode != 0 and message in result.stderr


def test_responses_carry_a_content_security_policy(db: None) -> None:
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_english_catalogue_is_available(db: None) -> None:
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("组织树") == "Union tree"


PRODUCTION_ENV = {
    "GONGHUI_ENV": "production",
    "SECRET_KEY": "s" * 50,
    "GONGHUI_PII_KEY": "k" * 44,
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
    "ALLOWED_HOSTS": "gh.example.cn",
}


@pytest.mark.parametrize(
    "override,message",
    [
        ({"SECRET_KEY": "s" * 49}, "SECRET_KEY must be at least 50 characters"),
        ({"ALLOWED_HOSTS": "gh.example.cn, *"}, "ALLOWED_HOSTS must name the site's hosts"),
        ({"DATABASE_URL": "sqlite:////srv/gonghui.sqlite3"}, "DATABASE_URL must point at"),
        ({"DATABASE_URL": "SQLite:///x.db"}, "DATABASE_URL must point at"),
    ],
)
def test_production_refuses_weak_settings(override: dict[str, str], message: str) -> None:
    """Production refuses a short SECRET_KEY, a wildcard host and SQLite (issue 16 item 9)."""
    from django.core.exceptions import ImproperlyConfigured

    from gonghui.core.env import check_production

    check_production(PRODUCTION_ENV)  # the baseline is accepted
    with pytest.raises(ImproperlyConfigured, match=message):
        check_production({**PRODUCTION_ENV, **override})


def test_production_with_a_wildcard_host_does_not_start(tmp_path: Path) -> None:
    import base64

    env = {
        **PRODUCTION_ENV,
        "GONGHUI_PII_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
        "ALLOWED_HOSTS": "*",
    }
    result = run_settings(env, tmp_path)
    assert result.returncode != 0 and "ALLOWED_HOSTS must name" in result.stderr
