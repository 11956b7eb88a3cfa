"""DESIGN.md rule 7: the English catalogue is complete and compiled."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

import gonghui

SOURCE = Path(gonghui.__file__).parent


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_ui_string_has_an_english_translation(tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / "gonghui"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages",
            locale=["en"],
            no_location=True,
            verbosity=0,
            ignore_patterns=["migrations/*", "static/*"],
        )
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    stats = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_compiled_catalogue_matches_the_po_file(tmp_path: Path) -> None:
    po = SOURCE / "locale" / "en" / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == (po.with_suffix(".mo")).read_bytes(), "run msgfmt"


def test_chinese_by_default_whatever_the_browser_asks(db: None) -> None:
    from django.test import Client

    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    assert "用户名或手机号码" in page.content.decode() and page["Content-Language"] == "zh-hans"


def test_english_when_the_user_chooses_it(db: None) -> None:
    from django.test import Client

    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "用户名或手机号码" not in page and 'lang="en"' in page
