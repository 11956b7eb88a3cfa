"""System checks of the org-path rule (ADR 0020): every model holding an org path is scoped by
construction and is carried along when its org moves or merges."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import checks
from django.db import models

from gonghui.core import registry
from gonghui.core.scoping import ScopedQuerySet


def _tree_keys(model: type[models.Model], tree: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is tree
    ]


def path_model_errors(pairs: Iterable[tuple[type[models.Model], str]]) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    tree = registry.tree_model()
    seen: set[type[models.Model]] = set()
    for model, field in pairs:
        label = f"{model._meta.label}.{field}"
        if model not in seen:
            seen.add(model)
            queryset = model._default_manager.all()
            if not isinstance(queryset, ScopedQuerySet):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} holds an org path but its default manager is not "
                        "a ScopedManager",
                        hint="objects = ScopedManager() (gonghui.core.scoping)",
                        obj=model,
                        id="gonghui.E201",
                    )
                )
        if registry.kept(model, field) or registry.merge_handler_of(model):
            continue
        keys = _tree_keys(model, tree) if tree is not None else []
        if keys:
            errors.append(
                checks.Error(
                    f"{label}: org_merge cannot re-point this row (it refers to the org by "
                    f"{', '.join(keys)}) and no merge handler declares the model",
                    hint="register_merge_handler(..., handles=[model]) or keep_path(..., reason=)",
                    obj=model,
                    id="gonghui.E202",
                )
            )
    return errors


@checks.register(checks.Tags.models)
def check_path_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return path_model_errors(registry.path_models())
