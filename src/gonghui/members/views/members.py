"""Officers' pages of the member registry: list and search, registration, record, 会籍 changes,
transfers with their printable letter, cards, the printable roster."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import dicts
from gonghui.core.acting import acting_org_or_none
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.search_tokens import resolve_search, search_query
from gonghui.core.views_support import run_service, submit_form
from gonghui.members import selectors
from gonghui.members.forms import (
    MemberFilterForm,
    MemberRegisterForm,
    ReasonForm,
    StatusChangeForm,
    TransferIssueForm,
)
from gonghui.members.models import Member, TransferStatus
from gonghui.members.services import applications, cards
from gonghui.members.services import members as services
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import GRASSROOTS_KINDS

PAGE_SIZE = 50


def _filters(request: ViewerRequest) -> tuple[selectors.MemberFilters, int | None]:
    given, expired = resolve_search(request, request.GET)
    if expired:
        messages.warning(request, _("查询已过期（证件号码、手机号码的查询保留30分钟），请重新查询"))
    form = MemberFilterForm(given)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    org = None
    if data.get("org"):
        org = org_selectors.org_get(viewer=request.user, code=data["org"].upper())
    migrant = {"1": True, "0": False}.get(data.get("migrant_worker") or "")
    filters = selectors.MemberFilters(
        query=data.get("q") or "",
        org=org,
        status=data.get("status") or "",
        gender=data.get("gender") or "",
        household_type=data.get("household_type") or "",
        new_employment=data.get("new_employment") or "",
        migrant_worker=migrant,
        age_band=data.get("age_band") or "",
        employer_id=data.get("employer"),
    )
    return filters, data.get("after")


@officer_required
@require_http_methods(["GET", "POST"])
def member_list(request: ViewerRequest) -> HttpResponse:
    """The search form is POSTed: a full ID or phone number goes into a short-lived token, so
    the URL (and the access log, the history, the export links) never holds it."""
    data = request.POST if request.method == "POST" else request.GET
    query = search_query(request, data, secret=selectors.query_is_personal)
    if query is not None:
        return redirect(f"{reverse('members:list')}?{query.urlencode()}")
    filters, after = _filters(request)
    rows, next_after = selectors.member_page(
        viewer=request.user, filters=filters, after_id=after, size=PAGE_SIZE
    )
    params = request.GET.copy()
    params.pop("after", None)
    return render(
        request,
        "members/list.html",
        {
            "rows": rows,
            "next_after": next_after,
            "params": params.urlencode(),
            "filters": resolve_search(request, request.GET)[0],
            "first_page": after is None,
            "age_bands": list(selectors.AGE_BANDS),
            "household_types": dicts.choices("household_type"),
            "new_employment": dicts.choices("new_employment"),
            **_roster_actions(request, filters),
        },
    )


def _roster_actions(request: ViewerRequest, filters: selectors.MemberFilters) -> dict[str, Any]:
    """Which of import / export / unmasked export the viewer may use on this list."""
    org = filters.org or acting_org_or_none(request)
    if org is None:
        return {}
    user = request.user
    return {
        "import_org": org.code if user.has_capability("members.manage", org.path) else "",
        "can_export": user.has_capability("members.export", org.path),
        "can_reveal": user.has_capability("members.export", org.path)
        and user.has_capability("reveal_pii", org.path),
    }


@officer_required
def member_register(request: ViewerRequest) -> HttpResponse:
    org = acting_org_or_none(request)
    acting = org.code if org is not None and org.kind in GRASSROOTS_KINDS else ""
    form = MemberRegisterForm(request.POST or None, initial={"union": acting})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def register() -> Member:
            data["union"] = org_selectors.org_for_form(viewer=request.user, code=data["union"])
            return services.member_register(actor=request.user, **data)

        if done := submit_form(
            request,
            form,
            register,
            lambda member: _("已登记会员：%(name)s") % {"name": member.name},
            denied=_("您没有在该工会登记会员的权限"),
            denied_field="union",
        ):
            return redirect("members:detail", pk=done.value.pk)
    return render(request, "members/form.html", {"form": form, "title": _("登记会员")})


@officer_required
@require_GET
def member_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(viewer=request.user, pk=pk)
    caps = request.user.capabilities_at(member.org_path)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "caps": caps,
            "history": selectors.member_history(viewer=request.user, member=member),
            "cards": member.cards.all(),
            "transfers": member.transfers.select_related("to_union", "from_union")[:10],
            "status_form": StatusChangeForm(),
            "transfer_form": TransferIssueForm(),
            "card_form": ReasonForm(),
        },
    )


@officer_required
@require_POST
def member_reveal(request: ViewerRequest, pk: int, field: str) -> HttpResponse:
    """htmx: one unmasked value, audited (DESIGN.md rule 3)."""
    if field not in ("id_number", "phone"):
        raise Http404
    member = selectors.member_get(viewer=request.user, pk=pk)
    value = services.member_reveal(actor=request.user, member=member, field=field)
    return render(request, "members/detail.html#revealed", {"value": value})


def _after_action(request: ViewerRequest, pk: int, action: Any, success: str) -> HttpResponse:
    run_service(request, action, success)
    return redirect("members:detail", pk=pk)


@officer_required
@require_POST
def member_status(request: ViewerRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(viewer=request.user, pk=pk)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要办理的事项"))
        return redirect("members:detail", pk=pk)
    return _after_action(
        request,
        pk,
        lambda: services.member_change_status(
            actor=request.user,
            member=member,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        ),
        _("已办理"),
    )


@officer_required
@require_POST
def member_card_replace(request: ViewerRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(viewer=request.user, pk=pk)
    return _after_action(
        request,
        pk,
        lambda: cards.card_replace(
            actor=request.user, member=member, reason=request.POST.get("reason", "")
        ),
        _("已补卡，原卡作废"),
    )


@officer_required
@require_POST
def member_batch(request: ViewerRequest) -> HttpResponse:
    """The same 会籍 change for the members ticked on the list (all or none)."""
    ids = [int(i) for i in request.POST.getlist("member") if i.isdigit()]
    members = list(
        selectors.member_list(viewer=request.user, filters=selectors.MemberFilters()).filter(
            pk__in=ids
        )
    )
    if request.POST.get("action") == "transfer":
        return _batch_transfer(request, members)
    form = StatusChangeForm(request.POST)
    if not members or not form.is_valid():
        messages.error(request, _("请勾选会员并选择要办理的事项"))
    else:
        try:
            count = services.members_change_status_batch(
                actor=request.user,
                members=members,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已为%(n)d名会员办理") % {"n": count})
    return redirect(request.META.get("HTTP_REFERER") or "members:list")


def _batch_transfer(request: ViewerRequest, members: list[Member]) -> HttpResponse:
    target = org_selectors.directory_get(code=request.POST.get("to_union", ""))
    try:
        if not members:
            raise ValidationError(_("请勾选会员"))
        if target is None:
            raise ValidationError(_("组织目录中没有这个编码"))
        issued = services.transfers_issue_batch(
            actor=request.user,
            members=members,
            to_union=target,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已为%(n)d名会员开具转会") % {"n": len(issued)})
    return redirect("members:transfer_list")


@officer_required
def transfer_issue(request: ViewerRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(viewer=request.user, pk=pk)
    form = TransferIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from gonghui.orgs.selectors import directory_search

        target = next(
            iter(directory_search(query=form.cleaned_data["to_union"].upper(), limit=1)), None
        )
        if target is None or target.code != form.cleaned_data["to_union"].upper():
            form.add_error("to_union", _("组织目录中没有这个编码"))
        elif done := submit_form(
            request,
            form,
            lambda: services.transfer_issue(
                actor=request.user,
                member=member,
                to_union=target,
                reason=form.cleaned_data["reason"],
            ),
            _("已开具转会，待%(org)s接收") % {"org": target.name},
        ):
            return redirect("members:transfer_letter", pk=done.value.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "title": _("办理转会：%(name)s") % {"name": member.name}},
    )


@officer_required
@require_GET
def transfer_list(request: ViewerRequest) -> HttpResponse:
    direction = request.GET.get("direction", "in")
    rows = selectors.transfer_list(viewer=request.user, direction=direction)
    if request.GET.get("open", "1") == "1":
        rows = rows.filter(status=TransferStatus.ISSUED)
    return render(
        request,
        "members/transfers.html",
        {"rows": rows[:200], "direction": direction, "reason_form": ReasonForm()},
    )


@officer_required
@require_POST
def transfer_decide(request: ViewerRequest, pk: int, decision: str) -> HttpResponse:
    transfer = selectors.transfer_get(viewer=request.user, pk=pk)
    actions = {
        "accept": lambda: services.transfer_accept(actor=request.user, transfer=transfer),
        "reject": lambda: services.transfer_reject(
            actor=request.user, transfer=transfer, note=request.POST.get("reason", "")
        ),
        "cancel": lambda: services.transfer_cancel(actor=request.user, transfer=transfer),
    }
    if decision not in actions:
        raise Http404
    run_service(request, actions[decision], _("已处理转会"))
    return redirect("members:transfer_list")


@officer_required
@require_GET
def transfer_letter(request: ViewerRequest, pk: int) -> HttpResponse:
    """The printable 会员组织关系接转介绍信."""
    transfer = selectors.transfer_get(viewer=request.user, pk=pk)
    return render(request, "members/transfer_letter.html", {"transfer": transfer})


@officer_required
@require_GET
def roster(request: ViewerRequest, code: str) -> HttpResponse:
    """The printable 会员花名册 of an org's subtree (masked; at most 5,000 rows per print)."""
    org = org_selectors.org_get(viewer=request.user, code=code)
    require_capability(request.user, "members.view", org.path)
    rows = selectors.member_list(
        viewer=request.user, filters=selectors.MemberFilters(org=org)
    ).order_by("org_path", "name")
    return render(request, "members/roster.html", {"org": org, "rows": rows[:5000]})


# --- 入会申请 ---------------------------------------------------------------------------------


@officer_required
@require_GET
def application_list(request: ViewerRequest) -> HttpResponse:
    rows = applications.application_list(viewer=request.user)
    return render(
        request, "members/applications.html", {"rows": rows[:200], "reason_form": ReasonForm()}
    )


@officer_required
@require_POST
def application_decide(request: ViewerRequest, pk: int, decision: str) -> HttpResponse:
    application = applications.application_get(viewer=request.user, pk=pk)
    if decision not in ("approve", "reject"):
        raise Http404
    run_service(
        request,
        lambda: (
            applications.join_approve(actor=request.user, application=application)
            if decision == "approve"
            else applications.join_reject(
                actor=request.user, application=application, reason=request.POST.get("reason", "")
            )
        ),
        _("已处理入会申请"),
    )
    return redirect("members:applications")
