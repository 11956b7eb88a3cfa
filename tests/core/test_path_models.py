"""Every model with an org path moves with its org and merges into the surviving one (issue 17.1,
ADR 0020): a row of each, built from the model's own fields, found again where it belongs."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core import registry
from gonghui.core.checks import check_path_models, path_model_errors
from gonghui.core.models import CounterDelta, OrgCounter, SubtreeCounter
from gonghui.orgs.models import Org
from gonghui.orgs.services.orgs import org_merge, org_move
from tests.conftest import Cast, fresh

_serial = itertools.count(1)


class _Rows:
    """One row per model, every required field filled, its org and paths at ``org``."""

    def __init__(self, org: Org, user: User) -> None:
        self.org, self.user = org, user
        self.built: dict[type[models.Model], models.Model] = {}

    def row(self, model: type[models.Model]) -> models.Model:
        if model in self.built:
            return self.built[model]
        values: dict[str, Any] = {}
        for field in model._meta.concrete_fields:
            optional = field.primary_key or field.null or field.has_default()
            if optional and not (registry.is_path_field(field) or _org_key(field)):
                continue
            values[field.attname if field.is_relation else field.name] = self._value(field)
        obj = model(**values)
        model._default_manager.bulk_create([obj])  # no save() logic: the row as stored
        assert obj.pk is not None
        self.built[model] = obj
        return obj

    def _value(self, field: models.Field[Any, Any]) -> Any:
        n = next(_serial)
        if registry.is_path_field(field):
            return self.org.path
        if field.is_relation:
            related = field.related_model
            if related is Org:
                return self.org.pk
            if related is User:
                return self.user.pk
            return self.row(related).pk  # type: ignore[arg-type]
        if field.choices:
            return field.choices[0][0]
        if isinstance(field, models.BooleanField):
            return False
        if isinstance(field, models.DecimalField):
            return Decimal(1)
        if isinstance(field, (models.IntegerField, models.FloatField)):
            return 1
        if isinstance(field, models.DateTimeField):
            return timezone.now()
        if isinstance(field, models.DateField):
            return dt.date(2026, 1, 1)
        if isinstance(field, models.JSONField):
            return {}
        if isinstance(field, models.BinaryField):
            return b"x"
        if isinstance(field, models.GenericIPAddressField):
            return "127.0.0.1"
        if isinstance(field, models.UUIDField):
            import uuid

            return uuid.uuid4()
        max_length = getattr(field, "max_length", None) or 20
        return f"R{n}"[:max_length]


def _org_key(field: Any) -> bool:
    return bool(field.is_relation and field.related_model is Org)


def _path_models() -> dict[type[models.Model], list[str]]:
    found: dict[type[models.Model], list[str]] = {}
    for model, field in registry.path_models():
        found.setdefault(model, []).append(field)
    return found


def _fill(org: Org, user: User) -> dict[type[models.Model], models.Model]:
    rows = _Rows(org, user)
    for model in _path_models():
        rows.row(model)
    return rows.built


# Figures computed from the other rows: a merge recounts them rather than carrying them over.
DERIVED = (OrgCounter, SubtreeCounter, CounterDelta)


def _exists(obj: models.Model) -> bool:
    return type(obj)._default_manager.unscoped(reason="test").filter(pk=obj.pk).exists()


def _reload(obj: models.Model) -> models.Model:
    return type(obj)._default_manager.unscoped(reason="test").get(pk=obj.pk)


def test_every_path_model_is_found_and_the_check_passes() -> None:
    found = _path_models()
    labels = {m._meta.label for m in found}
    # The two that were missing from the hand-kept list, and models added since.
    assert {"democracy.Ballot", "democracy.BallotRule", "core.ImportJob"} <= labels
    assert {"core.Fund", "core.LedgerEntry"} <= labels  # the one ledger (issue 17.7)
    assert "orgs.Org" not in labels  # the tree itself, moved as the tree
    assert len(found) >= 45
    assert check_path_models() == []


@pytest.mark.django_db
def test_org_move_carries_a_row_of_every_path_model(cast: Cast) -> None:
    rows = _fill(cast.grassroots, cast.city_officer)
    old = cast.grassroots.path
    org_move(actor=fresh(cast.city_officer), org=cast.town, new_parent=cast.sibling_county)
    new = Org.objects.get(pk=cast.grassroots.pk).path
    assert new != old
    for model, fields in _path_models().items():
        row = _reload(rows[model])
        for field in fields:
            frozen = (registry.kept(model, field) or ("",))[0] == "move"
            assert getattr(row, field) == (old if frozen else new), f"{model._meta.label}.{field}"


@pytest.mark.django_db
def test_org_merge_carries_a_row_of_every_path_model(cast: Cast) -> None:
    source, target = cast.grassroots, cast.sibling_grassroots
    rows = _fill(source, cast.city_officer)
    org_merge(actor=fresh(cast.city_officer), source=source, target=target)
    for model, fields in _path_models().items():
        if model in DERIVED and not _exists(rows[model]):
            continue  # the merge recounts both orgs: a counter row no source yields is dropped
        row = _reload(rows[model])
        for field in fields:
            stays = registry.kept(model, field) is not None
            expected = source.path if stays else target.path
            assert getattr(row, field) == expected, f"{model._meta.label}.{field}"
        if any(registry.kept(model, f) for f in fields):
            continue
        for field in model._meta.concrete_fields:
            # The row's owner is the surviving org too; keys that record a fact (registered by,
            # transferred from) keep naming the merged org.
            if _org_key(field) and field.name in ("org", "union"):
                assert getattr(row, field.attname) == target.pk, f"{model._meta.label}.{field}"


@pytest.mark.django_db(transaction=False)
def test_the_check_fails_for_a_path_model_added_without_handling() -> None:
    from gonghui.core.scoping import ScopedManager

    class Stray(models.Model):  # noqa: DJ008
        org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
        org_path = models.CharField(max_length=255)

        class Meta:
            app_label = "core"

    class Handled(models.Model):  # noqa: DJ008
        org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
        org_path = models.CharField(max_length=255)
        objects = ScopedManager()

        class Meta:
            app_label = "core"

    try:
        ids = [e.id for e in check_path_models() if e.obj in (Stray, Handled)]
        assert sorted(ids) == ["gonghui.E201", "gonghui.E202", "gonghui.E202"]
        registry.register_merge_handler("test.handled", None, handles=[Handled])
        assert path_model_errors([(Handled, "org_path")]) == []
        assert [e.id for e in path_model_errors([(Stray, "org_path")])] == [
            "gonghui.E201",
            "gonghui.E202",
        ]
    finally:
        registry._merge_handled.pop(Handled._meta.label, None)
        for model in (Stray, Handled):
            del apps.all_models["core"][model._meta.model_name]
        apps.clear_cache()
    assert check_path_models() == []
