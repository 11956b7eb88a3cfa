"""Officers' pages of rules, funds and their ledger, payments, the bank file, the 签领表,
campaigns, the civil-affairs match, the yearly review and the reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.assistance import reports, selectors
from gonghui.assistance.forms import (
    AllotForm,
    CampaignForm,
    CivilListForm,
    DepositForm,
    FundForm,
    ReviewBatchForm,
    RuleForm,
    StudentForm,
    WarmthRecordForm,
)
from gonghui.assistance.models.funds import CampaignKind, Exclusion
from gonghui.assistance.services import archive, campaigns, funds
from gonghui.assistance.services.identification import rule_for, rule_set
from gonghui.core import ledger
from gonghui.core import selectors as core_selectors
from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.exporting import export_response
from gonghui.core.replicas import replica_view
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.views_support import run_service, submit_form
from gonghui.orgs import selectors as org_selectors

# --- identification rules -------------------------------------------------------------------


@officer_required
def rule_list(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    form = RuleForm(request.POST or None)
    if submit_form(
        request,
        form,
        lambda: rule_set(actor=request.user, org=org, **form.cleaned_data),
        _("已设置认定标准"),
        denied=_("设置认定标准需要上级工会的审批权限"),
    ):
        return redirect("assistance:rules")
    return render(
        request,
        "assistance/rules.html",
        {
            "rows": selectors.visible_rules(viewer=request.user)[:200],
            "form": form,
            "org": org,
            "current": rule_for(org.path, timezone.localdate()),
        },
    )


# --- funds --------------------------------------------------------------------------------------


@officer_required
def fund_list(request: ViewerRequest) -> HttpResponse:
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = acting_org(request)
        if run_service(
            request,
            lambda: ledger.fund_create(actor=request.user, org=org, **form.cleaned_data),
            _("已建立资金"),
        ):
            return redirect("assistance:funds")
    return render(
        request,
        "assistance/funds.html",
        {"rows": selectors.fund_list(viewer=request.user)[:200], "form": form},
    )


@officer_required
def fund_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    fund = selectors.fund_get(viewer=request.user, pk=pk)
    form = DepositForm(request.POST or None)
    if submit_form(
        request,
        form,
        lambda: ledger.fund_deposit(actor=request.user, fund=fund, **form.cleaned_data),
        _("已入账"),
    ):
        return redirect("assistance:fund", pk=pk)
    return render(
        request,
        "assistance/fund_detail.html",
        {
            "fund": fund,
            "form": form,
            "entries": core_selectors.ledger_entries(viewer=request.user, fund=fund)[:200],
            "pending": selectors.fund_pending(viewer=request.user, fund=fund)[:200],
            "caps": request.user.capabilities_at(fund.org_path),
        },
    )


@officer_required
@require_POST
def record_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    record = selectors.record_get(viewer=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    calls: dict[str, Callable[[], Any]] = {
        "pay": lambda: funds.record_pay(actor=request.user, record=record),
        "clear": lambda: funds.record_clear_duplicate(
            actor=request.user, record=record, reason=reason
        ),
        "cancel": lambda: funds.record_cancel(actor=request.user, record=record, reason=reason),
    }
    if action not in calls:
        raise Http404
    run_service(request, calls[action], _("已办理"))
    return redirect("assistance:fund", pk=record.fund_id)


@officer_required
@require_GET
def bank_file(request: ViewerRequest, pk: int) -> HttpResponse:
    """The bank's batch-payment file (CSV, or ``?format=xlsx``) of the fund's pending records
    (real accounts: audited)."""
    fund = selectors.fund_get(viewer=request.user, pk=pk)
    require_capability(request.user, "assistance.fund", fund.org_path)
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(reports.BankFileExporter(viewer=request.user, fund=fund.pk), file_format)


@officer_required
@require_GET
def sign_sheet(request: ViewerRequest, pk: int) -> HttpResponse:
    """签领表: the fund's records (pending or paid this year) for recipients to sign; print A4."""
    fund = selectors.fund_get(viewer=request.user, pk=pk)
    require_capability(request.user, "assistance.view", fund.org_path)
    year = timezone.localdate().year
    context = {
        "fund": fund,
        "rows": ledger.sign_sheet_rows(viewer=request.user, fund=fund, year=year),
        "heading": _("%(name)s %(year)s年度帮扶签领表") % {"name": fund.name, "year": year},
        "what_label": _("帮扶方式"),
    }
    return render(request, "core/sign_sheet.html", context)


