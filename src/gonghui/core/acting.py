"""The acting org: an officer holding posts at several orgs chooses which one they act for.

The choice lives in the session under ``acting_org_id`` (the org's id, not a post's: two posts at
the same org act for the same org). The posts come from the viewer's ``active_posts`` (the
accounts user implements it), so core reads them without importing a domain app.

One rule for every page: no acting org is a 404 (``acting_org``), never a 403 page and never an
empty string that a later query would take for "no filter"; pages that render without one ask
``acting_org_or_none``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

SESSION_KEY = "acting_org_id"


def acting_post(request: HttpRequest) -> Any | None:
    """The viewer's post at the chosen org, else their first post; None when they hold none.

    A stale choice (the post ended, the org was dissolved) falls back to the first post."""
    posts = getattr(request.user, "active_posts", None) or []
    wanted = request.session.get(SESSION_KEY)
    for post in posts:
        if post.org_id == wanted:
            return post
    return posts[0] if posts else None


def acting_org_or_none(request: HttpRequest) -> Any | None:
    post = acting_post(request)
    return post.org if post is not None else None


def acting_org(request: HttpRequest) -> Any:
    """The org the officer acts for; Http404 when they hold no post."""
    org = acting_org_or_none(request)
    if org is None:
        raise Http404
    return org


def choose_acting_org(request: HttpRequest, org_id: int) -> bool:
    """Act for ``org_id`` from now on, if the viewer holds a post there; False otherwise."""
    posts = getattr(request.user, "active_posts", None) or []
    if not any(post.org_id == org_id for post in posts):
        return False
    request.session[SESSION_KEY] = org_id
    return True
