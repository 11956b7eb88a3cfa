"""Appeal categories are seeded by migration voice 0005; the forms only read them (issue 17.4:
building a form on a GET created the categories)."""

from __future__ import annotations

from importlib import import_module

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.voice.models import AppealCategory
from gonghui.voice.services.intake import DEFAULT_CATEGORIES
from tests.conftest import Cast


def test_the_migration_seeded_the_default_categories(db: None) -> None:
    seeded = set(AppealCategory.objects.values_list("code", "name"))
    assert seeded == {(code, name) for code, name, _order in DEFAULT_CATEGORIES}


def test_the_forms_on_get_write_nothing(cast: Cast) -> None:
    AppealCategory.objects.all().delete()  # an installation whose admin removed them all
    pages = [
        (cast.county_officer, reverse("voice:enter")),
        (cast.member, reverse("voice_m:submit")),
    ]
    for account, url in pages:
        client = Client()
        client.force_login(account)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
        assert not [sql for sql in writes if "voice_appealcategory" in sql]
    assert not AppealCategory.objects.exists()


def test_the_seed_keeps_an_installations_own_categories(db: None) -> None:
    migration = import_module("gonghui.voice.migrations.0005_seed_appeal_categories")
    AppealCategory.objects.exclude(code="wage").delete()
    AppealCategory.objects.filter(code="wage").update(name="工资待遇")
    from django.apps import apps

    migration.seed(apps, connection.schema_editor())
    assert list(AppealCategory.objects.values_list("code", "name")) == [("wage", "工资待遇")]
