"""Officers' pages of 厂务公开: plans, items, publishing, the 公开栏 print view, questions."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org_or_none
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import run_service
from gonghui.democracy.forms import congress as forms
from gonghui.democracy.models import Rating
from gonghui.democracy.selectors import congress as selectors
from gonghui.democracy.services import disclosure as svc


@officer_required
@require_GET
def plan_list(request: ViewerRequest) -> HttpResponse:
    return render(
        request,
        "democracy/plans.html",
        {
            "plans": selectors.plan_list(viewer=request.user)[:200],
            "form": forms.PlanForm(initial={"year": timezone.localdate().year}),
        },
    )


@officer_required
@require_POST
def plan_create(request: ViewerRequest) -> HttpResponse:
    org = acting_org_or_none(request)
    form = forms.PlanForm(request.POST)
    if org is None or not form.is_valid():
        messages.error(request, _("请填写年度和计划名称"))
        return redirect("democracy:plan_list")
    run_service(
        request,
        lambda: svc.plan_create(actor=request.user, org=org, **form.cleaned_data),
        _("已建立厂务公开计划"),
    )
    return redirect("democracy:plan_list")


@officer_required
@require_GET
def plan_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    return render(
        request,
        "democracy/plan.html",
        {
            "plan": plan,
            "items": plan.items.annotate(open_questions=Count("questions")),
            "form": forms.ItemForm(),
            "today": timezone.localdate(),
            "caps": request.user.capabilities_at(plan.org_path),
        },
    )


@officer_required
@require_POST
def item_add(request: ViewerRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    form = forms.ItemForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: svc.item_add(actor=request.user, plan=plan, **form.cleaned_data),
            _("已加入公开计划"),
        )
    else:
        messages.error(request, _("请填写类别、事项、期间和应公开日期"))
    return redirect("democracy:plan_detail", pk=pk)


@officer_required
@require_GET
def plan_board(request: ViewerRequest, pk: int) -> HttpResponse:
    """The 公开栏: published items of the plan, printed on A4."""
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    items = plan.items.filter(published_at__isnull=False).order_by("category", "due_on")
    return render(request, "democracy/board_print.html", {"plan": plan, "items": items})


@officer_required
@require_GET
def item_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(viewer=request.user, pk=pk)
    votes = dict(
        item.votes.values_list("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    return render(
        request,
        "democracy/item.html",
        {
            "item": item,
            "questions": item.questions.all(),
            "votes": [(label, votes.get(value, 0)) for value, label in Rating.choices],
            "caps": request.user.capabilities_at(item.org_path),
        },
    )


@officer_required
@require_POST
def item_publish(request: ViewerRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(viewer=request.user, pk=pk)
    run_service(
        request,
        lambda: svc.item_publish(
            actor=request.user, item=item, content=request.POST.get("content", "")
        ),
        _("已向职工公开"),
    )
    return redirect("democracy:item_detail", pk=pk)


@officer_required
@require_POST
def question_answer(request: ViewerRequest, pk: int) -> HttpResponse:
    question = selectors.question_get(viewer=request.user, pk=pk)
    run_service(
        request,
        lambda: svc.question_answer(
            actor=request.user, question=question, answer=request.POST.get("answer", "")
        ),
        _("已答复"),
    )
    return redirect("democracy:item_detail", pk=question.item_id)