@officer_required
@require_GET
def fund_export(request: ViewerRequest, pk: int) -> HttpResponse:
    """经审 export: the ledger with each payment's recipient (masked) and campaign."""
    fund = selectors.fund_get(viewer=request.user, pk=pk)
    exporter = reports.LedgerExporter(viewer=request.user, fund=fund.pk)
    return export_response(exporter, request.GET.get("format") or "xlsx")


# --- campaigns ------------------------------------------------------------------------------


@officer_required
def campaign_list(request: ViewerRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        org = acting_org(request)
        if run_service(
            request,
            lambda: campaigns.campaign_create(actor=request.user, org=org, **form.cleaned_data),
            _("已发起活动"),
        ):
            return redirect("assistance:campaigns")
    return render(
        request,
        "assistance/campaigns.html",
        {"rows": selectors.campaign_list(viewer=request.user)[:100], "form": form},
    )


@officer_required
@require_GET
def campaign_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=request.user, pk=pk)
    return render(
        request,
        "assistance/campaign_detail.html",
        {
            "campaign": campaign,
            "allotments": selectors.allotments(viewer=request.user, campaign=campaign),
            "students": selectors.students(viewer=request.user, campaign=campaign)[:500],
            "records": selectors.record_list(viewer=request.user).filter(campaign=campaign)[:500],
            "allot_form": AllotForm(),
            "student_form": StudentForm() if campaign.kind == CampaignKind.STUDENT else None,
            "warmth_form": _warmth_form(request) if campaign.kind == CampaignKind.WARMTH else None,
            "funds": selectors.fund_list(viewer=request.user),
            "exclusions": [c for c in Exclusion.choices if c[0]],
        },
    )


def _warmth_form(request: ViewerRequest, data: Any = None) -> WarmthRecordForm:
    form = WarmthRecordForm(data)
    field: Any = form.fields["fund"]
    field.choices = [
        (f.pk, f"{f.name}（{f.org.name}）")
        for f in selectors.fund_list(viewer=request.user)
        if request.user.has_capability("assistance.fund", f.org_path)
    ]
    return form


@officer_required
@require_POST
def campaign_record(request: ViewerRequest, pk: int) -> HttpResponse:
    """送温暖: register a visit with its help (flagged if another level already has it)."""
    campaign = selectors.campaign_get(viewer=request.user, pk=pk)
    form = _warmth_form(request, request.POST)
    if not form.is_valid():
        messages.error(request, _("请完整填写慰问登记"))
        return redirect("assistance:campaign", pk=pk)
    data = dict(form.cleaned_data)

    def create() -> None:
        try:
            fund = selectors.fund_get(viewer=request.user, pk=data.pop("fund"))
            case_pk = data.pop("case")
            case = selectors.case_get(viewer=request.user, pk=case_pk) if case_pk else None
        except Http404 as exc:
            raise ValidationError(_("不在管辖范围内")) from exc
        record = funds.record_create(
            actor=request.user, fund=fund, case=case, campaign=campaign, **data
        )
        if record.flagged:
            messages.warning(request, _("疑似重复帮扶：请核实后再发放"))

    run_service(request, create, _("已登记慰问，待发放"))
    return redirect("assistance:campaign", pk=pk)


@officer_required
@require_POST
def campaign_allot(request: ViewerRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=request.user, pk=pk)
    form = AllotForm(request.POST)
    if form.is_valid():
        try:
            org = org_selectors.org_for_form(viewer=request.user, code=form.cleaned_data["org"])
        except (ValidationError, PermissionDenied, Http404):
            messages.error(request, _("不在管辖范围内的工会"))
        else:
            run_service(
                request,
                lambda: campaigns.allot(
                    actor=request.user,
                    campaign=campaign,
                    to_org=org,
                    amount=form.cleaned_data["amount"],
                ),
                _("已分配"),
            )
    else:
        messages.error(request, _("请填写下级工会和额度"))
    return redirect("assistance:campaign", pk=pk)


@officer_required
@require_POST
def student_create(request: ViewerRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=request.user, pk=pk)
    form = StudentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请完整填写助学申请"))
        return redirect("assistance:campaign", pk=pk)
    data = dict(form.cleaned_data)

    def create() -> None:
        try:
            org = org_selectors.org_for_form(viewer=request.user, code=data.pop("org"))
            case_pk = data.pop("case")
            case = selectors.case_get(viewer=request.user, pk=case_pk) if case_pk else None
        except Http404 as exc:
            raise ValidationError(_("不在管辖范围内")) from exc
        campaigns.student_apply(actor=request.user, campaign=campaign, org=org, case=case, **data)

    run_service(request, create, _("已登记助学申请"))
    return redirect("assistance:campaign", pk=pk)


