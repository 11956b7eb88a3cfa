"""What every page's layout needs: the acting org, its breadcrumbs, navigation by capability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from gonghui.core import registry


def shell_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict[str, Any] = {}
    for provider in registry.shell_providers():
        context.update(provider(request))
    acting_path = context.get("acting_path", "")
    visible = [
        (item, reverse(item.url_name))
        for item in registry.nav_items()
        if (not item.superuser or user.is_superuser)
        and (
            item.capability is None
            or (acting_path and user.has_capability(item.capability, acting_path))
        )
    ]
    # Highlight the most specific entry: /orgs/employers/ is 用人单位, not 组织树.
    matching = [
        url
        for _, url in visible
        if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    active = max(matching, key=len) if matching else None
    context["nav_items"] = [
        {"label": item.label, "url": url, "icon": item.icon, "active": url == active}
        for item, url in visible
    ]
    return context
