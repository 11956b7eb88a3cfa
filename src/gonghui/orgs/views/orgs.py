"""Pages of the union tree: lazy tree, search, detail, edits, roster, directory picker."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.views_support import submit_form
from gonghui.orgs import selectors
from gonghui.orgs.forms import (
    OrgCreateForm,
    OrgDissolveForm,
    OrgEditForm,
    OrgMergeForm,
    OrgMoveForm,
)
from gonghui.orgs.models import Employer, Org, OrgKind
from gonghui.orgs.services import orgs as services


def _org_context(request: ViewerRequest, org: Org, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "org": org,
        "ancestors": selectors.org_ancestors(org),
        "caps": user.capabilities_at(org.path),
        # Moving, merging or dissolving an org is an act of the level above it.
        "parent_caps": user.capabilities_at(org.parent.path) if org.parent else set(),
        **extra,
    }


@officer_required
@require_GET
def tree(request: ViewerRequest) -> HttpResponse:
    roots = selectors.org_scope_roots(viewer=request.user)
    return render(request, "orgs/tree.html", {"roots": roots})


@officer_required
@require_GET
def tree_children(request: ViewerRequest, code: str) -> HttpResponse:
    """htmx: one level of the tree below ``code``."""
    org = selectors.org_get(viewer=request.user, code=code)
    children = selectors.org_children(viewer=request.user, org=org)
    return render(request, "orgs/tree.html#children", {"children": children})


@officer_required
@require_GET
def search(request: ViewerRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = selectors.org_search(viewer=request.user, query=query)
    template = "orgs/search.html#results" if request.htmx else "orgs/search.html"
    return render(request, template, {"query": query, "results": results})


@officer_required
@require_GET
def detail(request: ViewerRequest, code: str) -> HttpResponse:
    org = selectors.org_get(viewer=request.user, code=code)
    return render(
        request,
        "orgs/detail.html",
        _org_context(
            request,
            org,
            children=selectors.org_children(viewer=request.user, org=org, limit=200),
            counts=selectors.org_child_counts(viewer=request.user, org=org),
            employers=selectors.employer_list(viewer=request.user, org=org)[:20],
            employer_total=selectors.employer_list(viewer=request.user, org=org).count(),
            posts=selectors.post_list(viewer=request.user, org=org),
        ),
    )


@officer_required
@require_GET
def roster(request: ViewerRequest, code: str) -> HttpResponse:
    """Printable 组织花名册 of the org's subtree (A4)."""
    org = selectors.org_get(viewer=request.user, code=code)
    return render(
        request,
        "orgs/roster.html",
        _org_context(
            request, org, rows=selectors.org_subtree_roster(viewer=request.user, org=org)[:5000]
        ),
    )


@officer_required
def create_child(request: ViewerRequest, code: str) -> HttpResponse:
    parent = selectors.org_get(viewer=request.user, code=code)
    require_capability(request.user, "orgs.manage", parent.path)
    form = OrgCreateForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda: services.org_create(actor=request.user, parent=parent, **form.cleaned_data),
        lambda org: _("已新建组织：%(name)s") % {"name": org.name},
    ):
        return redirect("orgs:detail", code=done.value.code)
    return render(
        request, "orgs/form.html", _org_context(request, parent, form=form, title=_("新建下级组织"))
    )


@officer_required
def edit(request: ViewerRequest, code: str) -> HttpResponse:
    org = selectors.org_get(viewer=request.user, code=code)
    require_capability(request.user, "orgs.manage", org.path)
    initial = {f: getattr(org, f) for f in OrgEditForm.base_fields}
    form = OrgEditForm(request.POST or None, initial=initial)
    if submit_form(
        request,
        form,
        lambda: services.org_update(actor=request.user, org=org, **form.cleaned_data),
        _("已保存"),
    ):
        return redirect("orgs:detail", code=org.code)
    return render(
        request, "orgs/form.html", _org_context(request, org, form=form, title=_("修改组织信息"))
    )


def _target_in_scope(request: ViewerRequest, code: str) -> Org:
    return selectors.org_for_form(viewer=request.user, code=code)


def _structural_action(
    request: ViewerRequest, code: str, form_class: type, title: str, action: Any, success: str
) -> HttpResponse:
    org = selectors.org_get(viewer=request.user, code=code)
    if org.parent is None:
        raise PermissionDenied("orgs.manage")
    require_capability(request.user, "orgs.manage", org.parent.path)
    form = form_class(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda: action(org, form.cleaned_data),
        success % {"name": org.name},
    ):
        return redirect("orgs:detail", code=done.value.code)
    return render(request, "orgs/form.html", _org_context(request, org, form=form, title=title))


