"""Officers' pages of 合理化建议 (list, entry, record with review/decision/implementation/
reward), campaigns with their rankings, and 座谈会 forums with the items raised."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org_or_none
from gonghui.core.decorators import officer_required
from gonghui.core.pagination import paginate, query_without_page
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import run_service, submit_form
from gonghui.orgs import selectors as org_selectors
from gonghui.voice import selectors
from gonghui.voice.forms.proposals import (
    CampaignForm,
    DecideForm,
    ForumForm,
    ForumItemForm,
    ImplementForm,
    ProposalForm,
    ReviewForm,
    RewardForm,
)
from gonghui.voice.models import Forum, Proposal, ProposalCampaign, ProposalStatus
from gonghui.voice.services import forums, proposals
from gonghui.voice.views.appeals import _require_view


@officer_required
@require_GET
def proposal_list(request: ViewerRequest) -> HttpResponse:
    _require_view(request)
    campaign = request.GET.get("campaign", "")
    qs = proposals.proposal_list(
        viewer=request.user,
        status=request.GET.get("status", "")
        if request.GET.get("status") in ProposalStatus.values
        else "",
        campaign=int(campaign) if campaign.isdigit() and len(campaign) < 12 else None,
    )
    return render(
        request,
        "voice/proposal_list.html",
        {
            "page": paginate(request, qs),
            "params": query_without_page(request),
            "statuses": ProposalStatus.choices,
            "filters": request.GET,
        },
    )


@officer_required
def proposal_new(request: ViewerRequest) -> HttpResponse:
    _require_view(request)
    campaigns = [(c.pk, c.name) for c in proposals.campaign_list(viewer=request.user)[:50]]
    form = ProposalForm(
        request.POST or None,
        initial={"org": getattr(acting_org_or_none(request), "code", "")},
        campaigns=campaigns,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def submit() -> Proposal:
            try:  # a union or a campaign outside the officer's subtree: not theirs to file in
                org = org_selectors.org_for_form(viewer=request.user, code=data.pop("org"))
                pk = data.pop("campaign")
                campaign = proposals.campaign_get(viewer=request.user, pk=pk) if pk else None
            except Http404 as exc:
                raise PermissionDenied from exc
            return proposals.proposal_submit(actor=request.user, org=org, campaign=campaign, **data)

        if done := submit_form(
            request,
            form,
            submit,
            lambda proposal: _("已登记合理化建议 %(no)s") % {"no": proposal.number},
            denied=_("您没有在该工会登记合理化建议的权限"),
            denied_field="org",
        ):
            return redirect(done.value.get_absolute_url())
    return render(request, "voice/form.html", {"form": form, "title": _("登记合理化建议")})


@officer_required
@require_GET
def proposal_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    proposal = proposals.proposal_get(viewer=request.user, pk=pk)
    return render(
        request,
        "voice/proposal_detail.html",
        {
            "p": proposal,
            "reviews": proposal.reviews.all(),
            "steps": selectors.proposal_steps(proposal=proposal),
            "handles": proposals._handles_at(request.user, proposal.org_path),
            "review_form": ReviewForm(),
            "decide_form": DecideForm(),
            "implement_form": ImplementForm(),
            "reward_form": RewardForm(),
        },
    )


PROPOSAL_ACTIONS: dict[str, type[Any]] = {
    "review": ReviewForm,
    "adopt": DecideForm,
    "reject": DecideForm,
    "implement": ImplementForm,
    "reward": RewardForm,
}


@officer_required
@require_POST
def proposal_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    if action not in PROPOSAL_ACTIONS:
        raise Http404
    proposal = proposals.proposal_get(viewer=request.user, pk=pk)
    form = PROPOSAL_ACTIONS[action](request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(proposal.get_absolute_url())
    data, user = form.cleaned_data, request.user
    calls: dict[str, Callable[[], Any]] = {
        "review": lambda: proposals.proposal_review(actor=user, proposal=proposal, **data),
        "adopt": lambda: proposals.proposal_decide(
            actor=user, proposal=proposal, adopt=True, reason=data["reason"]
        ),
        "reject": lambda: proposals.proposal_decide(
            actor=user, proposal=proposal, adopt=False, reason=data["reason"]
        ),
        "implement": lambda: proposals.proposal_implement(actor=user, proposal=proposal, **data),
        "reward": lambda: proposals.proposal_reward(actor=user, proposal=proposal, **data),
    }
    run_service(request, calls[action], _("已办理"), denied=_("只有建议所在工会的干部可以办理"))
    return redirect(proposal.get_absolute_url())


@officer_required
def campaign_list(request: ViewerRequest) -> HttpResponse:
    _require_view(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = acting_org_or_none(request)

        def create() -> ProposalCampaign:
            if org is None:
                raise PermissionDenied
            return proposals.campaign_create(actor=request.user, org=org, **form.cleaned_data)

        if done := submit_form(request, form, create, denied=_("您没有发起活动的权限")):
            return redirect(done.value.get_absolute_url())
    rows = proposals.campaign_list(viewer=request.user)[:100]
    return render(request, "voice/campaign_list.html", {"rows": rows, "form": form})


@officer_required
@require_GET
def campaign_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    campaign = proposals.campaign_get(viewer=request.user, pk=pk)
    return render(
        request,
        "voice/campaign_detail.html",
        {"campaign": campaign, "ranking": proposals.campaign_ranking(campaign=campaign)},
    )


@officer_required
def forum_list(request: ViewerRequest) -> HttpResponse:
    _require_view(request)
    form = ForumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = acting_org_or_none(request)

        def create() -> Forum:
            if org is None:
                raise PermissionDenied
            return forums.forum_create(actor=request.user, org=org, **form.cleaned_data)

        if done := submit_form(request, form, create, denied=_("您没有登记座谈会的权限")):
            return redirect(done.value.get_absolute_url())
    rows = forums.forum_list(viewer=request.user)[:100]
    return render(request, "voice/forum_list.html", {"rows": rows, "form": form})


@officer_required
def forum_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    forum = forums.forum_get(viewer=request.user, pk=pk)
    form = ForumItemForm(request.POST or None)
    if submit_form(
        request,
        form,
        lambda: forums.forum_item_add(actor=request.user, forum=forum, **form.cleaned_data),
        _("已登记并转为跟踪办理"),
        denied=_("您没有办理该座谈会事项的权限"),
    ):
        return redirect(forum.get_absolute_url())
    items = forum.items.select_related("appeal", "proposal")
    return render(
        request, "voice/forum_detail.html", {"forum": forum, "items": items, "form": form}
    )
