"""The workbooks an import writes: the rejected rows with their reasons, and the template."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from gonghui.core.importing import normalize

if TYPE_CHECKING:
    from gonghui.core.importing.base import Column, Row

REASON_HEADER = "问题原因"
WARNING_HEADER = "警告"
ROW_NUMBER_HEADER = "原行号"


class ProblemWorkbook:
    """The rejected rows (original cells) with 问题原因 and 警告, and a second sheet of rows
    imported with warnings. Written in constant-memory mode; created on the first problem."""

    def __init__(self, header: list[Any]) -> None:
        self.header = [normalize.cell_text(h) for h in header]
        self.path = ""
        self._workbook: Any = None
        self._sheets: dict[str, Any] = {}
        self._next: dict[str, int] = {}

    def _open(self) -> None:
        import xlsxwriter

        fd, self.path = tempfile.mkstemp(prefix="gonghui-import-", suffix=".xlsx")
        os.close(fd)
        self._workbook = xlsxwriter.Workbook(
            self.path, {"constant_memory": True, "strings_to_numbers": False}
        )
        bold = self._workbook.add_format({"bold": True})
        columns = [*self.header, REASON_HEADER, WARNING_HEADER, ROW_NUMBER_HEADER]
        for name in (_("问题行"), _("已导入但有警告")):
            sheet = self._workbook.add_worksheet(name)
            sheet.write_row(0, 0, columns, bold)
            sheet.freeze_panes(1, 0)
            self._sheets[name] = sheet
            self._next[name] = 1

    def add(self, row: Row, *, rejected: bool) -> None:
        if self._workbook is None:
            self._open()
        name = _("问题行") if rejected else _("已导入但有警告")
        sheet, n = self._sheets[name], self._next[name]
        width = len(self.header)
        cells = [*row.raw[:width], *[""] * (width - len(row.raw))]
        for col, value in enumerate(cells):
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(n, col, value)
            else:
                sheet.write_string(n, col, normalize.cell_text(value))
        sheet.write_string(n, width, "；".join(row.errors))
        sheet.write_string(n, width + 1, "；".join(row.warnings))
        sheet.write_number(n, width + 2, row.number)
        self._next[name] = n + 1

    def close(self) -> str:
        if self._workbook is not None:
            self._workbook.close()
        return self.path


def template_bytes(columns: Sequence[Column]) -> bytes:
    """An .xlsx with the header row (required columns in red, help as comments), one example
    row, and text format on text and code columns (so Excel keeps leading zeros and long codes)."""
    import xlsxwriter

    from gonghui.core.importing.base import Kind

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("导入模板"))
    required = workbook.add_format({"bold": True, "font_color": "#C00000"})
    optional = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    for col, column in enumerate(columns):
        sheet.write_string(0, col, str(column.label), required if column.required else optional)
        fmt = text if column.kind in (Kind.CODE, Kind.TEXT) else None
        sheet.set_column(col, col, max(12, len(str(column.label)) * 2 + 4), fmt)
        if column.example not in ("", None):
            sheet.write_string(1, col, str(column.example), text)
        if column.help:
            sheet.write_comment(0, col, str(column.help))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
