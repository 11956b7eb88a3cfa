"""Officers' page of 建会: employers of 25 or more staff without a union (the 建会 drive), the
formation rule for each, and the upper union's approval of its new unions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.views_support import run_service
from gonghui.governance import rules, selectors
from gonghui.governance.forms import committees as forms
from gonghui.governance.services import formation

VIEW = "governance.view"


@officer_required
@require_GET
def formation_page(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    require_capability(request.user, VIEW, org.path)
    employers = [
        (e, rules.formation(e.employee_count))
        for e in selectors.employers_to_organize(viewer=request.user)[:200]
    ]
    return render(
        request,
        "governance/formation.html",
        {
            "org": org,
            "employers": employers,
            "awaiting": selectors.unions_awaiting_approval(viewer=request.user, org=org)[:200],
            "approvals": selectors.formation_approvals(viewer=request.user)[:100],
            "can_approve": request.user.has_capability("governance.approve", org.path),
            "form": forms.FormationApproveForm(),
        },
    )


@officer_required
@require_POST
def formation_approve(request: ViewerRequest, pk: int) -> HttpResponse:
    union = selectors.org_get(viewer=request.user, pk=pk)
    form = forms.FormationApproveForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: formation.formation_approve(actor=request.user, org=union, **form.cleaned_data),
            _("已记录建会批复"),
            denied=_("建会须由上一级工会批准"),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("governance:formation")
