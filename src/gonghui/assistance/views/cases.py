"""Officers' pages of the hardship archive: list, application, the case with its computation,
history and actions, attachments served only through a scoped view, audited reveals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.assistance import reports, selectors
from gonghui.assistance.forms import (
    AttachmentForm,
    CaseEditForm,
    CaseFilterForm,
    CaseForm,
    CloseForm,
    IncomeForm,
    IncomeSourceForm,
    ObjectionForm,
    OpinionForm,
    OverrideForm,
    PersonForm,
    RecordForm,
)
from gonghui.assistance.models import CaseStatus, HardshipCase
from gonghui.assistance.services import archive, funds
from gonghui.assistance.services import cases as services
from gonghui.core.acting import acting_org_or_none
from gonghui.core.audit import audit_record
from gonghui.core.decorators import officer_required
from gonghui.core.exporting import export_response
from gonghui.core.scoping import ViewerRequest, require_capability, within
from gonghui.core.views_support import run_service, submit_form
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import GRASSROOTS_KINDS


@officer_required
@require_GET
def case_list(request: ViewerRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = selectors.case_list(
        viewer=request.user,
        q=data.get("q") or "",
        status=data.get("status") or "",
        category=data.get("category") or "",
    )
    return render(
        request,
        "assistance/case_list.html",
        {"rows": rows[:200], "form": form, "filters": request.GET},
    )


@officer_required
@require_GET
def case_export(request: ViewerRequest) -> HttpResponse:
    """The masked archive of the viewer's scope as Excel or CSV."""
    exporter = reports.CaseExporter(viewer=request.user, status=request.GET.get("status", ""))
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(exporter, file_format)


