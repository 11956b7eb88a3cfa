"""The acting post: an officer with several posts chooses which org they act for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gonghui.core.acting import acting_post
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_ancestors


def shell_context(request: HttpRequest) -> dict[str, Any]:
    post = acting_post(request)
    if post is None:
        root = Org.objects.filter(parent__isnull=True).order_by("path").first()
        if getattr(request.user, "is_superuser", False) and root is not None:
            return {
                "acting_post": None,
                "acting_org": root,
                "acting_path": root.path,
                "acting_breadcrumbs": [root],
                "user_posts": [],
            }
        return {"acting_post": None, "acting_path": "", "user_posts": []}
    return {
        "acting_post": post,
        "acting_org": post.org,
        "acting_path": post.org_path,
        "acting_breadcrumbs": [*org_ancestors(post.org), post.org],
        "user_posts": request.user.active_posts,  # type: ignore[union-attr]
    }
