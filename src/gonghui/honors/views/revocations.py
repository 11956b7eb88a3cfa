"""Officers' pages of revocation: the list, a proceeding with its steps and its trail."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import submit_form
from gonghui.core.workflow import history_of
from gonghui.honors import selectors
from gonghui.honors.forms import DecideForm, OpinionForm, ProposeForm, RecoverForm
from gonghui.honors.models import RevocationState
from gonghui.honors.services import revocations
from gonghui.honors.views.terms import aftercare_context


@officer_required
def revocation_list(request: ViewerRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in RevocationState.values else ""
    return render(
        request,
        "honors/revocations.html",
        {
            "rows": selectors.revocation_list(viewer=request.user, state=state)[:200],
            "states": RevocationState.choices,
            "state": state,
        },
    )


@officer_required
@require_POST
def revocation_propose(request: ViewerRequest, pk: int) -> HttpResponse:
    honour = selectors.aftercare_honour(viewer=request.user, pk=pk)
    form = ProposeForm(request.POST)
    if done := submit_form(
        request,
        form,
        lambda: revocations.revocation_propose(
            actor=request.user, honour=honour, **form.cleaned_data
        ),
        _("已提请撤销，待上级审查"),
    ):
        return redirect("honors:revocation", pk=done.value.pk)
    return render(
        request, "honors/aftercare.html", aftercare_context(request, honour, propose_form=form)
    )


def _detail(request: ViewerRequest, pk: int, **forms: object) -> HttpResponse:
    revocation = selectors.revocation_get(viewer=request.user, pk=pk)
    context = {
        "r": revocation,
        "trail": history_of(revocation),
        "review_form": OpinionForm(),
        "decide_form": DecideForm(),
        "recover_form": RecoverForm(),
        **forms,
    }
    return render(request, "honors/revocation.html", context)


@officer_required
def revocation_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return _detail(request, pk)
    revocation = selectors.revocation_get(viewer=request.user, pk=pk)
    step = request.POST.get("step", "")
    actor = request.user
    if step in ("review", "dismiss"):
        form = OpinionForm(request.POST)
        call = revocations.revocation_review if step == "review" else revocations.revocation_dismiss
        if submit_form(
            request,
            form,
            lambda: call(actor=actor, revocation=revocation, **form.cleaned_data),
            _("已办理"),
        ):
            return redirect("honors:revocation", pk=pk)
        return _detail(request, pk, review_form=form)
    if step == "decide":
        decide = DecideForm(request.POST)
        if submit_form(
            request,
            decide,
            lambda: revocations.revocation_decide(
                actor=actor, revocation=revocation, **decide.cleaned_data
            ),
            _("已决定撤销，荣誉津贴自次月起停发"),
        ):
            return redirect("honors:revocation", pk=pk)
        return _detail(request, pk, decide_form=decide)
    recover = RecoverForm(request.POST)
    if submit_form(
        request,
        recover,
        lambda: revocations.revocation_recover(
            actor=actor, revocation=revocation, **recover.cleaned_data
        ),
        _("已登记收缴"),
    ):
        return redirect("honors:revocation", pk=pk)
    return _detail(request, pk, recover_form=recover)
