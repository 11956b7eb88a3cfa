"""Officers' pages of motions: the list, a motion's handling, reports and the Excel export."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.decorators import officer_required
from gonghui.core.exporting import export_response
from gonghui.core.replicas import replica_view
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import run_service
from gonghui.democracy.exporters import MotionExporter
from gonghui.democracy.forms import congress as forms
from gonghui.democracy.models import MotionState, Rating
from gonghui.democracy.selectors import congress as selectors
from gonghui.democracy.services import motions as svc


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


@officer_required
@require_GET
def motion_list(request: ViewerRequest) -> HttpResponse:
    form = forms.MotionFilterForm(request.GET)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = selectors.MotionFilters(
        state=data.get("state") or "",
        department=data.get("department"),
        congress=data.get("congress"),
    )
    rows = selectors.motion_list(viewer=request.user, filters=filters)[:300]
    return render(
        request,
        "democracy/motion_list.html",
        {"rows": rows, "states": MotionState.choices, "filters": request.GET},
    )


@officer_required
@require_GET
def motion_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    motion = selectors.motion_get(viewer=request.user, pk=pk)
    return render(
        request,
        "democracy/motion.html",
        {
            "motion": motion,
            "deadline": svc.motion_deadline(motion),
            "signers": motion.signers.select_related("delegate"),
            "milestones": motion.milestones.all(),
            "history": selectors.history(motion),
            "departments": selectors.congress_departments(
                viewer=request.user, congress=motion.congress
            ),
            "ratings": Rating.choices,
            "caps": request.user.capabilities_at(motion.org_path),
        },
    )


@officer_required
@require_POST
def motion_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    motion = selectors.motion_get(viewer=request.user, pk=pk)
    post = request.POST
    user = request.user

    def number(name: str) -> int | None:
        value = post.get(name, "")
        return int(value) if value.isdigit() else None

    def assign() -> None:
        departments = selectors.congress_departments(viewer=user, congress=motion.congress)
        department = departments.filter(pk=number("department") or 0).first()
        if department is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"department": _("请选择承办部门")})
        svc.motion_assign(
            actor=user, motion=motion, department=department, working_days=number("days")
        )

    actions: dict[str, tuple[Any, str]] = {
        "accept": (lambda: svc.motion_accept(actor=user, motion=motion), _("已立案")),
        "return": (
            lambda: svc.motion_return(actor=user, motion=motion, reason=post.get("reason", "")),
            _("已退回提案人"),
        ),
        "convert": (lambda: svc.motion_convert(actor=user, motion=motion), _("已转为意见建议")),
        "assign": (assign, _("已交办承办部门")),
        "reply": (
            lambda: svc.motion_reply(actor=user, motion=motion, reply=post.get("reply", "")),
            _("已登记答复"),
        ),
        "rate": (
            lambda: svc.motion_rate(
                actor=user,
                motion=motion,
                rating=post.get("rating", ""),
                comment=post.get("comment", ""),
            ),
            _("已登记评价"),
        ),
        "milestone": (
            lambda: svc.milestone_add(
                actor=user,
                motion=motion,
                title=post.get("title", ""),
                percent=_or(number("percent"), -1),
            ),
            _("已登记落实进度"),
        ),
    }
    if action not in actions:
        raise Http404
    run, success = actions[action]
    run_service(request, run, success)
    return redirect("democracy:motion_detail", pk=pk)


@officer_required
@require_GET
@replica_view
def reports(request: ViewerRequest) -> HttpResponse:
    return render(
        request,
        "democracy/reports.html",
        {
            "motions": selectors.motion_report(viewer=request.user),
            "attendance": selectors.attendance_report(viewer=request.user),
            "disclosure": selectors.disclosure_report(
                viewer=request.user, today=timezone.localdate()
            ),
        },
    )


@officer_required
@require_GET
def motion_export(request: ViewerRequest) -> HttpResponse:
    return export_response(MotionExporter(viewer=request.user), "xlsx")
