"""Officers' page of a holder after the award: assessments (民主评议 on the ballot engine),
end of term, revocation proposals, care records and allowances, side by side."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import registry
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import run_service, submit_form
from gonghui.honors import selectors
from gonghui.honors.forms import (
    AssessmentForm,
    CareProfileForm,
    CareRecordForm,
    NoteForm,
    ProposeForm,
    ReasonForm,
)
from gonghui.honors.services import terms


def aftercare_context(request: ViewerRequest, honour: Any, **forms: Any) -> dict[str, Any]:
    today = timezone.localdate()
    context = {
        "honour": honour,
        **selectors.aftercare_overview(viewer=request.user, honour=honour),
        "assess_form": AssessmentForm(initial={"year": today.year - 1}),
        "propose_form": ProposeForm(),
        "note_form": NoteForm(),
        "reason_form": ReasonForm(),
        "care_form": CareRecordForm(initial={"on": today}),
        "profile_form": CareProfileForm(),
    }
    context.update(forms)
    return context


def ballot_url(ballot_id: int | None) -> str:
    return registry.ballot_engine().url(ballot_id) if ballot_id else ""


@officer_required
def honour_aftercare(request: ViewerRequest, pk: int) -> HttpResponse:
    honour = selectors.aftercare_honour(viewer=request.user, pk=pk)
    context = aftercare_context(request, honour)
    context["ballot_urls"] = {a.pk: ballot_url(a.ballot_id) for a in context["assessments"]}
    return render(request, "honors/aftercare.html", context)


@officer_required
@require_POST
def assessment_open(request: ViewerRequest, pk: int) -> HttpResponse:
    honour = selectors.aftercare_honour(viewer=request.user, pk=pk)
    form = AssessmentForm(request.POST)
    if done := submit_form(
        request,
        form,
        lambda: terms.assessment_open(actor=request.user, honour=honour, **form.cleaned_data),
        _("已发起年度考核，请到投票页面组织民主评议"),
    ):
        return redirect(ballot_url(done.value.ballot_id) or "honors:aftercare", pk=pk)
    return render(
        request, "honors/aftercare.html", aftercare_context(request, honour, assess_form=form)
    )


@officer_required
@require_POST
def term_confirm(request: ViewerRequest, pk: int) -> HttpResponse:
    honour = selectors.aftercare_honour(viewer=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: terms.term_confirm(actor=request.user, honour=honour, **form.cleaned_data),
            _("已确认称号，管理期顺延"),
        )
    return redirect("honors:aftercare", pk=pk)


@officer_required
@require_POST
def term_lapse(request: ViewerRequest, pk: int) -> HttpResponse:
    honour = selectors.aftercare_honour(viewer=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: terms.term_lapse(actor=request.user, honour=honour, **form.cleaned_data),
            _("称号期满不再确认，津贴自次月起停发"),
        )
    return redirect("honors:aftercare", pk=pk)
