"""Officers' pages of 会费: the month's dues of the union (wages masked), arrears, a member's
dues with entry, payment, education and 自动退会, the audited wage reveal, the payroll import
and the printable receipt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
from gonghui.governance.forms.dues import DuesPayForm, EducationForm, WageForm, WithdrawForm
from gonghui.governance.importers import WageImporter
from gonghui.governance.models.dues import DuesStatus, SplitKind
from gonghui.governance.services import dues as services


def _month(text: str | None) -> dt.date:
    try:
        return dt.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return rules.month_start(timezone.localdate())


@officer_required
def dues_home(request: ViewerRequest) -> HttpResponse:
    month = _month(request.GET.get("month"))
    status = request.GET.get("status", "")
    status = status if status in DuesStatus.values else ""
    rows = selectors.dues_months(viewer=request.user, month=month, status=status)
    return render(
        request,
        "governance/dues_home.html",
        {
            "rows": rows[:300],
            "month": month,
            "status": status,
            "statuses": DuesStatus.choices,
            "arrears": selectors.dues_arrears(
                viewer=request.user, before=rules.month_start(timezone.localdate())
            )[:300],
        },
    )


@officer_required
def dues_member(request: ViewerRequest, pk: int) -> HttpResponse:
    member = selectors.dues_member_get(viewer=request.user, pk=pk)
    months = selectors.dues_of_member(viewer=request.user, member=member)
    due_months = [r.month for r in months if r.status == DuesStatus.DUE]
    action = request.POST.get("form", "") if request.method == "POST" else ""
    wage_form = WageForm(request.POST if action == "wage" else None, prefix="wage")
    pay_form = DuesPayForm(
        request.POST if action == "pay" else None,
        prefix="pay",
        due_months=due_months,
        initial={"paid_on": timezone.localdate()},
    )
    education_form = EducationForm(request.POST if action == "education" else None, prefix="edu")
    withdraw_form = WithdrawForm(request.POST if action == "withdraw" else None, prefix="wd")
    again = reverse("governance:dues_member", args=[member.pk])
    # One form per POST (its hidden "form" field), each through its own service.
    submissions: dict[str, Callable[[], object]] = {
        "wage": lambda: submit_form(
            request,
            wage_form,
            lambda: services.dues_month_set(
                actor=request.user, member=member, **wage_form.service_args()
            ),
            _("已核定会费"),
        ),
        "pay": lambda: submit_form(
            request,
            pay_form,
            lambda: services.dues_pay(actor=request.user, member=member, **pay_form.service_args()),
            _("已收会费并开具收据"),
        ),
        "education": lambda: submit_form(
            request,
            education_form,
            lambda: services.dues_education_record(
                actor=request.user, member=member, **education_form.cleaned_data
            ),
            _("已记录"),
        ),
        "withdraw": lambda: submit_form(
            request,
            withdraw_form,
            lambda: services.dues_auto_withdraw(
                actor=request.user, member=member, **withdraw_form.cleaned_data
            ),
            _("已按视为自动退会办理"),
        ),
    }
    if action in submissions and submissions[action]() is not None:
        return redirect(again)
    return render(
        request,
        "governance/dues_member.html",
        {
            "member": member,
            "months": months[:120],
            "payments": selectors.dues_payments(viewer=request.user, member=member)[:60],
            "educations": selectors.dues_educations(viewer=request.user, member=member)[:20],
            "wage_form": wage_form,
            "pay_form": pay_form,
            "education_form": education_form,
            "withdraw_form": withdraw_form,
        },
    )


@officer_required
@require_POST
def dues_reveal(request: ViewerRequest, pk: int) -> HttpResponse:
    """The unmasked wage of one month (reveal_pii, audited), shown once on its own page."""
    row = selectors.dues_month_get(viewer=request.user, pk=pk)
    wage: dict[str, str] = {}
    if not run_service(
        request,
        lambda: wage.update(services.dues_wage_reveal(actor=request.user, row=row)),
        None,
        denied=_("查看工资需要查看完整个人信息的权限"),
    ):
        return redirect("governance:dues_member", pk=row.member_id)
    return render(request, "governance/dues_wage.html", {"row": row, "wage": wage})


@officer_required
def dues_receipt(request: ViewerRequest, pk: int) -> HttpResponse:
    payment = selectors.dues_payment_get(viewer=request.user, pk=pk)
    return render(
        request,
        "governance/dues_receipt.html",
        {
            "payment": payment,
            "months": payment.months.order_by("month"),
            "shares": selectors.payment_shares(
                viewer=request.user, kind=SplitKind.DUES, receipt_ids=[payment.pk]
            ),
        },
    )


@officer_required
def dues_import(request: ViewerRequest) -> HttpResponse:
    return upload_page(
        request,
        importer=WageImporter,
        org=acting_org(request),
        template_url=reverse("governance:dues_template"),
        back_url=reverse("governance:dues"),
    )


@officer_required
def dues_template(request: ViewerRequest) -> HttpResponse:
    return template_download(WageImporter)
