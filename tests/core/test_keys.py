"""Key rotation keeps every encrypted value readable and every blind-index lookup working."""

from __future__ import annotations

import base64
import json
import os
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from gonghui.accounts.backends import find_login_user
from gonghui.accounts.models import User
from gonghui.core import crypto
from gonghui.core.keys import rotate_all
from gonghui.core.models import Notification
from tests.conftest import Cast
from tests.factories import PASSWORD


def raw_phones() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT username, phone FROM accounts_user WHERE phone <> ''")
        return dict(cursor.fetchall())


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_rotation_re_encrypts_everything_and_keeps_lookups(cast: Cast) -> None:
    Notification.objects.create(channel="sms", template="t", phone="13900000009")
    before = raw_phones()
    old_kid = crypto.current_key_id()
    old, fresh_key = settings.GONGHUI_PII_KEY, new_key()
    with override_settings(GONGHUI_PII_KEY=fresh_key, GONGHUI_PII_OLD_KEYS=[old]):
        crypto.reset_keyring()
        # Before rotation the blind index still carries the old key: lookups miss.
        assert find_login_user("13800000001") is None
        done = rotate_all(batch=2)
        assert done["accounts.user"] == User.objects.count()
        after = raw_phones()
        assert set(after) == set(before)
        assert all(
            value.split("$")[2] == crypto.current_key_id() != old_kid for value in after.values()
        )
        assert find_login_user("13800000001").username == "east"  # type: ignore[union-attr]
    # Without the old key at all, everything still decrypts: nothing was left behind.
    with override_settings(GONGHUI_PII_KEY=fresh_key, GONGHUI_PII_OLD_KEYS=[]):
        crypto.reset_keyring()
        assert User.objects.get(username="east").phone == "13800000001"
        assert Notification.objects.get().phone == "13900000009"
        response = Client().post(
            "/accounts/login/", {"username": "13800000001", "password": PASSWORD}
        )
        assert response.status_code == 302
    crypto.reset_keyring()


def test_rotate_keys_command_generates_a_demo_key(
    cast: Cast, tmp_path: Path, settings: object
) -> None:
    old = settings.GONGHUI_PII_KEY  # type: ignore[attr-defined]
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    settings.GONGHUI_PII_OLD_KEYS = []  # type: ignore[attr-defined]
    out = StringIO()
    call_command("rotate_keys", "--generate", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["rows"]["accounts.user"] == User.objects.count()
    assert (tmp_path / "pii_key").read_text().strip() != old
    assert (tmp_path / "pii_old_keys").read_text().split() == [old]
    assert oct((tmp_path / "pii_key").stat().st_mode & 0o777) == "0o600"
    assert User.objects.get(username="east").phone == "13800000001"
    crypto.reset_keyring()


def test_rotation_reseals_private_files_under_the_new_key(cast: Cast, tmp_path: Path) -> None:
    from django.core.files.base import ContentFile

    from gonghui.core.models import ImportJob
    from gonghui.core.storage import key_of

    with override_settings(MEDIA_ROOT=str(tmp_path)):
        job = ImportJob.objects.create(
            importer="members",
            actor=cast.grassroots_officer,
            org_path=cast.grassroots.path,
            original_name="花名册.xlsx",
        )
        job.source.save("roster.xlsx", ContentFile(b"41010519900307123X"), save=True)
        old, fresh_key = settings.GONGHUI_PII_KEY, new_key()
        with override_settings(GONGHUI_PII_KEY=fresh_key, GONGHUI_PII_OLD_KEYS=[old]):
            crypto.reset_keyring()
            assert rotate_all()["core.files"] == 1
            assert key_of(job.source.path) == crypto.current_key_id()
        with override_settings(GONGHUI_PII_KEY=fresh_key, GONGHUI_PII_OLD_KEYS=[]):
            crypto.reset_keyring()
            with job.source.open("rb") as plain:
                assert plain.read() == b"41010519900307123X"
    crypto.reset_keyring()
