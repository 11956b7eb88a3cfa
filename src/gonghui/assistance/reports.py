"""Reports of the subtree: households by category and cause, new vs exited in a period, amounts
by fund, campaign and subtree; Excel through core.exporting (exporters only yield rows)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import OPEN_STATUSES, CaseStatus, Category, Cause, HardshipCase
from gonghui.assistance.models.funds import AssistanceRecord, RecordStatus
from gonghui.assistance.selectors import fund_get
from gonghui.core.exporting import Exporter
from gonghui.core.ledger import bank_file_rows
from gonghui.core.models import LedgerEntry
from gonghui.core.scoping import Viewer, scoped, viewer_paths, within
from gonghui.orgs.models import PATH_STEP, Org


def period_from(params: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(str(params.get("start") or ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = dt.date.fromisoformat(str(params.get("end") or ""))
    except ValueError:
        end = today
    return start, end


def summary(*, viewer: Viewer, start: dt.date, end: dt.date) -> dict[str, Any]:
    cases = scoped(HardshipCase.objects.all(), viewer)
    open_cases = cases.filter(status__in=OPEN_STATUSES)
    categories = dict(Category.choices)
    by_category = [
        (categories.get(row["category"], row["category"]), row["n"])
        for row in open_cases.values("category").annotate(n=Count("id")).order_by("category")
    ]
    causes: Counter[str] = Counter()
    # Decrypted row by row (the causes are health data, encrypted at rest).
    for case_causes in open_cases.values_list("causes", flat=True):
        causes.update(case_causes or [])
    cause_labels = dict(Cause.choices)
    paid = scoped(AssistanceRecord.objects.filter(status=RecordStatus.PAID), viewer).filter(
        paid_at__date__gte=start, paid_at__date__lte=end
    )
    by_fund = list(
        paid.values("fund__name", "fund__org__name")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("fund__org__name", "fund__name")
    )
    by_campaign = list(
        paid.exclude(campaign=None)
        .values("campaign__name")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("campaign__name")
    )
    # Subtrees: one line per org just below each of the viewer's roots.
    roots = viewer_paths(viewer)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in paid.values("org_path").annotate(total=Sum("amount")):
        root = next((r for r in roots if within(row["org_path"], r)), "")
        key = row["org_path"][: len(root) + PATH_STEP] if len(row["org_path"]) > len(root) else root
        sums[key] += row["total"] or Decimal(0)
    names = dict(Org.objects.filter(path__in=list(sums)).values_list("path", "name"))
    return {
        "by_category": by_category,
        "by_cause": [(cause_labels.get(c, c), n) for c, n in causes.most_common()],
        "open": open_cases.count(),
        "new": cases.filter(archived_on__gte=start, archived_on__lte=end).count(),
        "exited": cases.filter(
            status=CaseStatus.EXITED, ended_on__gte=start, ended_on__lte=end
        ).count(),
        "closed": cases.filter(
            status=CaseStatus.CLOSED, ended_on__gte=start, ended_on__lte=end
        ).count(),
        "by_fund": by_fund,
        "by_campaign": by_campaign,
        "by_subtree": sorted((names.get(p, p), total) for p, total in sums.items()),
    }


class SummaryExporter(Exporter):
    title = _("帮扶统计")

    def header(self) -> Sequence[str | Promise]:
        return [_("项目"), _("分类"), _("数量"), _("金额（元）")]

    def rows(self) -> Iterator[Sequence[Any]]:
        data = summary(
            viewer=self.viewer,
            start=dt.date.fromisoformat(self.params["start"]),
            end=dt.date.fromisoformat(self.params["end"]),
        )
        for label, n in data["by_category"]:
            yield [_("在档户数（按类别）"), label, n, ""]
        for label, n in data["by_cause"]:
            yield [_("在档户数（按致困原因）"), label, n, ""]
        yield [_("期间新建档"), "", data["new"], ""]
        yield [_("期间解困脱困"), "", data["exited"], ""]
        yield [_("期间销档"), "", data["closed"], ""]
        for row in data["by_fund"]:
            yield [
                _("发放（按资金）"),
                f"{row['fund__org__name']} {row['fund__name']}",
                row["n"],
                row["total"],
            ]
        for row in data["by_campaign"]:
            yield [_("发放（按活动）"), row["campaign__name"], row["n"], row["total"]]
        for name, total in data["by_subtree"]:
            yield [_("发放（按下级）"), name, "", total]


class LedgerExporter(Exporter):
    """经审 export: every ledger line with its record (recipients masked)."""

    title = _("帮扶资金台账")

    def header(self) -> Sequence[str | Promise]:
        return [
            _("序号"),
            _("时间"),
            _("收支"),
            _("金额"),
            _("余额"),
            _("摘要"),
            _("帮扶方式"),
            _("领取人"),
            _("身份证号码"),
            _("帮扶活动"),
            _("经办人"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        fund = fund_get(viewer=self.viewer, pk=self.params["fund"])
        entries = LedgerEntry.objects.filter(fund=fund).select_related("actor").order_by("id")
        for chunk in _chunks(entries.iterator(chunk_size=2000), 2000):
            records = _records_paid_by(chunk)
            for entry in chunk:
                record = records.get(entry.ref_id or 0) if entry.ref_model == RECORD_LABEL else None
                yield [
                    entry.pk,
                    timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M"),
                    entry.get_direction_display(),
                    entry.amount,
                    entry.balance_after,
                    entry.memo,
                    record.get_kind_display() if record else "",
                    record.recipient_name if record else "",
                    record.case.masked_id_number if record and record.case else "",
                    record.campaign.name if record and record.campaign else "",
                    getattr(entry.actor, "display_name", "") if entry.actor else "",
                ]


RECORD_LABEL = AssistanceRecord._meta.label


def _chunks(items: Iterator[LedgerEntry], size: int) -> Iterator[list[LedgerEntry]]:
    chunk: list[LedgerEntry] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _records_paid_by(entries: list[LedgerEntry]) -> dict[int, AssistanceRecord]:
    """The records a chunk of ledger entries refers to, in one query."""
    ids = [e.ref_id for e in entries if e.ref_model == RECORD_LABEL and e.ref_id]
    records = AssistanceRecord.objects.unscoped(reason="the entries of a fund found in scope")
    return records.select_related("case", "campaign").in_bulk(ids)


class CaseExporter(Exporter):
    """The archive of the viewer's scope (masked), for the 困难职工花名册."""

    title = _("困难职工档案")

    def header(self) -> Sequence[str | Promise]:
        return [
            _("档案编号"),
            _("户主姓名"),
            _("身份证号码"),
            _("所属工会"),
            _("家庭人口"),
            _("月人均纯收入"),
            _("困难类别"),
            _("致困原因"),
            _("状态"),
            _("建档日期"),
            _("认定标准来源"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        cases = scoped(HardshipCase.objects.select_related("org"), self.viewer).order_by(
            "org_path", "id"
        )
        if self.params.get("status"):
            cases = cases.filter(status=self.params["status"])
        for case in cases.iterator(chunk_size=2000):
            yield [
                case.pk,
                case.name,
                case.masked_id_number,
                case.org.name,
                case.household_size,
                case.per_capita,
                case.get_category_display(),
                "、".join(case.cause_labels()),
                case.get_status_display(),
                case.archived_on,
                case.computation.get("rule_org_name", ""),
            ]


class BankFileExporter(Exporter):
    """The bank's batch-payment file as a workbook (real accounts: making it is audited)."""

    title = _("批量代发")

    def header(self) -> Sequence[str | Promise]:
        return [_("序号"), _("户名"), _("开户银行"), _("账号"), _("金额"), _("用途")]

    def rows(self) -> Iterator[Sequence[Any]]:
        yield from bank_file_rows(
            actor=self.viewer, fund=fund_get(viewer=self.viewer, pk=self.params["fund"])
        )
