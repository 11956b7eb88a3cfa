"""Officers' pages of 换届选举: request, the election's page with the step its state allows, and
the steps themselves (each a POST through its service)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import registry
from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import run_service
from gonghui.governance import selectors
from gonghui.governance.forms import committees as forms
from gonghui.governance.models import ElectionState
from gonghui.governance.services import elections as svc

ACTIONS: dict[str, type[Any]] = {
    "approve": forms.ApproveForm,
    "method": forms.MethodForm,
    "nominate": forms.NominateForm,
    "preselect": forms.EmptyForm,
    "open_vote": forms.TellersForm,
    "count": forms.CountForm,
    "report": forms.EmptyForm,
    "confirm": forms.ConfirmForm,
    "cancel": forms.CancelForm,
}


@officer_required
@require_POST
def election_request(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    done: list[Any] = []
    if run_service(
        request,
        lambda: done.append(svc.election_request(actor=request.user, org=org)),
        _("已向上级工会申请换届"),
    ):
        return redirect("governance:election", pk=done[0].pk)
    return redirect("governance:index")


@officer_required
@require_GET
def election_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(viewer=request.user, pk=pk)
    members = selectors.union_members(viewer=request.user, org=election.org)
    parent = election.org.parent
    ballot_url = ""
    if election.ballot_id and election.state == ElectionState.VOTING:
        ballot_url = registry.ballot_engine().url(election.ballot_id)
    return render(
        request,
        "governance/election.html",
        {
            "election": election,
            "candidates": selectors.candidates_of(election),
            "can_manage": request.user.has_capability("governance.manage", election.org_path),
            "can_approve": parent is not None
            and request.user.has_capability("governance.approve", parent.path),
            "ballot_url": ballot_url,
            "approve_form": forms.ApproveForm(),
            "method_form": forms.MethodForm(),
            "nominate_form": forms.NominateForm(members=members),
            "tellers_form": forms.TellersForm(),
            "count_form": forms.CountForm(),
            "confirm_form": forms.ConfirmForm(),
            "cancel_form": forms.CancelForm(),
        },
    )


@officer_required
@require_POST
def election_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    election = selectors.election_get(viewer=request.user, pk=pk)
    if action == "nominate":
        form = forms.NominateForm(
            request.POST, members=selectors.union_members(viewer=request.user, org=election.org)
        )
    else:
        form = ACTIONS[action](request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("governance:election", pk=election.pk)
    data, user = form.cleaned_data, request.user
    calls: dict[str, Callable[[], Any]] = {
        "approve": lambda: svc.election_approve(actor=user, election=election, **data),
        "method": lambda: svc.election_adopt_method(
            actor=user,
            election=election,
            electorate=data["electorate"],
            seats=data["seats"],
            term_years=data["term_years"],
            delegate_names=data["delegate_names"].splitlines(),
        ),
        "nominate": lambda: svc.candidate_nominate(actor=user, election=election, **data),
        "preselect": lambda: svc.election_preselect(
            actor=user,
            election=election,
            passed=[int(v) for v in request.POST.getlist("passed") if v.isdigit()],
        ),
        "open_vote": lambda: svc.election_open_vote(
            actor=user, election=election, tellers=data["tellers"].splitlines()
        ),
        "count": lambda: svc.election_count(actor=user, election=election, **data),
        "report": lambda: svc.election_report(actor=user, election=election),
        "confirm": lambda: svc.election_confirm(actor=user, election=election, **data),
        "cancel": lambda: svc.election_cancel(actor=user, election=election, **data),
    }
    run_service(request, calls[action], _("已办理"), denied=_("您没有办理此项的权限"))
    return redirect("governance:election", pk=election.pk)
