"""The acting post: an officer with several posts chooses which org they act for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gonghui.orgs.models import Org, Post
from gonghui.orgs.selectors import org_ancestors

SESSION_KEY = "acting_post"


def acting_post(request: HttpRequest) -> Post | None:
    posts = getattr(request.user, "active_posts", [])
    wanted = request.session.get(SESSION_KEY)
    for post in posts:
        if post.pk == wanted:
            return post
    return posts[0] if posts else None


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
