"""Members' phone pages: apply for help, upload proof documents, follow the application."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.assistance import selectors
from gonghui.assistance.forms import ApplyForm, AttachmentForm
from gonghui.assistance.models import StepKind
from gonghui.assistance.services import cases as services
from gonghui.core.decorators import member_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import submit_form


@member_required
def home(request: ViewerRequest) -> HttpResponse:
    form = ApplyForm(request.POST or None, initial={"area": "urban"})
    if done := submit_form(
        request,
        form,
        lambda: services.case_apply(applicant=request.user, **form.cleaned_data),
        _("申请已提交，请上传证明材料"),
    ):
        return redirect("assistance_m:detail", pk=done.value.pk)
    return render(
        request,
        "assistance/phone_home.html",
        {"form": form, "own": selectors.own_cases(applicant=request.user)},
    )


# What the member sees of the history: the step and when, not the officers' opinions on
# objections (which may name the objector).
PUBLIC_STEPS = {
    StepKind.APPLIED,
    StepKind.VISITED,
    StepKind.REVIEWED,
    StepKind.PUBLICITY_ENDED,
    StepKind.APPROVED,
    StepKind.REJECTED,
    StepKind.EXIT_PROPOSED,
    StepKind.EXITED,
    StepKind.CLOSED,
}


@member_required
def detail(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.own_case(applicant=request.user, pk=pk)
    return render(
        request,
        "assistance/phone_detail.html",
        {
            "case": case,
            "steps": selectors.case_steps(case=case, kinds=PUBLIC_STEPS),
            "attachments": case.attachments.all(),
            "form": AttachmentForm(),
        },
    )


@member_required
@require_POST
def upload(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.own_case(applicant=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择材料类型和文件"))
    else:
        try:
            services.attachment_add(
                actor=request.user,
                case=case,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已上传材料"))
    return redirect("assistance_m:detail", pk=pk)
