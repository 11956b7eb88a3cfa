"""What every page's layout needs: the acting org, its breadcrumbs, the sidebar by capability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gonghui.core import navigation, registry


def shell_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict[str, Any] = {}
    for provider in registry.shell_providers():
        context.update(provider(request))
    context["sidebar"] = navigation.sidebar(user, context.get("acting_path", ""), request.path)
    return context
