"""The acting org in the layout: its breadcrumbs and the orgs an officer may switch to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gonghui.core.acting import acting_post
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_ancestors

__all__ = ["acting_post", "shell_context"]


def post_orgs(posts: list[Any]) -> list[dict[str, Any]]:
    """One choice per org where the account holds posts (two posts at one org act for one org),
    with the roles held there; choosing it posts the first of them to the switch."""
    choices: dict[int, dict[str, Any]] = {}
    for post in posts:
        choice = choices.setdefault(post.org_id, {"org": post.org, "post": post, "roles": []})
        choice["roles"].append(post.get_role_display())
    return list(choices.values())


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
                "post_orgs": [],
            }
        return {"acting_post": None, "acting_path": "", "post_orgs": []}
    return {
        "acting_post": post,
        "acting_org": post.org,
        "acting_path": post.org_path,
        "acting_breadcrumbs": [*org_ancestors(post.org), post.org],
        "post_orgs": post_orgs(request.user.active_posts),  # type: ignore[union-attr]
    }
