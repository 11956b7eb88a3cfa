"""Reading an uploaded table: Excel through python-calamine, CSV in UTF-8 or GB18030."""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from gonghui.core.exporting import CSV_FORMULA_STARTS

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods"}
ACCEPTED_EXTENSIONS = {*SPREADSHEET_EXTENSIONS, ".csv", ".txt"}
_CHUNK = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The rows of the first sheet, as read; ``size_hint`` estimates how many there are."""

    rows: Iterator[list[Any]]
    size_hint: int
    kind: str  # "excel" or "csv:<encoding>"


def _raw(fileobj: Any) -> Any:
    """Unwrap Django's File objects to the underlying binary stream."""
    while hasattr(fileobj, "file") and fileobj.file is not None and fileobj.file is not fileobj:
        fileobj = fileobj.file
    return fileobj


def read_table(fileobj: IO[bytes], filename: str) -> Table:
    """Open ``fileobj`` by its content (zip / OLE2 magic) and its name; raise ImportFileError."""
    fileobj = _raw(fileobj)
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    ext = os.path.splitext(filename or "")[1].lower()
    if not head:
        raise ImportFileError(_("文件是空的"))
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE2_MAGIC):
        return _read_excel(fileobj)
    if ext in SPREADSHEET_EXTENSIONS:
        raise ImportFileError(
            _("文件“%(name)s”不是有效的 Excel 工作簿（可能已损坏，或只是改了扩展名）")
            % {"name": filename}
        )
    if ext and ext not in ACCEPTED_EXTENSIONS:
        raise ImportFileError(
            _("不支持的文件类型“%(ext)s”：请上传 .xlsx、.xls 或 .csv 文件") % {"ext": ext}
        )
    return _read_csv(fileobj)


def _read_excel(fileobj: IO[bytes]) -> Table:
    """Zip workbooks are checked before anything parses them (``guard.check_zip``); the sheet
    is read in a memory-limited child process where the platform has one."""
    from gonghui.core.importing import guard

    try:
        if fileobj.read(4) == ZIP_MAGIC:
            guard.check_zip(fileobj)
        fileobj.seek(0)
        if guard.isolation_available():
            sheet = guard.IsolatedSheet(fileobj)
            try:
                guard.check_extent(sheet.height, 0)
            except guard.FileRejected:
                sheet.close()
                raise
            return Table(rows=sheet.rows(), size_hint=sheet.height, kind="excel")
    except guard.FileRejected as exc:
        raise ImportFileError(exc.message) from None
    return _read_excel_here(fileobj)


def _read_excel_here(fileobj: IO[bytes]) -> Table:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(fileobj)
        if not workbook.sheet_names:
            raise ImportFileError(_("工作簿中没有工作表"))
        sheet = workbook.get_sheet_by_index(0)
    except ImportFileError:
        raise
    except python_calamine.PasswordError:
        raise ImportFileError(_("工作簿设置了打开密码，请取消密码后再上传")) from None
    except Exception:
        raise ImportFileError(
            _("无法读取 Excel 文件：文件可能已损坏，请用 Excel 打开后另存为 .xlsx 再上传")
        ) from None
    return Table(rows=(list(r) for r in sheet.iter_rows()), size_hint=sheet.height, kind="excel")


def detect_encoding(fileobj: IO[bytes]) -> tuple[str, int]:
    """The CSV's encoding — UTF-8 (with or without BOM), else GB18030 (a superset of GBK) —
    proven by decoding the whole file strictly, and its number of lines."""
    start = fileobj.read(4)
    fileobj.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_("不支持 UTF-16 编码的文件：请另存为 UTF-8 或 Excel 工作簿"))
    candidates = ["utf-8-sig"] if start.startswith(codecs.BOM_UTF8) else ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        lines = 0
        try:
            while chunk := fileobj.read(_CHUNK):
                if b"\x00" in chunk:
                    raise ImportFileError(_("文件不是文本表格（含有二进制内容），无法读取"))
                lines += chunk.count(b"\n")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            fileobj.seek(0)
            continue
        fileobj.seek(0)
        return encoding, lines + 1
    raise ImportFileError(
        _("无法识别文件编码：请另存为 UTF-8 或 GBK（GB18030）编码的 CSV，或 Excel 工作簿")
    )


def csv_unquote(cell: str) -> str:
    """Undo ``core.exporting.csv_safe``: ``'=SUM(A1)`` → ``=SUM(A1)`` (the importer validates
    every cell as data, never as a formula)."""
    if cell[:1] == "'" and cell[1:2] in CSV_FORMULA_STARTS:
        return cell[1:]
    return cell


def _read_csv(fileobj: IO[bytes]) -> Table:
    encoding, lines = detect_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    sample = text.read(8192)
    text.seek(0)
    # Excel saves CSV with commas; "Unicode text" and some systems' exports use tabs.
    dialect: Any = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel

    def rows() -> Iterator[list[Any]]:
        reader = csv.reader(text, dialect)
        try:
            starts = CSV_FORMULA_STARTS
            for row in reader:  # csv_unquote, inline: a million rows of eight cells
                yield [c[1:] if c[:1] == "'" and c[1:2] in starts else c for c in row]
        except csv.Error:
            # A cell over the csv module's 128 KB, or a quote never closed: no roster has one.
            raise ImportFileError(
                _("第%(line)d行附近无法读取：单元格过长或引号不配对，请检查后另存为 CSV 再上传")
                % {"line": reader.line_num}
            ) from None
        finally:
            text.detach()

    return Table(rows=rows(), size_hint=lines, kind=f"csv:{encoding}")
