"""Excel export of motions with their handling (scoped to the viewer)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core.exporting import Exporter
from gonghui.democracy.selectors import congress as selectors


class MotionExporter(Exporter):
    title = _("职代会提案")

    def header(self) -> Sequence[str | Promise]:
        return [
            _("单位"),
            _("立案号"),
            _("案由"),
            _("提案人"),
            _("附议人数"),
            _("状态"),
            _("承办部门"),
            _("答复期限"),
            _("答复日期"),
            _("按期答复"),
            _("评价"),
            _("落实进度(%)"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        qs = selectors.motion_list(viewer=self.viewer).select_related("congress__org")
        for m in qs.order_by("org_path", "number", "pk").iterator(chunk_size=2000):
            yield [
                m.congress.org.name,
                m.number,
                m.title,
                m.proposer.name,
                m.signer_count,  # type: ignore[attr-defined]
                m.get_state_display(),
                m.department.name if m.department else "",
                m.due_on,
                m.replied_on,
                {True: _("是"), False: _("否")}.get(m.replied_on_time, "")
                if m.replied_on_time is not None
                else "",
                m.get_rating_display(),
                m.progress,
            ]
