"""Officers' pages of 经审: the annual reviews, a review with its funds' ledgers, the sampled
entries, findings and rectification, and the printable 审查报告."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import run_service, submit_form
from gonghui.governance import selectors
from gonghui.governance.forms.dues import (
    CheckForm,
    FindingForm,
    RectifyForm,
    ReportForm,
    ReviewForm,
    SampleForm,
)
from gonghui.governance.services import audits as services


@officer_required
def review_list(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    form = ReviewForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if done := submit_form(
        request,
        form,
        lambda: services.review_open(actor=request.user, union=org, **form.cleaned_data),
        _("已建立经费审查"),
    ):
        return redirect("governance:review", pk=done.value.pk)
    return render(
        request,
        "governance/reviews.html",
        {"rows": selectors.reviews(viewer=request.user)[:100], "form": form},
    )


@officer_required
def review_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(viewer=request.user, pk=pk)
    action = request.POST.get("form", "") if request.method == "POST" else ""
    sample_form = SampleForm(request.POST if action == "sample" else None, prefix="s")
    finding_form = FindingForm(request.POST if action == "finding" else None, prefix="f")
    report_form = ReportForm(request.POST if action == "report" else None, prefix="r")
    submissions: dict[str, Callable[[], object]] = {
        "sample": lambda: submit_form(
            request,
            sample_form,
            lambda: services.review_sample(
                actor=request.user, review=review, **sample_form.cleaned_data
            ),
            _("已随机抽取凭证"),
        ),
        "finding": lambda: submit_form(
            request,
            finding_form,
            lambda: services.review_finding_add(
                actor=request.user, review=review, **finding_form.cleaned_data
            ),
            _("已记录问题"),
        ),
        "report": lambda: submit_form(
            request,
            report_form,
            lambda: services.review_report(
                actor=request.user, review=review, **report_form.cleaned_data
            ),
            _("已出具审查报告"),
        ),
    }
    if action in submissions and submissions[action]() is not None:
        return redirect("governance:review", pk=pk)
    return render(
        request,
        "governance/review_detail.html",
        {
            "review": review,
            "funds": selectors.review_funds(viewer=request.user, review=review),
            "samples": selectors.review_samples(viewer=request.user, review=review),
            "findings": selectors.review_findings(viewer=request.user, review=review),
            "sample_form": sample_form,
            "finding_form": finding_form,
            "report_form": report_form,
            "check_form": CheckForm(),
            "rectify_form": RectifyForm(),
        },
    )


@officer_required
@require_POST
def review_item(request: ViewerRequest, kind: str, pk: int) -> HttpResponse:
    """Check one sampled entry, or record a finding's rectification."""
    # Refusals (an empty note) come back as messages on the review page.
    note = request.POST.get("note", "")
    if kind == "check":
        sample = selectors.review_sample_get(viewer=request.user, pk=pk)
        run_service(
            request,
            lambda: services.review_sample_check(actor=request.user, sample=sample, note=note),
            _("已核对"),
        )
        return redirect("governance:review", pk=sample.review_id)
    if kind == "rectify":
        finding = selectors.review_finding_get(viewer=request.user, pk=pk)
        text = request.POST.get("rectification", "")
        run_service(
            request,
            lambda: services.review_finding_rectify(
                actor=request.user, finding=finding, rectification=text
            ),
            _("已记录整改"),
        )
        return redirect("governance:review", pk=finding.review_id)
    raise Http404


@officer_required
def review_print(request: ViewerRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(viewer=request.user, pk=pk)
    return render(
        request,
        "governance/review_report.html",
        {
            "review": review,
            "funds": selectors.review_funds(viewer=request.user, review=review),
            "samples": selectors.review_samples(viewer=request.user, review=review),
            "findings": selectors.review_findings(viewer=request.user, review=review),
        },
    )