@officer_required
@require_POST
def student_pay(request: ViewerRequest, pk: int) -> HttpResponse:
    application = selectors.student_get(viewer=request.user, pk=pk)

    def pay() -> None:
        try:
            fund = selectors.fund_get(viewer=request.user, pk=int(request.POST.get("fund") or 0))
        except (Http404, ValueError) as exc:
            raise ValidationError(_("请选择资金来源")) from exc
        campaigns.student_pay(actor=request.user, application=application, fund=fund)

    run_service(request, pay, _("已发放助学金"))
    return redirect("assistance:campaign", pk=application.campaign_id)


@officer_required
@require_POST
def student_approve(request: ViewerRequest, pk: int) -> HttpResponse:
    application = selectors.student_get(viewer=request.user, pk=pk)
    run_service(
        request,
        lambda: campaigns.student_approve(actor=request.user, application=application),
        _("已核定助学申请"),
    )
    return redirect("assistance:campaign", pk=application.campaign_id)


@officer_required
@require_POST
def student_refuse(request: ViewerRequest, pk: int) -> HttpResponse:
    application = selectors.student_get(viewer=request.user, pk=pk)
    run_service(
        request,
        lambda: campaigns.student_refuse(
            actor=request.user,
            application=application,
            exclusion=request.POST.get("exclusion", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("已决定不予资助"),
    )
    return redirect("assistance:campaign", pk=application.campaign_id)


# --- civil-affairs lists ------------------------------------------------------------------------


@officer_required
def civil_list(request: ViewerRequest) -> HttpResponse:
    form = CivilListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        org = acting_org(request)
        upload = form.cleaned_data["file"]
        if done := submit_form(
            request,
            form,
            lambda: campaigns.civil_list_import(
                actor=request.user,
                org=org,
                kind=form.cleaned_data["kind"],
                fileobj=upload,
                filename=upload.name or "",
            ),
            denied=_("您没有办理帮扶的权限"),
        ):
            return redirect("assistance:civil", pk=done.value.pk)
    return render(
        request,
        "assistance/civil_lists.html",
        {"rows": selectors.civil_lists(viewer=request.user)[:100], "form": form},
    )


@officer_required
@require_GET
def civil_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    civil = selectors.civil_get(viewer=request.user, pk=pk)
    report = campaigns.civil_match(viewer=request.user, civil=civil)
    return render(request, "assistance/civil_detail.html", {"civil": civil, **report})


# --- yearly review ------------------------------------------------------------------------------


@officer_required
def review_list(request: ViewerRequest) -> HttpResponse:
    form = ReviewBatchForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        org = acting_org(request)
        if run_service(
            request,
            lambda: archive.review_batch_create(actor=request.user, org=org, **form.cleaned_data),
            _("已生成集中复核名单"),
        ):
            return redirect("assistance:reviews")
    return render(
        request,
        "assistance/reviews.html",
        {"rows": selectors.review_batches(viewer=request.user)[:50], "form": form},
    )


@officer_required
@require_GET
def review_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    batch = selectors.review_batch_get(viewer=request.user, pk=pk)
    items = batch.items.select_related("case", "case__org").order_by("-spot_check", "id")
    return render(request, "assistance/review_detail.html", {"batch": batch, "items": items[:2000]})


@officer_required
@require_POST
def review_item(request: ViewerRequest, pk: int) -> HttpResponse:
    item = selectors.review_item_get(viewer=request.user, pk=pk)
    run_service(
        request,
        lambda: archive.review_item_decide(
            actor=request.user,
            item=item,
            result=request.POST.get("result", ""),
            note=request.POST.get("note", ""),
        ),
        _("已记录复核结果"),
    )
    return redirect("assistance:review", pk=item.batch_id)


# --- reports ------------------------------------------------------------------------------------


@officer_required
@require_GET
@replica_view
def report(request: ViewerRequest) -> HttpResponse:
    period = reports.period_from(request.GET)
    data = reports.summary(viewer=request.user, start=period[0], end=period[1])
    if request.GET.get("format") in ("xlsx", "csv"):
        exporter = reports.SummaryExporter(
            viewer=request.user, start=period[0].isoformat(), end=period[1].isoformat()
        )
        return export_response(exporter, request.GET["format"])
    return render(
        request, "assistance/report.html", {"data": data, "start": period[0], "end": period[1]}
    )
