"""Pages of the annual report: periods, one org's report (print view, Excel, corrections,
submit) with its children's reports to review, and the comparison of two frozen years."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import job_views
from gonghui.core.acting import acting_org_or_none
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.orgs import selectors as org_selectors
from gonghui.stats import definitions, selectors
from gonghui.stats.exporters import ReportExporter
from gonghui.stats.models import OrgReport
from gonghui.stats.services import reports

LABELS = {f.key: f.label for f in definitions.FIGURES}


def _report(request: ViewerRequest, year: int, code: str) -> OrgReport:
    org = org_selectors.org_get(viewer=request.user, code=code)
    require_capability(request.user, "stats.view", org.path)
    return selectors.org_report(viewer=request.user, year=year, org=org)


@officer_required
def period_list(request: ViewerRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
            reports.period_freeze(actor=request.user, year=year)
        except (ValueError, ValidationError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [_("年度无效")])))
        except PermissionDenied:
            messages.error(request, _("冻结年度须由省总工会的统计人员办理"))
        else:
            messages.success(request, _("已冻结%(year)d年度数据并生成各级年报") % {"year": year})
        return redirect("stats:periods")
    return render(
        request,
        "stats/periods.html",
        {
            "periods": selectors.report_periods(),
            "org": acting_org_or_none(request),
            "may_freeze": reports.may_freeze(request.user),
        },
    )


@officer_required
def report_detail(request: ViewerRequest, year: int, code: str) -> HttpResponse:
    report = _report(request, year, code)
    if request.GET.get("format") in ("xlsx", "csv"):
        exporter = ReportExporter(viewer=request.user, year=year, org=report.org.code)
        return job_views.export_download(request, exporter, report.org_path)
    figures = report.figures if report.figures else reports.summed_items(report)
    shown = reports.with_rates({k: int(figures.get(k, 0)) for k in reports.ITEMS})
    children = reports.children_reports(report)
    own = reports.holds_at(request.user, "stats.report", report.org_path)
    staffed = reports.children_with_officer(children) if own else set()
    # The children this officer may fill in (代填报), marked in the list.
    fillable = {c.org_path for c in children if own and c.editable and c.org_path not in staffed}
    on_behalf = not own and reports.files_on_behalf(request.user, report)
    can_fill = own or on_behalf
    can_review = bool(children) and can_fill
    return render(
        request,
        "stats/report.html",
        {
            "report": report,
            "rows": [(k, LABELS[k], shown[k], k in reports.ITEMS) for k in shown],
            "children": children,
            "can_edit": can_fill and report.editable and report.org.level == "grassroots",
            "can_submit": can_fill and report.editable,
            "can_review": can_review,
            "live_sum": not report.figures,
            "on_behalf": on_behalf,
            "fillable": fillable,
        },
    )


@officer_required
@require_POST
def report_action(request: ViewerRequest, year: int, code: str, action: str) -> HttpResponse:
    report = _report(request, year, code)
    try:
        if action == "edit":
            figures = {
                k: int(request.POST[k]) for k in reports.ITEMS if request.POST.get(k, "") != ""
            }
            reports.report_edit(
                actor=request.user,
                report=report,
                figures=figures,
                note=request.POST.get("note", ""),
            )
        elif action == "submit":
            reports.report_submit(actor=request.user, report=report)
        elif action in ("accept", "return"):
            reports.report_review(
                actor=request.user,
                report=report,
                accept=action == "accept",
                reason=request.POST.get("reason", ""),
            )
        else:
            raise Http404
    except ValueError:
        messages.error(request, _("数字应为整数"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("已保存"))
    target = (
        report.org.parent if action in ("accept", "return") and report.org.parent else report.org
    )
    return redirect("stats:report", year=year, code=target.code)


@officer_required
@require_GET
def compare(request: ViewerRequest, code: str) -> HttpResponse:
    """成绩单: the subtree's figures in two frozen years, with the change."""
    org = org_selectors.org_get(viewer=request.user, code=code)
    require_capability(request.user, "stats.view", org.path)
    years = selectors.report_years()
    context: dict[str, Any] = {"org": org, "years": years, "rows": []}
    try:
        start, end = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError:
        start, end = (min(years), max(years)) if years else (0, 0)
    if start in years and end in years:
        context.update(
            start=start, end=end, rows=selectors.compare_years(org=org, start=start, end=end)
        )
    return render(request, "stats/compare.html", context)
