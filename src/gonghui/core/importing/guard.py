"""Hostile workbooks never take the worker down (issue 16, item 5).

Before calamine sees an .xlsx, ``check_zip`` reads the zip's central directory (entry count,
declared uncompressed size) and the ``<dimension ref=…>`` at the start of the first sheet's
XML, against limits in settings. Then ``read_isolated`` reads the sheet in a child process
under an address-space limit (``excel_child``): calamine allocates the whole declared grid at
once, so a 5 KB file with one cell at XFD1048576 asks for 550 GB — in the child, that ends the
child and the job fails with a reason; the worker goes on.
"""

from __future__ import annotations

import logging
import os
import pickle
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHILD_SCRIPT = os.path.join(os.path.dirname(__file__), "excel_child.py")
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\""
)
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
_HEAD_BYTES = 64 * 1024  # the dimension element comes before the cells
_META_BYTES = 4 * 1024 * 1024  # workbook.xml and its rels: small in any real workbook
_FIRST_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*?\s(?:\w+:)id=\"([^\"]+)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb"(\w+)=\"([^\"]*)\"")


class FileRejected(Exception):
    """Raised with a Chinese message; the reader turns it into ImportFileError."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_rows() -> int:
    return int(settings.GONGHUI_IMPORT_MAX_ROWS)


def max_columns() -> int:
    return int(settings.GONGHUI_IMPORT_MAX_COLUMNS)


def column_number(letters: bytes | str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384."""
    number = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + (ord(char) - 64)
    return number


def check_extent(rows: int, columns: int) -> None:
    """A sheet's extent (counted from A1, as the reader yields it) against the limits."""
    if rows > max_rows() or columns > max_columns():
        raise FileRejected(
            _(
                "工作表的数据范围为%(rows)d行×%(cols)d列，超过导入上限（%(max_rows)d行×"
                "%(max_cols)d列）：请删除多余的行列（或把数据复制到新工作簿）后再上传"
            )
            % {"rows": rows, "cols": columns, "max_rows": max_rows(), "max_cols": max_columns()}
        )


def check_zip(fileobj: IO[bytes]) -> None:
    """The central directory and the first sheet's declared dimension; FileRejected if over."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRejected(
            _("无法读取 Excel 文件：文件可能已损坏，请用 Excel 打开后另存为 .xlsx 再上传")
        ) from None
    try:
        limit = int(settings.GONGHUI_IMPORT_MAX_ZIP_ENTRIES)
        if len(entries) > limit:
            raise FileRejected(
                _("工作簿内部包含%(n)d个部件，超过上限%(max)d个，不像正常的 Excel 文件")
                % {"n": len(entries), "max": limit}
            )
        total = sum(info.file_size for info in entries)
        limit = int(settings.GONGHUI_IMPORT_MAX_UNCOMPRESSED)
        if total > limit:
            raise FileRejected(
                _("工作簿解压后约%(mb)d MB，超过上限%(max)d MB：请拆分后分批导入")
                % {"mb": total // (1 << 20), "max": limit // (1 << 20)}
            )
        sheet = _first_sheet(archive)
        if sheet is not None:
            _check_dimension(archive, sheet)
    finally:
        archive.close()
        fileobj.seek(0)


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part name of the workbook's first sheet (the one the reader reads), if it is xlsx.
    Regular expressions over the first bytes, not an XML parser: nothing here may expand."""
    try:
        workbook = _read_head(archive, "xl/workbook.xml", _META_BYTES)
        rels = _read_head(archive, "xl/_rels/workbook.xml.rels", _META_BYTES)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError):
        return None
    sheet = _FIRST_SHEET.search(workbook)
    if sheet is None:
        return None
    for tag in _RELATIONSHIP.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get(b"Id") == sheet.group(1):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def _read_head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    with archive.open(name) as part:
        return part.read(size)


def _check_dimension(archive: zipfile.ZipFile, sheet: str) -> None:
    try:
        head = _read_head(archive, sheet, _HEAD_BYTES)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError):
        return  # calamine reports it, in the child
    data = _SHEET_DATA.search(head)
    match = _DIMENSION.search(head, 0, data.start() if data else len(head))
    if match is None:
        return
    first_col, first_row, last_col, last_row = match.groups()
    check_extent(int(last_row or first_row), column_number(last_col or first_col))


# --- the child process ---------------------------------------------------------------------------


def isolation_available() -> bool:
    """A child with an address-space limit needs ``resource`` (POSIX) and a limit set."""
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return int(settings.GONGHUI_IMPORT_MEMORY_MB) > 0


def _unreadable() -> str:
    return _("无法读取 Excel 文件：文件可能已损坏，请用 Excel 打开后另存为 .xlsx 再上传")


_CHILD_ERRORS = {
    "empty": lambda: _("工作簿中没有工作表"),
    "password": lambda: _("工作簿设置了打开密码，请取消密码后再上传"),
    "unreadable": _unreadable,
}


def _local_path(fileobj: Any) -> tuple[str, bool]:
    """A path the child can open: the file's own, or a temporary copy (remote storage)."""
    name = getattr(fileobj, "name", None)
    if isinstance(name, str) and os.path.isfile(name):
        return name, False
    fd, path = tempfile.mkstemp(prefix="gonghui-import-", suffix=".bin")
    with os.fdopen(fd, "wb") as copy:
        fileobj.seek(0)
        shutil.copyfileobj(fileobj, copy)
    fileobj.seek(0)
    return path, True


class IsolatedSheet:
    """The first sheet, read by ``excel_child`` under the memory limit: ``height`` and ``rows``."""

    def __init__(self, fileobj: Any) -> None:
        self.path, self._temporary = _local_path(fileobj)
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        limit = int(settings.GONGHUI_IMPORT_MEMORY_MB) * (1 << 20)
        env = {**os.environ, "GONGHUI_CHILD_MEMORY": str(limit), "RUST_BACKTRACE": "0"}
        self._proc = subprocess.Popen(  # noqa: S603 (our script, a path as its argument)
            [sys.executable, CHILD_SCRIPT, self.path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        try:
            first = self._receive()
            if first[0] == "error":
                raise FileRejected(_CHILD_ERRORS.get(str(first[1]), _unreadable)())
            self.height = int(first[1])
        except BaseException:
            self.close()
            raise

    def _receive(self) -> tuple[Any, ...]:
        assert self._proc.stdout is not None
        try:
            # The child is our own script: its output is trusted like our code.
            return tuple(pickle.load(self._proc.stdout))  # noqa: S301
        except (EOFError, pickle.UnpicklingError):
            raise FileRejected(self._death_reason()) from None

    def _death_reason(self) -> str:
        code = self._proc.wait()
        self._stderr.seek(0, os.SEEK_END)
        self._stderr.seek(max(0, self._stderr.tell() - 2000))
        tail = self._stderr.read().decode("utf-8", "replace")
        logger.warning("excel reader exited with %s: %s", code, tail.strip()[-500:])
        if code != 0:
            return _(
                "读取工作簿时超出了单次导入的内存上限（%(mb)d MB），文件的数据范围过大或已损坏："
                "请删除多余的行列，或把数据复制到新工作簿后再上传"
            ) % {"mb": int(settings.GONGHUI_IMPORT_MEMORY_MB)}
        return _unreadable()

    def rows(self) -> Iterator[list[Any]]:
        try:
            while True:
                message = self._receive()
                if message[0] == "end":
                    return
                yield from message[1]
        finally:
            self.close()

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()
        if self._temporary:
            os.unlink(self.path)
            self._temporary = False