@officer_required
def case_create(request: ViewerRequest) -> HttpResponse:
    org = acting_org_or_none(request)
    acting = org.code if org is not None and org.kind in GRASSROOTS_KINDS else ""
    form = CaseForm(request.POST or None, initial={"org": acting, "area": "urban"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def create() -> HardshipCase:
            org = org_selectors.org_for_form(viewer=request.user, code=data.pop("org"))
            return services.case_create(actor=request.user, org=org, **data)

        if done := submit_form(
            request,
            form,
            create,
            lambda case: _("已登记困难职工申请：%(name)s") % {"name": case.name},
            denied=_("您没有在该工会办理帮扶的权限"),
            denied_field="org",
        ):
            return redirect("assistance:detail", pk=done.value.pk)
    return render(request, "assistance/form.html", {"form": form, "title": _("登记困难职工申请")})


@officer_required
def case_edit(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    require_capability(request.user, "assistance.manage", case.org_path)
    initial = {f: getattr(case, f) for f in services.EDITABLE}
    form = CaseEditForm(request.POST or None, initial=initial)
    if submit_form(
        request,
        form,
        lambda: services.case_update(actor=request.user, case=case, **form.cleaned_data),
        _("已更新家庭情况并重新测算"),
    ):
        return redirect("assistance:detail", pk=pk)
    return render(
        request,
        "assistance/form.html",
        {"form": form, "title": _("修改家庭情况：%(name)s") % {"name": case.name}},
    )


@officer_required
@require_GET
def case_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    caps = request.user.capabilities_at(case.org_path)
    record_form = RecordForm()
    fund_field: Any = record_form.fields["fund"]
    fund_field.choices = [
        (f.pk, f"{f.name}（{f.org.name}，{f.balance}）")
        for f in selectors.fund_list(viewer=request.user)
        if within(case.org_path, f.org_path)
    ]
    campaign_field: Any = record_form.fields["campaign"]
    campaign_field.choices = [("", "—")] + [
        (c.pk, c.name) for c in selectors.campaign_list(viewer=request.user)
    ]
    return render(
        request,
        "assistance/case_detail.html",
        {
            "case": case,
            "caps": caps,
            "can_approve": _can_approve(request, case),
            # Health, disability and schooling are sensitive (rule 3): the case's own union
            # sees them; upper levels see them only with reveal_pii.
            "show_sensitive": "reveal_pii" in caps
            or any(p.org_path == case.org_path for p in getattr(request.user, "active_posts", [])),
            "steps": selectors.case_steps(case=case),
            "persons": case.persons.all(),
            "incomes": case.incomes.all(),
            "attachments": case.attachments.all(),
            "monthly": case.monthly.order_by("-month")[:12],
            "objections": case.objections.all(),
            "records": case.records.select_related("fund", "campaign", "org")[:50],
            "opinion_form": OpinionForm(),
            "override_form": OverrideForm(initial={"category": case.category}),
            "objection_form": ObjectionForm(),
            "income_form": IncomeForm(),
            "close_form": CloseForm(),
            "attachment_form": AttachmentForm(),
            "person_form": PersonForm(),
            "source_form": IncomeSourceForm(),
            "record_form": record_form,
            "statuses": CaseStatus,
        },
    )


def _can_approve(request: ViewerRequest, case: Any) -> bool:
    try:
        services.approving_org(request.user, case)
    except PermissionDenied:
        return False
    return True


def _act(request: ViewerRequest, pk: int, action: Callable[[], Any], success: str) -> HttpResponse:
    run_service(request, action, success)
    return redirect("assistance:detail", pk=pk)


STEP_ACTIONS = {
    "visit",
    "pass",
    "fail",
    "publicity",
    "approve",
    "reject",
    "exit",
    "keep",
    "propose_exit",
}


@officer_required
@require_POST
def case_step(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step with its opinion (走访, 审核, 公示期满, 审批, 解困脱困)."""
    if action not in STEP_ACTIONS:
        raise Http404
    case = selectors.case_get(viewer=request.user, pk=pk)
    opinion = request.POST.get("opinion", "").strip()
    user = request.user
    calls: dict[str, Callable[[], Any]] = {
        "visit": lambda: services.case_visit(
            actor=user, case=case, opinion=opinion, visitors=request.POST.get("visitors", "")
        ),
        "pass": lambda: services.case_review(
            actor=user,
            case=case,
            passed=True,
            opinion=opinion,
            publicity_days=int(
                request.POST.get("publicity_days") or services.DEFAULT_PUBLICITY_DAYS
            ),
        ),
        "fail": lambda: services.case_review(actor=user, case=case, passed=False, opinion=opinion),
        "publicity": lambda: services.case_end_publicity(actor=user, case=case, opinion=opinion),
        "approve": lambda: services.case_approve(
            actor=user, case=case, approved=True, opinion=opinion
        ),
        "reject": lambda: services.case_approve(
            actor=user, case=case, approved=False, opinion=opinion
        ),
        "exit": lambda: archive.case_exit_decide(
            actor=user, case=case, confirm=True, opinion=opinion
        ),
        "keep": lambda: archive.case_exit_decide(
            actor=user, case=case, confirm=False, opinion=opinion
        ),
        "propose_exit": lambda: archive.case_propose_exit(actor=user, case=case, opinion=opinion),
    }
    return _act(request, pk, calls[action], _("已办理"))


@officer_required
@require_POST
def case_override(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    return _act(
        request,
        pk,
        lambda: services.case_override(
            actor=request.user,
            case=case,
            category=request.POST.get("category", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("已调整困难类别"),
    )


@officer_required
@require_POST
def case_objection(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    return _act(
        request,
        pk,
        lambda: services.case_objection(
            actor=request.user,
            case=case,
            content=request.POST.get("content", ""),
            upheld=request.POST.get("upheld") == "on",
            handling=request.POST.get("handling", ""),
        ),
        _("已登记异议"),
    )


@officer_required
@require_POST
def case_income(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    form = IncomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写月份和月人均收入"))
        return redirect("assistance:detail", pk=pk)
    return _act(
        request,
        pk,
        lambda: archive.case_record_income(actor=request.user, case=case, **form.cleaned_data),
        _("已记录月度收入"),
    )


@officer_required
@require_POST
def case_close(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    return _act(
        request,
        pk,
        lambda: archive.case_close(
            actor=request.user,
            case=case,
            reason=request.POST.get("reason", ""),
            opinion=request.POST.get("opinion", ""),
        ),
        _("已销档"),
    )


@officer_required
@require_POST
def case_person(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    form = PersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写家庭成员的姓名和关系"))
        return redirect("assistance:detail", pk=pk)
    return _act(
        request,
        pk,
        lambda: services.person_add(actor=request.user, case=case, **form.cleaned_data),
        _("已添加家庭成员"),
    )


@officer_required
@require_POST
def case_income_source(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    form = IncomeSourceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写收入来源和年收入"))
        return redirect("assistance:detail", pk=pk)
    return _act(
        request,
        pk,
        lambda: services.income_source_add(actor=request.user, case=case, **form.cleaned_data),
        _("已添加收入来源"),
    )


@officer_required
@require_POST
def case_attach(request: ViewerRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择材料类型和文件"))
        return redirect("assistance:detail", pk=pk)
    return _act(
        request,
        pk,
        lambda: services.attachment_add(
            actor=request.user,
            case=case,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        ),
        _("已上传材料"),
    )


@officer_required
@require_GET
def attachment_download(request: ViewerRequest, pk: int) -> HttpResponse:
    """Proof documents are personal data: only through this scoped view, and audited."""
    attachment = selectors.attachment_get(viewer=request.user, pk=pk)
    require_capability(request.user, "assistance.view", attachment.org_path)
    audit_record(
        action="assistance.attachment.viewed",
        actor=request.user,
        target=attachment,
        org_path=attachment.org_path,
        after={"kind": attachment.kind},
    )
    return FileResponse(  # type: ignore[return-value]
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


@officer_required
@require_POST
def case_reveal(request: ViewerRequest, pk: int, field: str) -> HttpResponse:
    """htmx: one unmasked value (ID, phone, bank account), audited."""
    if field not in services.REVEALABLE:
        raise Http404
    case = selectors.case_get(viewer=request.user, pk=pk)
    value = services.case_reveal(actor=request.user, case=case, field=field)
    return render(request, "assistance/case_detail.html#revealed", {"value": value})


@officer_required
@require_POST
def case_record(request: ViewerRequest, pk: int) -> HttpResponse:
    """A help for this household from a fund (the fund's officer): pending until paid."""
    case = selectors.case_get(viewer=request.user, pk=pk)
    data = request.POST

    def create() -> None:
        try:
            fund = selectors.fund_get(viewer=request.user, pk=int(data.get("fund") or 0))
            campaign = (
                selectors.campaign_get(viewer=request.user, pk=int(data["campaign"]))
                if data.get("campaign")
                else None
            )
        except (Http404, ValueError) as exc:
            raise ValidationError(_("请选择资金来源")) from exc
        funds.record_create(
            actor=request.user,
            fund=fund,
            kind=data.get("kind", ""),
            amount=data.get("amount"),
            case=case,
            campaign=campaign,
            description=data.get("description", ""),
        )

    return _act(request, pk, create, _("已登记帮扶，待发放"))
