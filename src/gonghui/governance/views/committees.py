"""Officers' pages of a union's committees: the union's page (its committees, its next 换届,
the formation rule for its member count, the unions below with their committee state), a
committee with its seats, and the changes of seats and terms."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.views_support import run_service, submit_form
from gonghui.governance import rules, selectors
from gonghui.governance.forms import committees as forms
from gonghui.governance.services import committees as svc
from gonghui.governance.services import terms

VIEW = "governance.view"
MANAGE = "governance.manage"


@officer_required
@require_GET
def index(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    require_capability(request.user, VIEW, org.path)
    members = selectors.union_members(viewer=request.user, org=org)
    count = members.count()
    return render(
        request,
        "governance/index.html",
        {
            "org": org,
            "status": selectors.union_status(viewer=request.user, org=org),
            "committees": selectors.committees_in_office(viewer=request.user, org_path=org.path),
            "history": selectors.committee_history(viewer=request.user, org_path=org.path)[:20],
            "elections": selectors.elections_of(viewer=request.user, org_path=org.path)[:20],
            "member_count": count,
            "formation": rules.formation(count),
            "band": rules.size_band(count),
            "children": selectors.child_unions_status(viewer=request.user, org=org),
            "can_manage": request.user.has_capability(MANAGE, org.path),
            "form": forms.CommitteeForm(members=members),
        },
    )


@officer_required
@require_POST
def committee_new(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    form = forms.CommitteeForm(
        request.POST, members=selectors.union_members(viewer=request.user, org=org)
    )
    data = form.cleaned_data if form.is_valid() else {}

    def register() -> object:
        return svc.committee_register(
            actor=request.user,
            org=org,
            kind=data["kind"],
            chosen_by=data["chosen_by"],
            term_years=data["term_years"],
            took_office_on=data["took_office_on"],
            seats=form.seats(),
            approval_ref=data["approval_ref"],
        )

    if not submit_form(request, form, register, _("委员会已登记")):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("governance:index")


@officer_required
@require_GET
def committee_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    committee = selectors.committee_get(viewer=request.user, pk=pk)
    members = selectors.union_members(viewer=request.user, org=committee.org)
    parent = committee.org.parent
    return render(
        request,
        "governance/committee.html",
        {
            "committee": committee,
            "size": svc.size_check(committee),
            "can_manage": request.user.has_capability(MANAGE, committee.org_path),
            "can_approve": parent is not None
            and request.user.has_capability("governance.approve", parent.path),
            "seat_form": forms.SeatForm(members=members),
            "end_form": forms.SeatEndForm(),
            "postpone_form": forms.PostponeForm(),
        },
    )


def _errors(request: ViewerRequest, form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for error in errors:
            messages.error(request, str(error))


@officer_required
@require_POST
def seat_add(request: ViewerRequest, pk: int) -> HttpResponse:
    committee = selectors.committee_get(viewer=request.user, pk=pk)
    form = forms.SeatForm(
        request.POST, members=selectors.union_members(viewer=request.user, org=committee.org)
    )
    if form.is_valid():
        run_service(
            request,
            lambda: svc.seat_add(actor=request.user, committee=committee, **form.cleaned_data),
            _("已增补"),
        )
    else:
        _errors(request, form)
    return redirect("governance:committee", pk=committee.pk)


@officer_required
@require_POST
def seat_end(request: ViewerRequest, pk: int) -> HttpResponse:
    seat = selectors.seat_get(viewer=request.user, pk=pk)
    form = forms.SeatEndForm(request.POST)
    if form.is_valid():
        result: list[rules.SizeCheck] = []
        if run_service(
            request,
            lambda: result.append(svc.seat_end(actor=request.user, seat=seat, **form.cleaned_data)),
            _("已办理离任"),
        ):
            for reason in result[0].reasons:
                messages.warning(request, reason)
    else:
        _errors(request, form)
    return redirect("governance:committee", pk=seat.committee_id)


@officer_required
@require_POST
def postpone(request: ViewerRequest, pk: int) -> HttpResponse:
    committee = selectors.committee_get(viewer=request.user, pk=pk)
    form = forms.PostponeForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: terms.term_postpone(
                actor=request.user, committee=committee, **form.cleaned_data
            ),
            _("已批准延期换届"),
            denied=_("延期换届须由上级工会批准"),
        )
    else:
        _errors(request, form)
    return redirect("governance:committee", pk=committee.pk)
