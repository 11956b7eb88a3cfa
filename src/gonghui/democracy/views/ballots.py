"""Pages of secret ballots: officers create (for a congress session or any electorate of their
org), name the tellers, open (the tellers' shares are shown once, in the answer to the opening),
close, enter paper tallies, let k tellers type their shares to tally, and publish; voters vote on
the phone and see their receipt once. No page shows who chose what, nor how anyone voted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org, acting_org_or_none
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.views_support import run_service, submit_form
from gonghui.democracy.forms import ballots as forms
from gonghui.democracy.models import APPRAISAL_GRADES, BallotKind, BallotState
from gonghui.democracy.selectors import ballots as selectors
from gonghui.democracy.selectors.ballot_results import ballot_result
from gonghui.democracy.selectors.congress import session_get
from gonghui.democracy.services import ballots as svc

MANAGE = "democracy.manage"


@officer_required
@require_GET
def ballot_list(request: ViewerRequest) -> HttpResponse:
    org = acting_org_or_none(request)
    return render(
        request,
        "democracy/ballots/list.html",
        {
            "ballots": selectors.ballot_list(viewer=request.user)[:200],
            "sessions": selectors.sessions_for_ballots(viewer=request.user)[:50],
            "org": org,
        },
    )


def _create(request: ViewerRequest, form: Any, where: Any, context: dict[str, Any]) -> HttpResponse:
    """Both creation pages: ``where(cleaned_data)`` gives the session or the org's electorate."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if done := submit_form(
            request,
            form,
            lambda: svc.ballot_create(
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                options=form.option_list(),
                seats=data["seats"],
                pass_rule=data["pass_rule"],
                **where(data),
            ),
            _("已建立投票"),
        ):
            return redirect("democracy:ballot_detail", pk=done.value.pk)
    return render(request, "democracy/ballots/create.html", {"form": form, **context})


@officer_required
def ballot_create(request: ViewerRequest, pk: int) -> HttpResponse:
    session = session_get(viewer=request.user, pk=pk)
    require_capability(request.user, MANAGE, session.org_path)
    form = forms.BallotForm(request.POST or None)
    return _create(request, form, lambda _data: {"session": session}, {"session": session})


@officer_required
def ballot_create_org(request: ViewerRequest) -> HttpResponse:
    """A ballot of the acting org's members (会员大会), an employer's staff (职工大会) or a
    named list (民主评议 among colleagues)."""
    org = acting_org(request)
    require_capability(request.user, MANAGE, org.path)
    employers = list(selectors.employers_of(viewer=request.user, org=org)[:500])
    form = forms.OrgBallotForm(request.POST or None, employers=employers)

    def where(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "org": org,
            "electorate": data["electorate"],
            "employer": next((e for e in employers if str(e.pk) == data["employer"]), None),
            "voters": form.voter_list(),
        }

    return _create(request, form, where, {"org": org})


@officer_required
@require_GET
def ballot_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    ballot = selectors.ballot_get(viewer=request.user, pk=pk)
    slots = list(ballot.slots.order_by("name", "pk"))
    caps = request.user.capabilities_at(ballot.org_path)
    tellers = list(ballot.tellers.all())
    return render(
        request,
        "democracy/ballots/detail.html",
        {
            "ballot": ballot,
            "options": ballot.options.all(),
            "slots": slots,
            "voted": sum(1 for s in slots if s.voted),
            "tellers": tellers,
            "preflight": svc.ballot_preflight(ballot) if ballot.state == BallotState.DRAFT else [],
            "result": ballot_result(ballot) if ballot.counted else None,
            "caps": caps,
            "option_form": forms.OptionForm(),
            "teller_form": forms.TellersForm(
                initial={
                    "names": "\n".join(t.name for t in tellers),
                    "needed": ballot.tellers_needed,
                }
            ),
            "further": ballot.further_rounds.first(),
        },
    )


@officer_required
@require_POST
def ballot_tellers(request: ViewerRequest, pk: int) -> HttpResponse:
    ballot = selectors.ballot_get(viewer=request.user, pk=pk)
    form = forms.TellersForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: svc.ballot_tellers_set(
                actor=request.user,
                ballot=ballot,
                names=form.name_list(),
                needed=form.cleaned_data["needed"],
            ),
            _("监票人已指定"),
        )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("democracy:ballot_detail", pk=pk)


