"""Officers decide members' correction requests (scoped; members.manage to decide)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.decorators import officer_required
from gonghui.core.pagination import paginate, query_without_page
from gonghui.core.scoping import ViewerRequest, holds_anywhere
from gonghui.members.phone.forms import CorrectionDecisionForm
from gonghui.members.services import corrections


def _require_manager(request: ViewerRequest) -> None:
    user = request.user
    if not holds_anywhere(user, "members.manage"):
        raise PermissionDenied("members.manage")


@officer_required
@require_GET
def correction_list(request: ViewerRequest) -> HttpResponse:
    _require_manager(request)
    pending_only = request.GET.get("all") != "1"
    qs = corrections.correction_list(viewer=request.user, pending_only=pending_only)
    page = paginate(request, qs)
    return render(
        request,
        "members/m/officer_corrections.html",
        {
            "page": page,
            "rows": [(c, corrections.field_labels(c)) for c in page],
            "query": query_without_page(request),
            "pending_only": pending_only,
            "title": _("会员信息更正申请"),
        },
    )


@officer_required
@require_GET
def correction_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    correction = corrections.correction_get(viewer=request.user, pk=pk)
    can_decide = request.user.has_capability("members.manage", correction.member.org_path)
    return render(
        request,
        "members/m/officer_correction.html",
        {
            "correction": correction,
            "changes": corrections.changes_of(correction),
            "can_decide": can_decide,
            "form": CorrectionDecisionForm(),
            "title": _("会员信息更正申请"),
        },
    )


@officer_required
@require_POST
def correction_decide(request: ViewerRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "reject"):
        raise Http404
    correction = corrections.correction_get(viewer=request.user, pk=pk)
    form = CorrectionDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "approve":
            corrections.correction_approve(actor=request.user, correction=correction, note=note)
        else:
            corrections.correction_reject(actor=request.user, correction=correction, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("members_corrections:detail", pk=correction.pk)
    messages.success(request, _("已更正") if decision == "approve" else _("已退回更正申请"))
    return redirect("members_corrections:list")
