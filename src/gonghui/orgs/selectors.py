"""Every read of the union tree, starting from the viewer's scope (fails closed)."""

from __future__ import annotations

import random
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet

from gonghui.core.identifiers import normalize_code
from gonghui.core.scoping import Viewer, get_scoped_or_404, prefix_q, scoped, viewer_paths
from gonghui.orgs.capabilities import capabilities_of
from gonghui.orgs.models import (
    GRASSROOTS_KINDS,
    PATH_STEP,
    Employer,
    Org,
    OrgKind,
    OrgStatus,
    Post,
    level_of,
)

# Whether a tree node can be expanded: an index probe per row, cheaper than counting children.
_HAS_CHILDREN = Exists(Org.objects.filter(parent=OuterRef("pk"), status=OrgStatus.ACTIVE))


def org_queryset(*, viewer: Viewer | None) -> QuerySet[Org]:
    return scoped(Org.objects.all(), viewer, "path")


def org_get(*, viewer: Viewer | None, code: str) -> Org:
    """The org with ``code`` if it lies in the viewer's scope; Http404 otherwise."""
    return get_scoped_or_404(Org.objects.select_related("parent"), viewer, "path", code=code)


def org_for_form(*, viewer: Viewer | None, code: str) -> Org:
    """An org typed into a form: in scope, or a ValidationError that names the code (a form
    error, not a 404: the page itself exists)."""
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    try:
        return org_get(viewer=viewer, code=normalize_code(code))
    except Http404 as exc:
        message = _("在您的管辖范围内找不到组织编码 %(code)s") % {"code": code}
        raise ValidationError(message) from exc


def org_scope_roots(*, viewer: Viewer | None) -> list[Org]:
    """The tops of the viewer's subtrees, with their number of active children."""
    paths = viewer_paths(viewer)
    return list(
        Org.objects.filter(path__in=paths).annotate(has_children=_HAS_CHILDREN).order_by("path")
    )


def org_children(
    *,
    viewer: Viewer | None,
    org: Org,
    include_inactive: bool = False,
    after: str = "",
    limit: int | None = None,
) -> list[Org]:
    """Children of an in-scope org, with how many children each has (for lazy tree nodes)."""
    qs = org_queryset(viewer=viewer).filter(parent=org)
    if not include_inactive:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    if after:
        qs = qs.filter(path__gt=after)
    qs = qs.annotate(has_children=_HAS_CHILDREN).order_by("path")
    return list(qs[:limit] if limit else qs)


def org_search(*, viewer: Viewer | None, query: str, limit: int = 50) -> list[Org]:
    query = query.strip()
    if not query:
        return []
    code = normalize_code(query)
    qs = org_queryset(viewer=viewer).filter(
        Q(name__contains=query) | Q(code=code) | Q(code__startswith=code)
    )
    return list(qs.select_related("parent").order_by("depth", "path")[:limit])


def org_ancestors(org: Org) -> list[Org]:
    """The org's ancestors from the root down (names and codes are directory data)."""
    paths = org.ancestor_paths()[:-1]
    return list(Org.objects.filter(path__in=paths).order_by("depth"))


def org_subtree_roster(*, viewer: Viewer | None, org: Org) -> QuerySet[Org]:
    """The roster of an in-scope org's active subtree, for the printable 花名册."""
    return (
        org_queryset(viewer=viewer)
        .filter(prefix_q("path", org.path), status=OrgStatus.ACTIVE)
        .select_related("parent")
        .order_by("path")
    )


def org_child_counts(*, viewer: Viewer | None, org: Org) -> dict[str, Any]:
    qs = org_queryset(viewer=viewer).filter(prefix_q("path", org.path), status=OrgStatus.ACTIVE)
    return {
        "subtree": qs.count() - 1,
        "children": qs.filter(parent=org).count(),
    }


def directory_search(
    *, query: str = "", kind: str = "", parent_code: str = "", limit: int = 20
) -> list[Org]:
    """The org directory: readable by every account, names and codes only (DESIGN.md rule 1)."""
    qs = Org.objects.filter(status=OrgStatus.ACTIVE).select_related("parent")
    query = query.strip()
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(code=normalize_code(query)))
    if kind:
        qs = qs.filter(kind=kind)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return list(qs.order_by("depth", "path")[: max(1, min(limit, 100))])


def directory_get(*, code: str) -> Org | None:
    """One active org of the directory by its exact code (for transfers and hand-offs)."""
    return Org.objects.filter(status=OrgStatus.ACTIVE, code=normalize_code(code)).first()