@officer_required
@require_POST
def ballot_open(request: ViewerRequest, pk: int) -> HttpResponse:
    """Open the ballot: the answer is the key ceremony sheet, each teller's share shown this
    once (not stored, not cached); reloading shows nothing."""
    ballot = selectors.ballot_get(viewer=request.user, pk=pk)
    try:
        opened = svc.ballot_open(actor=request.user, ballot=ballot)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("democracy:ballot_detail", pk=pk)
    except PermissionDenied:
        messages.error(request, _("您没有办理此项的权限"))
        return redirect("democracy:ballot_detail", pk=pk)
    response = render(
        request,
        "democracy/ballots/shares.html",
        {"ballot": opened.ballot, "shares": opened.shares},
    )
    response["Cache-Control"] = "no-store"
    return response


@officer_required
def ballot_tally(request: ViewerRequest, pk: int) -> HttpResponse:
    """The tellers' tally: k of them type their shares on this screen."""
    ballot = selectors.ballot_get(viewer=request.user, pk=pk)
    require_capability(request.user, MANAGE, ballot.org_path)
    if ballot.state != BallotState.CLOSED:
        raise Http404
    form = forms.TallyForm(request.POST or None, ballot=ballot)
    if submit_form(
        request,
        form,
        lambda: svc.ballot_tally(actor=request.user, ballot=ballot, shares=form.shares()),
        _("计票完成"),
    ):
        return redirect("democracy:ballot_detail", pk=pk)
    response = render(request, "democracy/ballots/tally.html", {"ballot": ballot, "form": form})
    response["Cache-Control"] = "no-store"
    return response


@officer_required
@require_POST
def ballot_option_add(request: ViewerRequest, pk: int) -> HttpResponse:
    ballot = selectors.ballot_get(viewer=request.user, pk=pk)
    form = forms.OptionForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: svc.ballot_option_add(actor=request.user, ballot=ballot, **form.cleaned_data),
            _("已添加"),
        )
    else:
        messages.error(request, _("请填写姓名"))
    return redirect("democracy:ballot_detail", pk=pk)


@officer_required
@require_POST
def ballot_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    ballot = selectors.ballot_get(viewer=request.user, pk=pk)
    services: dict[str, tuple[Any, str]] = {
        "freeze": (svc.ballot_freeze, _("投票人名单已确定")),
        "close": (svc.ballot_close, _("投票结束")),
        "publish": (svc.ballot_publish, _("结果已公布")),
        "further": (svc.ballot_further_round, _("已建立另行选举")),
    }
    if action not in services:
        raise Http404
    service, success = services[action]
    result: dict[str, Any] = {}

    def run() -> None:
        result["r"] = service(actor=request.user, ballot=ballot)

    if run_service(request, run, success) and action == "further":
        return redirect("democracy:ballot_detail", pk=result["r"].pk)
    return redirect("democracy:ballot_detail", pk=pk)


@officer_required
def ballot_paper(request: ViewerRequest, pk: int) -> HttpResponse:
    """Paper ballots: mark who handed one in, then enter the counted totals."""
    ballot = selectors.ballot_get(viewer=request.user, pk=pk)
    require_capability(request.user, MANAGE, ballot.org_path)
    data = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "")
    mark = forms.PaperMarkForm(data if which == "mark" else None, ballot=ballot)
    tally = forms.PaperTallyForm(data if which == "tally" else None, ballot=ballot)
    if which == "mark" and mark.is_valid():
        ids = [int(d) for d in mark.cleaned_data["voters"]]
        if run_service(
            request,
            lambda: svc.ballot_paper_mark(actor=request.user, ballot=ballot, slot_ids=ids),
            _("已登记纸质投票"),
        ):
            return redirect("democracy:ballot_paper", pk=pk)
    if which == "tally" and tally.is_valid():
        values = {k: tally.cleaned_data[k] for k in ("returned", "invalid")}
        if submit_form(
            request,
            tally,
            lambda: svc.ballot_paper_tally(
                actor=request.user,
                ballot=ballot,
                scrutineers=tally.cleaned_data["scrutineers"],
                counters=tally.cleaned_data["counters"],
                signed_off=tally.cleaned_data["signed_off"],
                counts=tally.counts(),
                **values,
            ),
            _("已录入纸质选票计票结果"),
        ):
            return redirect("democracy:ballot_detail", pk=pk)
    return render(
        request,
        "democracy/ballots/paper.html",
        {
            "ballot": ballot,
            "mark": mark,
            "tally": tally,
            "paper_count": ballot.paper_voters,
            "entered": ballot.paper_tallies.first(),
        },
    )


