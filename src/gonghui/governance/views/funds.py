"""Officers' pages of 工会经费: employers' months with the 2 % due, arrears with ageing, the
receipts, the payroll import, and the printable 催缴函 (with the 支付令 hint past the period)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.job_views import template_download, upload_page
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import run_service, submit_form
from gonghui.governance import rules, selectors
from gonghui.governance.forms.dues import FundsReceiveForm, PayrollForm
from gonghui.governance.importers import PayrollTotalImporter
from gonghui.governance.models.dues import SplitKind
from gonghui.governance.services import funds as services


@officer_required
def funds_home(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    today = timezone.localdate()
    employers = selectors.funds_employers(viewer=request.user, union=org)
    form = PayrollForm(request.POST or None, employers=employers)
    if done := submit_form(
        request,
        form,
        lambda: services.funds_month_set(
            actor=request.user,
            employer=selectors.funds_employer_get(
                viewer=request.user, pk=form.cleaned_data["employer"]
            ),
            month=form.cleaned_data["month"],
            payroll_total=form.cleaned_data["payroll_total"],
        ),
        _("已录入工资总额"),
    ):
        return redirect("governance:funds_month", pk=done.value.pk)
    overdue = [
        (row, rules.ageing_band(row.due_on, today))
        for row in selectors.funds_months(viewer=request.user, overdue_on=today)[:300]
    ]
    return render(
        request,
        "governance/funds_home.html",
        {
            "rows": selectors.funds_months(viewer=request.user)[:300],
            "overdue": overdue,
            "form": form,
            "reminders": selectors.funds_reminders(viewer=request.user)[:50],
        },
    )


@officer_required
def funds_month(request: ViewerRequest, pk: int) -> HttpResponse:
    row = selectors.funds_month_get(viewer=request.user, pk=pk)
    form = FundsReceiveForm(
        request.POST or None,
        initial={"amount": row.outstanding, "received_on": timezone.localdate()},
    )
    if submit_form(
        request,
        form,
        lambda: services.funds_receive(actor=request.user, month=row, **form.cleaned_data),
        _("已登记到账"),
    ):
        return redirect("governance:funds_month", pk=pk)
    receipts = selectors.funds_receipts(viewer=request.user, month=row)
    return render(
        request,
        "governance/funds_month.html",
        {
            "row": row,
            "form": form,
            "receipts": receipts,
            "shares": selectors.payment_shares(
                viewer=request.user,
                kind=SplitKind.FUNDS,
                receipt_ids=list(receipts.values_list("pk", flat=True)),
            ),
            "ageing": rules.ageing_band(row.due_on, timezone.localdate()),
        },
    )


@officer_required
@require_POST
def funds_remind(request: ViewerRequest, pk: int) -> HttpResponse:
    employer = selectors.funds_employer_get(viewer=request.user, pk=pk)
    made = []
    if run_service(
        request,
        lambda: made.append(services.funds_reminder_issue(actor=request.user, employer=employer)),
        _("已生成催缴函"),
    ):
        return redirect("governance:funds_reminder", pk=made[0].pk)
    return redirect("governance:funds")


@officer_required
def funds_reminder(request: ViewerRequest, pk: int) -> HttpResponse:
    reminder = selectors.funds_reminder_get(viewer=request.user, pk=pk)
    return render(
        request,
        "governance/funds_reminder.html",
        {"reminder": reminder, "order_after": services.PAYMENT_ORDER_AFTER_DAYS},
    )


@officer_required
def funds_import(request: ViewerRequest) -> HttpResponse:
    return upload_page(
        request,
        importer=PayrollTotalImporter,
        org=acting_org(request),
        template_url=reverse("governance:funds_template"),
        back_url=reverse("governance:funds"),
    )


@officer_required
def funds_template(request: ViewerRequest) -> HttpResponse:
    return template_download(PayrollTotalImporter)