def directory_unions(*, find: str, joint: bool) -> list[Org]:
    """Unions a worker may apply to, from the org directory: by the employer's name, or the
    联合工会 / platform and industry unions that take workers whose employer has none."""
    qs = Org.objects.filter(status=OrgStatus.ACTIVE, kind__in=GRASSROOTS_KINDS).select_related(
        "parent"
    )
    if joint:
        qs = qs.filter(
            Q(kind=OrgKind.ORGANIZER)
            | Q(parent__kind=OrgKind.JOINT)
            | Q(name__contains="联合")
            | Q(name__contains="平台")
            | Q(name__contains="新就业")
        )
        if find:
            qs = qs.filter(Q(name__contains=find) | Q(parent__name__contains=find))
    elif find:
        qs = qs.filter(name__contains=find)
    else:
        return []  # no search yet: the page lists nothing
    return list(qs.order_by("name", "path")[:20])


def employer_queryset(*, viewer: Viewer | None) -> QuerySet[Employer]:
    return scoped(Employer.objects.select_related("union", "registered_by"), viewer)


def employer_list(
    *, viewer: Viewer | None, org: Org | None = None, query: str = "", has_union: bool | None = None
) -> QuerySet[Employer]:
    qs = employer_queryset(viewer=viewer)
    if org is not None:
        qs = qs.filter(prefix_q("org_path", org.path))
    if query.strip():
        qs = qs.filter(Q(name__icontains=query.strip()) | Q(uscc=query.strip().upper()))
    if has_union is not None:
        qs = qs.filter(union__isnull=not has_union)
    return qs.order_by("name", "pk")


def employer_get(*, viewer: Viewer | None, pk: int) -> Employer:
    return get_scoped_or_404(employer_queryset(viewer=viewer), viewer, pk=pk)


def post_list(
    *, viewer: Viewer | None, org: Org | None = None, active: bool = True
) -> QuerySet[Post]:
    qs = scoped(Post.objects.select_related("user", "org"), viewer)
    if org is not None:
        qs = qs.filter(org=org)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("org_path", "role", "user__username")


def post_get(*, viewer: Viewer | None, pk: int) -> Post:
    return get_scoped_or_404(Post.objects.select_related("user", "org"), viewer, pk=pk)


def employers_without_union(
    *, viewer: Viewer | None, min_employees: int = 25
) -> QuerySet[Employer]:
    """未建会 employers at the 工会法 §11 threshold: the 建会 drive's work list."""
    return employer_queryset(viewer=viewer).filter(
        union__isnull=True, employee_count__gte=min_employees
    )


def org_path_sample(size: int) -> list[str]:
    """The paths of ``size`` orgs drawn at random (every org, dissolved ones too: their
    counters must be zero), by random ids so a province's 205,000 orgs are never all read."""
    rng = random.SystemRandom()
    bounds = Org.objects.aggregate(low=Min("pk"), high=Max("pk"), n=Count("pk"))
    if not bounds["n"]:
        return []
    if bounds["n"] <= size:
        return list(Org.objects.order_by("path").values_list("path", flat=True))
    found: set[str] = set()
    for _attempt in range(8):  # ids have gaps: draw again for the missing ones
        wanted = size - len(found)
        if wanted <= 0:
            break
        ids = {rng.randint(bounds["low"], bounds["high"]) for _ in range(wanted * 2)}
        found.update(Org.objects.filter(pk__in=ids).values_list("path", flat=True)[:wanted])
    return sorted(found)


def officers_to_tell(capability: str, org_path: str) -> list[Any]:
    """Active officers holding ``capability`` in a post at the org of ``org_path``; where that
    org has none, those at the nearest org above that has (core.registry's officer finder)."""
    path = org_path
    while path:
        posts = (
            Post.objects.unscoped(reason="whom to notify: a job, not a viewer's read")
            .filter(org_path=path, active=True, user__is_active=True, org__status=OrgStatus.ACTIVE)
            .select_related("user", "org")
        )
        users = {
            post.user.pk: post.user
            for post in posts
            if capability in capabilities_of(post.role, level_of(post.org.kind))
        }
        if users:
            return list(users.values())
        path = path[:-PATH_STEP]
    return []


def nearest_staffed(*, capability: str, org_path: str) -> str | None:
    """The path of the nearest org at or above ``org_path`` where an active officer account
    holds ``capability`` (a union without one has its work done by that org: 代填报)."""
    lineage = [org_path[:end] for end in range(len(org_path), 0, -PATH_STEP)]
    staffed = paths_with_officer(capability=capability, org_paths=lineage)
    return next((path for path in lineage if path in staffed), None)


def paths_with_officer(*, capability: str, org_paths: list[str]) -> set[str]:
    """Those of ``org_paths`` where an active officer account holds ``capability`` in a post at
    exactly that org: one query for a union's children."""
    posts = (
        Post.objects.unscoped(reason="whether orgs have an officer: a fact, not a viewer's read")
        .filter(org_path__in=org_paths, active=True, user__is_active=True)
        .select_related("org")
    )
    return {
        post.org_path
        for post in posts
        if capability in capabilities_of(post.role, level_of(post.org.kind))
    }
