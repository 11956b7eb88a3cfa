"""Officers' pages: the appeals list with filters and export, entering an appeal on a worker's
behalf, the record with its trail and actions, the printable 答复函, the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org_or_none
from gonghui.core.decorators import officer_required
from gonghui.core.exporting import export_response, export_start
from gonghui.core.pagination import paginate, query_without_page
from gonghui.core.replicas import replica_view
from gonghui.core.scoping import ViewerRequest, holds_anywhere
from gonghui.core.views_support import run_service, submit_form
from gonghui.orgs import selectors as org_selectors
from gonghui.voice import reports, selectors
from gonghui.voice.forms.appeals import (
    AppealEnterForm,
    AppealFilterForm,
    OpinionForm,
    ReasonForm,
    ReferForm,
    ReplyForm,
    TransferForm,
)
from gonghui.voice.models import Appeal, AppealKind, AppealStatus, Channel
from gonghui.voice.services import appeals as services


def _filters(request: ViewerRequest) -> selectors.AppealFilters:
    form = AppealFilterForm(request.GET)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    org_path = ""
    if data.get("org"):  # a subtree of the viewer's scope (outside it: 404)
        org_path = org_selectors.org_get(viewer=request.user, code=data["org"].upper()).path
    return selectors.AppealFilters(
        org_path=org_path,
        query=data.get("q") or "",
        status=data.get("status") or "",
        category=data.get("category") or "",
        channel=data.get("channel") or "",
        kind=data.get("kind") or "",
        overdue=bool(data.get("overdue")),
        since=data.get("since"),
        until=data.get("until"),
    )


def _require_view(request: ViewerRequest) -> None:
    if not holds_anywhere(request.user, "voice.view"):
        raise PermissionDenied("voice.view")


@officer_required
@require_GET
def appeal_list(request: ViewerRequest) -> HttpResponse:
    _require_view(request)
    filters = _filters(request)
    if request.GET.get("format") in ("xlsx", "csv"):
        acting = acting_org_or_none(request)
        result = export_start(
            reports.AppealExporter(
                viewer=request.user,
                status=filters.status,
                category=filters.category,
                channel=filters.channel,
                kind=filters.kind,
            ),
            org_path=acting.path if acting else "",
            file_format=request.GET["format"],
        )
        if isinstance(result, HttpResponse):
            return result
        messages.info(request, _("导出任务已开始，完成后可在导出任务中下载"))
        return redirect("voice:list")
    page = paginate(request, selectors.appeal_list(viewer=request.user, filters=filters))
    return render(
        request,
        "voice/list.html",
        {
            "page": page,
            "params": query_without_page(request),
            "filters": request.GET,
            "statuses": AppealStatus.choices,
            "channels": Channel.choices,
            "kinds": AppealKind.choices,
            "categories": selectors.active_categories(),
            "today": timezone.localdate(),
        },
    )


@officer_required
def appeal_enter(request: ViewerRequest) -> HttpResponse:
    """Register a hotline call, a letter or a box slip on a worker's behalf."""
    _require_view(request)
    acting = acting_org_or_none(request)
    form = AppealEnterForm(
        request.POST or None, request.FILES or None, initial={"org": acting.code if acting else ""}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def enter() -> Appeal:
            org = org_selectors.org_for_form(viewer=request.user, code=data.pop("org"))
            attachment = data.pop("attachment")
            return services.appeal_enter(
                actor=request.user,
                org=org,
                attachments=[attachment] if attachment else [],
                **data,
            )

        if done := submit_form(
            request,
            form,
            enter,
            lambda appeal: _("已登记诉求 %(no)s") % {"no": appeal.number},
            denied=_("您没有在该工会登记诉求的权限"),
            denied_field="org",
        ):
            return redirect(done.value.get_absolute_url())
    return render(request, "voice/form.html", {"form": form, "title": _("代为登记诉求")})


@officer_required
@require_GET
def appeal_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(viewer=request.user, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "voice/detail.html",
        {
            "appeal": appeal,
            "steps": selectors.appeal_steps(appeal=appeal),
            "attachments": appeal.attachments.all(),
            "handles": services.handles(request.user, appeal)
            and not services.escalation_due(appeal, today),
            "escalation_due": services.escalation_due(appeal, today),
            "today": today,
            # One page, several forms with a ``reason`` field: each its own element ids.
            "opinion_form": OpinionForm(auto_id="accept_%s"),
            "reason_form": ReasonForm(auto_id="decline_%s"),
            "transfer_form": TransferForm(auto_id="transfer_%s"),
            "refer_form": ReferForm(auto_id="refer_%s"),
            "reply_form": ReplyForm(auto_id="reply_%s"),
        },
    )


def _act(request: ViewerRequest, pk: int, call: Callable[[], Any], done: str) -> HttpResponse:
    run_service(request, call, done, denied=_("只有承办工会的干部可以办理；逾期件已移交上级工会"))
    return redirect("voice:detail", pk=pk)


ACTIONS = ("accept", "decline", "transfer", "refer", "reply")


@officer_required
@require_POST
def appeal_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    appeal = selectors.appeal_get(viewer=request.user, pk=pk)
    post, user = request.POST, request.user
    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "accept": (
            lambda: services.appeal_accept(
                actor=user, appeal=appeal, opinion=post.get("opinion", "")
            ),
            _("已受理"),
        ),
        "decline": (
            lambda: services.appeal_decline(
                actor=user, appeal=appeal, reason=post.get("reason", "")
            ),
            _("已不予受理"),
        ),
        "transfer": (
            lambda: services.appeal_transfer(
                actor=user,
                appeal=appeal,
                to_code=post.get("to_code", ""),
                reason=post.get("reason", ""),
            ),
            _("已转办"),
        ),
        "refer": (
            lambda: services.appeal_refer(
                actor=user,
                appeal=appeal,
                department=post.get("department", ""),
                reason=post.get("reason", ""),
            ),
            _("已转交部门"),
        ),
        "reply": (
            lambda: services.appeal_reply(actor=user, appeal=appeal, reply=post.get("reply", "")),
            _("已答复"),
        ),
    }
    call, done = calls[action]
    return _act(request, pk, call, done)


@officer_required
@require_GET
def reply_letter(request: ViewerRequest, pk: int) -> HttpResponse:
    """The printable 答复函."""
    appeal = selectors.appeal_get(viewer=request.user, pk=pk)
    if appeal.status not in (AppealStatus.REPLIED, AppealStatus.CLOSED):
        raise Http404
    return render(request, "voice/reply_letter.html", {"appeal": appeal})


@officer_required
@require_GET
def attachment(request: ViewerRequest, pk: int, fid: int) -> HttpResponse:
    appeal = selectors.appeal_get(viewer=request.user, pk=pk)
    item = appeal.attachments.filter(pk=fid).first()
    if item is None:
        raise Http404
    return FileResponse(  # type: ignore[return-value]
        services.attachment_open(actor=request.user, appeal=appeal, attachment=item),
        as_attachment=True,
        filename=item.name,
    )


@officer_required
@require_GET
@replica_view
def report(request: ViewerRequest) -> HttpResponse:
    _require_view(request)
    filters = _filters(request)
    if request.GET.get("format") in ("xlsx", "csv"):
        exporter = reports.ReportExporter(
            viewer=request.user,
            since=filters.since.isoformat() if filters.since else "",
            until=filters.until.isoformat() if filters.until else "",
            org_path=filters.org_path,
        )
        return export_response(exporter, request.GET["format"])
    result = reports.appeal_report(viewer=request.user, filters=filters)
    return render(request, "voice/report.html", {"report": result, "filters": request.GET})