@officer_required
def move(request: ViewerRequest, code: str) -> HttpResponse:
    return _structural_action(
        request,
        code,
        OrgMoveForm,
        _("迁移组织"),
        lambda org, data: services.org_move(
            actor=request.user, org=org, new_parent=_target_in_scope(request, data["new_parent"])
        ),
        _("已迁移：%(name)s"),
    )


@officer_required
def merge(request: ViewerRequest, code: str) -> HttpResponse:
    return _structural_action(
        request,
        code,
        OrgMergeForm,
        _("合并组织"),
        lambda org, data: services.org_merge(
            actor=request.user, source=org, target=_target_in_scope(request, data["target"])
        ),
        _("已合并：%(name)s"),
    )


@officer_required
def dissolve(request: ViewerRequest, code: str) -> HttpResponse:
    return _structural_action(
        request,
        code,
        OrgDissolveForm,
        _("撤销组织"),
        lambda org, data: services.org_dissolve(actor=request.user, org=org, reason=data["reason"]),
        _("已撤销：%(name)s"),
    )


@require_GET
def directory_picker(request: HttpRequest) -> HttpResponse:
    """htmx: directory search results for the org picker (any logged-in account)."""
    if not request.user.is_authenticated:
        raise Http404
    results = selectors.directory_search(
        query=request.GET.get("q", ""), kind=request.GET.get("kind", ""), limit=15
    )
    return render(
        request,
        "orgs/widgets/org_picker.html#results",
        {"results": results, "target": request.GET.get("target", ""), "kinds": OrgKind},
    )


# --- employers --------------------------------------------------------------------------------


@officer_required
@require_GET
def employer_list(request: ViewerRequest) -> HttpResponse:
    from gonghui.core.pagination import paginate, query_without_page

    has_union = {"1": True, "0": False}.get(request.GET.get("has_union", ""))
    qs = selectors.employer_list(
        viewer=request.user, query=request.GET.get("q", ""), has_union=has_union
    )
    try:
        min_employees = max(0, int(request.GET.get("min_employees") or 0))
    except ValueError:
        min_employees = 0
    if min_employees:
        qs = qs.filter(employee_count__gte=min_employees)
    return render(
        request,
        "orgs/employer_list.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "q": request.GET.get("q", ""),
            "has_union": request.GET.get("has_union", ""),
            "min_employees": min_employees or "",
        },
    )


def _employer_union(request: ViewerRequest, code: str) -> Org | None:
    return _target_in_scope(request, code) if code.strip() else None


@officer_required
def employer_create(request: ViewerRequest, code: str) -> HttpResponse:
    from gonghui.orgs.forms import EmployerForm

    org = selectors.org_get(viewer=request.user, code=code)
    require_capability(request.user, "orgs.employer.manage", org.path)
    initial = {"union": org.code if org.kind in services.EMPLOYER_UNION_KINDS else ""}
    form = EmployerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def create() -> Employer:
            data["union"] = _employer_union(request, data["union"])
            return services.employer_create(actor=request.user, registered_by=org, **data)

        if submit_form(
            request,
            form,
            create,
            lambda employer: _("已登记用人单位：%(name)s") % {"name": employer.name},
        ):
            return redirect("orgs:detail", code=org.code)
    return render(
        request, "orgs/form.html", _org_context(request, org, form=form, title=_("登记用人单位"))
    )


@officer_required
def employer_edit(request: ViewerRequest, pk: int) -> HttpResponse:
    from gonghui.orgs.forms import EmployerForm

    employer = selectors.employer_get(viewer=request.user, pk=pk)
    require_capability(request.user, "orgs.employer.manage", employer.org_path)
    initial = {f: getattr(employer, f) for f in EmployerForm.base_fields if f != "union"}
    initial["union"] = employer.union.code if employer.union else ""
    form = EmployerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def update() -> None:
            data["union"] = _employer_union(request, data["union"])
            services.employer_update(actor=request.user, employer=employer, **data)

        if submit_form(request, form, update, _("已保存")):
            return redirect("orgs:employer_list")
    org = employer.union or employer.registered_by
    return render(
        request,
        "orgs/form.html",
        _org_context(
            request, org, form=form, title=_("修改用人单位：%(name)s") % {"name": employer.name}
        ),
    )
