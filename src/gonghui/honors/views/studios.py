"""Officers' pages of the innovation studios: the directory (no map), registration, a studio
with its members, yearly reports, adopted suggestions and evaluations."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import submit_form
from gonghui.honors import rules, selectors
from gonghui.honors.forms import StudioEvaluationForm, StudioForm, StudioReportForm
from gonghui.honors.models import StudioLevel
from gonghui.honors.services import studios


@officer_required
def studio_list(request: ViewerRequest) -> HttpResponse:
    form = StudioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        leader = selectors.studio_leader_get(viewer=request.user, pk=data.pop("leader"))
        if leader is None:
            form.add_error("leader", _("荣誉库中没有该领办人"))
        elif done := submit_form(
            request,
            form,
            lambda: studios.studio_register(
                actor=request.user, org=acting_org(request), leader=leader, **data
            ),
            _("已登记创新工作室"),
        ):
            return redirect("honors:studio", pk=done.value.pk)
    q = request.GET.get("q", "").strip()[:40]
    level = request.GET.get("level", "")
    level = level if level in StudioLevel.values else ""
    return render(
        request,
        "honors/studios.html",
        {
            "rows": selectors.studio_list(viewer=request.user, q=q, level=level)[:300],
            "form": form,
            "q": q,
            "levels": StudioLevel.choices,
            "level": level,
        },
    )


@officer_required
def studio_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    studio = selectors.studio_get(viewer=request.user, pk=pk)
    step = request.POST.get("step", "")
    report_form = StudioReportForm(request.POST if step == "report" else None)
    eval_form = StudioEvaluationForm(request.POST if step == "evaluate" else None)
    if step == "report" and submit_form(
        request,
        report_form,
        lambda: studios.studio_report_save(
            actor=request.user, studio=studio, **report_form.cleaned_data
        ),
        _("已保存年度成果"),
    ):
        return redirect("honors:studio", pk=pk)
    if step == "evaluate" and submit_form(
        request,
        eval_form,
        lambda: studios.studio_evaluate(
            actor=request.user,
            org=acting_org(request),
            studio=studio,
            year=eval_form.cleaned_data["year"],
            points=eval_form.points(),
        ),
        _("已完成年度评估"),
    ):
        return redirect("honors:studio", pk=pk)
    return render(
        request,
        "honors/studio.html",
        {
            "studio": studio,
            **selectors.studio_overview(viewer=request.user, studio=studio),
            "rubric": rules.STUDIO_RUBRIC,
            "report_form": report_form,
            "eval_form": eval_form,
        },
    )
