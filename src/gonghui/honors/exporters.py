"""Exports of the honours app (core.exporting): header and rows, nothing else."""

from __future__ import annotations

# --- aftercare (hon2) -------------------------------------------------------------------------
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from gonghui.core.exporting import Exporter
from gonghui.core.ledger import bank_file_rows
from gonghui.honors.selectors import care_fund_get


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
