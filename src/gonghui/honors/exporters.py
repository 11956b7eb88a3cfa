"""Exports of the honours app (core.exporting): the 推荐审批表 of a call's candidates and the
roster (荣誉库). ID numbers are masked; rows come from the viewer's scope."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _l

from gonghui.core.exporting import Exporter
from gonghui.core.ledger import bank_file_rows
from gonghui.honors import selectors
from gonghui.honors.models import Nomination
from gonghui.honors.selectors import care_fund_get


def _categories(n: Nomination) -> str:
    labels = [
        (n.enterprise, _("企业人选")),
        (n.front_line, _("一线职工")),
        (n.enterprise_head, _("企业负责人")),
        (n.farmer, _("农民")),
        (n.migrant_worker, _("农民工")),
    ]
    return "、".join(label for on, label in labels if on)


class NominationExporter(Exporter):
    """推荐审批表: one row per candidate of the call in the viewer's scope."""

    title = _l("推荐审批表")

    def header(self) -> Sequence[str | Promise]:
        return [
            _l("序号"),
            _l("姓名/名称"),
            _l("性别"),
            _l("出生年月"),
            _l("政治面貌"),
            _l("学历"),
            _l("工作单位"),
            _l("职务/职称"),
            _l("身份证号码"),
            _l("推荐单位"),
            _l("人选类别"),
            _l("主要事迹"),
            _l("征求意见情况"),
            _l("当前层级"),
            _l("状态"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        call = selectors.call_get(viewer=self.viewer, pk=int(self.params["call_id"]))
        listed = selectors.nominations_of_call(viewer=self.viewer, call=call).prefetch_related(
            "consultations"
        )
        for seq, n in enumerate(listed, start=1):
            consulted = "；".join(
                f"{c.get_body_display()}:{_('同意') if c.agreed else _('不同意')}"
                f"({c.answered_on:%Y-%m-%d})"
                for c in n.consultations.all()
            )
            yield [
                seq,
                n.name,
                n.get_gender_display() if n.gender else "",
                n.birth_date.strftime("%Y.%m") if n.birth_date else "",
                n.political_status,
                n.education,
                n.employer.name if n.employer else "",
                n.position,
                n.masked_id_number,
                n.org.name,
                _categories(n),
                n.deeds,
                consulted,
                n.at_org.name,
                n.get_status_display(),
            ]


class RosterExporter(Exporter):
    """荣誉库: the honours of the viewer's scope."""

    title = _l("荣誉库")

    def header(self) -> Sequence[str | Promise]:
        return [
            _l("证书编号"),
            _l("姓名/名称"),
            _l("性别"),
            _l("身份证号码"),
            _l("荣誉类型"),
            _l("层级"),
            _l("授予日期"),
            _l("授予机关"),
            _l("所在工会"),
            _l("一线职工"),
            _l("农民工"),
            _l("管理期至"),
            _l("状态"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        honours = selectors.honour_list(
            viewer=self.viewer,
            level=str(self.params.get("level", "")),
            award_type=str(self.params.get("award_type", "")),
            status=str(self.params.get("status", "")),
        ).order_by("org_path", "id")
        for h in honours.iterator(chunk_size=2000):
            yield [
                h.certificate_no,
                h.name,
                h.get_gender_display() if h.gender else "",
                h.masked_id_number,
                h.award_type.name,
                h.get_level_display(),
                h.conferred_on,
                h.conferring_body,
                h.org.name,
                h.front_line,
                h.migrant_worker,
                h.term_ends_on,
                h.get_status_display(),
            ]


# --- aftercare (hon2) -------------------------------------------------------------------------
class CareBankFileExporter(Exporter):
    """The bank's batch file of a 劳模 care fund's pending allowances (real accounts: making it
    is audited by the ledger)."""

    title = gettext_lazy("荣誉津贴批量代发")

    def header(self) -> Sequence[str | Promise]:
        return [
            gettext_lazy("序号"),
            gettext_lazy("户名"),
            gettext_lazy("开户银行"),
            gettext_lazy("账号"),
            gettext_lazy("金额"),
            gettext_lazy("用途"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        fund = care_fund_get(viewer=self.viewer, pk=self.params["fund"])
        yield from bank_file_rows(actor=self.viewer, fund=fund)