@officer_required
@require_GET
def ballot_sheet(request: ViewerRequest, pk: int) -> HttpResponse:
    """Printable result sheet: totals, the rule with its numbers, the tellers and the hash."""
    ballot = selectors.ballot_get(viewer=request.user, pk=pk)
    if not ballot.counted:
        raise Http404
    return render(
        request,
        "democracy/ballots/sheet.html",
        {
            "ballot": ballot,
            "result": ballot_result(ballot),
            "paper": ballot.paper_tallies.first(),
            "tellers": ballot.tellers.all(),
        },
    )


@officer_required
def ballot_rule(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    current = svc.ballot_rule_for(org)
    form = forms.BallotRuleForm(request.POST or None, instance=current if current.pk else None)
    if submit_form(
        request,
        form,
        lambda: svc.ballot_rule_save(actor=request.user, org=org, **form.cleaned_data),
        _("投票规则已保存"),
        denied=_("您没有设置本级规则的权限"),
    ):
        return redirect("democracy:ballot_rule")
    return render(
        request, "democracy/ballots/rule.html", {"form": form, "org": org, "current": current}
    )


# --- phone ---------------------------------------------------------------------------------------


@login_required
@require_GET
def m_ballots(request: ViewerRequest) -> HttpResponse:
    return render(
        request,
        "democracy/ballots/m_list.html",
        {"ballots": selectors.member_ballots(user=request.user)[:50]},
    )


def _read_choice(request: ViewerRequest, kind: str, codes: list[str]) -> Any:
    if kind == BallotKind.DECISION:
        return request.POST.get("choice", "")
    if kind == BallotKind.ELECTION:
        return request.POST.getlist("choice")
    return {c: request.POST.get(f"g_{c}", "") for c in codes}


@login_required
def m_ballot(request: ViewerRequest, pk: int) -> HttpResponse:
    """Vote. The receipt is rendered in the answer to the POST and never again."""
    ballot, slot = selectors.member_ballot_get(user=request.user, pk=pk)
    options = list(ballot.options.all())
    if request.method == "POST":
        choice = _read_choice(request, ballot.kind, [o.code for o in options])
        try:
            code = svc.ballot_cast(actor=request.user, ballot=ballot, choice=choice)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("democracy_m:ballot", pk=pk)
        response = render(
            request, "democracy/ballots/m_receipt.html", {"ballot": ballot, "code": code}
        )
        response["Cache-Control"] = "no-store"
        return response
    published = ballot.state == BallotState.PUBLISHED
    return render(
        request,
        "democracy/ballots/m_vote.html",
        {
            "ballot": ballot,
            "slot": slot,
            "options": options,
            "grades": APPRAISAL_GRADES,
            "can_vote": ballot.state == BallotState.OPEN and slot is not None and not slot.voted,
            "teller": ballot.tellers.filter(account_id=getattr(request.user, "pk", None)).first(),
            "result": ballot_result(ballot) if published else None,
        },
    )


@login_required
def m_ballot_published(request: ViewerRequest, pk: int) -> HttpResponse:
    """The published totals, trackers and hash, and a receipt check."""
    ballot, _slot = selectors.member_ballot_get(user=request.user, pk=pk)
    if ballot.state != BallotState.PUBLISHED:
        raise Http404
    code = request.POST.get("code", "").strip().upper() if request.method == "POST" else ""
    return render(
        request,
        "democracy/ballots/m_published.html",
        {
            "ballot": ballot,
            "code": code,
            "found": svc.receipt_check(ballot, code) if code else None,
        },
    )
