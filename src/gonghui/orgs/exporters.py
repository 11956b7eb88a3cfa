"""Excel/CSV exports of the union tree and of employers (scoped; columns match the imports)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core.exporting import Exporter
from gonghui.core.scoping import prefix_q
from gonghui.orgs import selectors
from gonghui.orgs.models import Employer, Org


class OrgExporter(Exporter):
    """An org's subtree (itself included), re-importable through OrgImporter."""

    title = _("工会组织")

    def queryset(self) -> QuerySet[Org]:
        org = selectors.org_get(viewer=self.viewer, code=self.params["org"])
        return (
            selectors.org_queryset(viewer=self.viewer)
            .filter(prefix_q("path", org.path))
            .select_related("parent")
            .order_by("path")
        )

    def count(self) -> int:
        return self.queryset().count()

    def header(self) -> Sequence[str | Promise]:
        return [
            _("组织编码"),
            _("组织名称"),
            _("组织类型"),
            _("上级组织编码"),
            _("行政区划代码"),
            _("统一社会信用代码"),
            _("成立日期"),
            _("工会主席"),
            _("状态"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        for org in self.queryset().iterator(chunk_size=2000):
            yield [
                org.code,
                org.name,
                org.get_kind_display(),
                org.parent.code if org.parent else "",
                org.region_code,
                org.uscc,
                org.founded_on,
                org.chair_name,
                org.get_status_display(),
            ]


class EmployerExporter(Exporter):
    """The employer list as filtered on its page (or below one org)."""

    title = _("用人单位")

    def queryset(self) -> QuerySet[Employer]:
        org = None
        if self.params.get("org"):
            org = selectors.org_get(viewer=self.viewer, code=self.params["org"])
        has_union = {"1": True, "0": False}.get(str(self.params.get("has_union", "")))
        qs = selectors.employer_list(
            viewer=self.viewer, org=org, query=self.params.get("q", ""), has_union=has_union
        )
        if self.params.get("min_employees"):
            qs = qs.filter(employee_count__gte=int(self.params["min_employees"]))
        return qs

    def count(self) -> int:
        return self.queryset().count()

    def header(self) -> Sequence[str | Promise]:
        return [
            _("单位名称"),
            _("统一社会信用代码"),
            _("所属行业"),
            _("经济类型"),
            _("职工人数"),
            _("所属工会编码"),
            _("所属工会"),
            _("登记组织"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        for e in self.queryset().iterator(chunk_size=2000):
            yield [
                e.name,
                e.uscc,
                e.industry,
                e.get_ownership_display(),
                e.employee_count,
                e.union.code if e.union else "",
                e.union.name if e.union else "",
                e.registered_by.name,
            ]
