"""Officers' pages of care: the month's allowances and their payment from a care fund, the
rates by level, the bank file, the birthday and festival 慰问 list; a holder's care records."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.exporting import export_response
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.views_support import run_service, submit_form
from gonghui.honors import selectors
from gonghui.honors.exporters import CareBankFileExporter
from gonghui.honors.forms import CareProfileForm, CareRecordForm, PayMonthForm, RateForm
from gonghui.honors.services import care
from gonghui.honors.views.terms import aftercare_context


def _month(request: ViewerRequest) -> dt.date:
    text = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else timezone.localdate().replace(day=1)
    except ValueError as exc:
        raise Http404 from exc


@officer_required
def allowance_list(request: ViewerRequest) -> HttpResponse:
    month = _month(request)
    rate_form = RateForm(request.POST if request.POST.get("step") == "rate" else None)
    if submit_form(
        request,
        rate_form,
        lambda: care.allowance_rate_save(
            actor=request.user, org=acting_org(request), **rate_form.cleaned_data
        ),
        _("已保存荣誉津贴标准"),
    ):
        return redirect("honors:allowance_list")
    return render(
        request,
        "honors/allowances.html",
        {
            "month": month,
            "rows": selectors.payable_list(viewer=request.user, month=month)[:500],
            "totals": selectors.payable_totals(viewer=request.user, month=month),
            "funds": selectors.care_funds(viewer=request.user),
            "rates": selectors.rate_list(viewer=request.user),
            "rate_form": rate_form,
            "pay_form": PayMonthForm(),
        },
    )


@officer_required
@require_POST
def allowance_pay_month(request: ViewerRequest) -> HttpResponse:
    month = _month(request)
    form = PayMonthForm(request.POST)
    if form.is_valid():
        fund = selectors.care_fund_get(viewer=request.user, pk=form.cleaned_data["fund"])
        result: dict[str, tuple[int, int]] = {}

        def pay() -> None:
            result["done"] = care.allowances_pay_month(actor=request.user, fund=fund, month=month)

        if run_service(request, pay, None):
            paid, left = result["done"]
            messages.info(
                request, _("已发放 %(paid)d 笔，待发放 %(left)d 笔") % {"paid": paid, "left": left}
            )
    return redirect(f"{reverse('honors:allowance_list')}?month={month:%Y-%m}")


@officer_required
@require_GET
def care_bank_file(request: ViewerRequest, pk: int) -> HttpResponse:
    fund = selectors.care_fund_get(viewer=request.user, pk=pk)
    require_capability(request.user, "honors.care.fund", fund.org_path)
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(CareBankFileExporter(viewer=request.user, fund=fund.pk), file_format)


@officer_required
def greetings(request: ViewerRequest) -> HttpResponse:
    try:
        month = int(request.GET.get("month") or timezone.localdate().month)
    except ValueError as exc:
        raise Http404 from exc
    if not 1 <= month <= 12:
        raise Http404
    return render(
        request,
        "honors/greetings.html",
        {"month": month, "rows": selectors.greeting_list(viewer=request.user, month=month)[:500]},
    )


@officer_required
@require_POST
def care_record_add(request: ViewerRequest, pk: int) -> HttpResponse:
    honour = selectors.aftercare_honour(viewer=request.user, pk=pk)
    form = CareRecordForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        fund_id = data.pop("fund")
        fund = selectors.care_fund_get(viewer=request.user, pk=fund_id) if fund_id else None
        if run_service(
            request,
            lambda: care.care_record_add(actor=request.user, honour=honour, fund=fund, **data),
            _("已登记关爱记录"),
        ):
            return redirect("honors:aftercare", pk=pk)
    return render(
        request, "honors/aftercare.html", aftercare_context(request, honour, care_form=form)
    )


@officer_required
@require_POST
def care_profile_save(request: ViewerRequest, pk: int) -> HttpResponse:
    honour = selectors.aftercare_honour(viewer=request.user, pk=pk)
    form = CareProfileForm(request.POST)
    if submit_form(
        request,
        form,
        lambda: care.care_profile_save(actor=request.user, honour=honour, **form.cleaned_data),
        _("已保存关爱档案"),
    ):
        return redirect("honors:aftercare", pk=pk)
    return render(
        request, "honors/aftercare.html", aftercare_context(request, honour, profile_form=form)
    )
