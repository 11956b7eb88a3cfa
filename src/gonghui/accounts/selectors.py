from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from gonghui.accounts.models import AccountType, User
from gonghui.core.scoping import Viewer, prefix_q
from gonghui.orgs.models import Org, Post


def officer_list(
    *, viewer: Viewer | None, org: Org | None = None, query: str = ""
) -> QuerySet[User]:
    """Officer accounts holding (or having held) a post in the viewer's scope."""
    posts = Post.objects.for_viewer(viewer).filter(user=OuterRef("pk"))
    if org is not None:
        posts = posts.filter(prefix_q("org_path", org.path))
    qs = User.objects.filter(Exists(posts), account_type=AccountType.OFFICER)
    if query.strip():
        qs = qs.filter(Q(username__icontains=query.strip()) | Q(full_name__icontains=query.strip()))
    return qs.order_by("username")


def officer_get(*, viewer: Viewer | None, pk: int) -> User:
    from django.http import Http404

    user = officer_list(viewer=viewer).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def officer_posts(*, viewer: Viewer | None, user: User) -> QuerySet[Post]:
    """The user's posts that lie in the viewer's scope (others are not the viewer's business)."""
    return (
        Post.objects.for_viewer(viewer)
        .filter(user=user)
        .select_related("org")
        .order_by("-active", "org_path")
    )
