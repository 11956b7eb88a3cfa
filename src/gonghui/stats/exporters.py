"""The annual report of an org and its children's reports as one Excel sheet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core.exporting import Exporter
from gonghui.core.scoping import require_capability
from gonghui.orgs import selectors as org_selectors
from gonghui.stats import definitions
from gonghui.stats.models import OrgReport
from gonghui.stats.services import reports


class ReportExporter(Exporter):
    """params: ``year``, ``org`` (code): the org's report first, then each child's."""

    title = _("统计年报")

    def header(self) -> Sequence[str | Promise]:
        labels = {f.key: f.label for f in definitions.FIGURES}
        keys = [*reports.ITEMS, *reports.RATES]
        return [_("组织编码"), _("组织名称"), _("状态"), *(labels[k] for k in keys)]

    def rows(self) -> Iterator[Sequence[Any]]:
        org = org_selectors.org_get(viewer=self.viewer, code=self.params["org"])
        require_capability(self.viewer, "stats.view", org.path)
        report = OrgReport.objects.select_related("org", "period").get(
            period__year=self.params["year"], org=org
        )
        for each in [report, *reports.children_reports(report)]:
            items = each.figures or reports.summed_items(each)
            values = reports.with_rates({k: int(items.get(k, 0)) for k in reports.ITEMS})
            yield [
                each.org.code,
                each.org.name,
                each.get_status_display(),
                *(values[k] for k in [*reports.ITEMS, *reports.RATES]),
            ]
