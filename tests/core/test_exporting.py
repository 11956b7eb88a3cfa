"""core.exporting: an exporter only yields rows; xlsx (split across sheets) and CSV (with BOM)
come free; small sets stream, large sets run as an ExportJob."""

from __future__ import annotations

import codecs
import io
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import python_calamine
from django.core.exceptions import PermissionDenied

from gonghui.core.exporting import (
    Exporter,
    XlsxWriter,
    csv_chunks,
    export_response,
    export_start,
    rows_to_bytes,
)
from gonghui.core.models import ExportJob, JobStatus


class NumbersExporter(Exporter):
    title = "数字"

    def header(self) -> Sequence[str]:
        return ["序号", "名称", "编码"]

    def rows(self) -> Iterator[Sequence[Any]]:
        for i in range(self.params.get("n", 10)):
            yield [i + 1, f"第{i + 1}行", "410105" if i == 0 else None]

    def count(self) -> int:
        return int(self.params.get("n", 10))


class SmallSheets(XlsxWriter):
    max_rows = 4  # the header and three rows per sheet


def sheets(data: bytes) -> dict[str, list[list[Any]]]:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: workbook.get_sheet_by_name(n).to_python() for n in workbook.sheet_names}


def test_xlsx_export_is_split_across_sheets_below_the_row_limit() -> None:
    buffer = io.BytesIO()
    written = SmallSheets().write(NumbersExporter(viewer=None, n=8), buffer)
    book = sheets(buffer.getvalue())
    assert written == 8
    assert list(book) == ["数字", "数字(2)", "数字(3)"]
    assert [len(rows) for rows in book.values()] == [4, 4, 3]
    assert all(rows[0] == ["序号", "名称", "编码"] for rows in book.values())
    assert [r[0] for rows in book.values() for r in rows[1:]] == [float(i) for i in range(1, 9)]


def test_xlsx_keeps_codes_as_text() -> None:
    book = sheets(rows_to_bytes(NumbersExporter(viewer=None, n=1), "xlsx"))
    assert book["数字"][1] == [1.0, "第1行", "410105"]


def test_empty_export_still_has_its_header() -> None:
    book = sheets(rows_to_bytes(NumbersExporter(viewer=None, n=0), "xlsx"))
    assert book["数字"] == [["序号", "名称", "编码"]]


def test_csv_export_has_a_bom_so_excel_reads_chinese() -> None:
    data = rows_to_bytes(NumbersExporter(viewer=None, n=2), "csv")
    assert data.startswith(codecs.BOM_UTF8)
    assert data.decode("utf-8-sig").splitlines() == ["序号,名称,编码", "1,第1行,410105", "2,第2行,"]


def test_csv_is_streamed_line_by_line() -> None:
    chunks = list(csv_chunks(NumbersExporter(viewer=None, n=3)))
    assert len(chunks) == 5  # BOM, header, three rows


@pytest.mark.django_db  # closing a response ends its request (request_finished)
def test_small_sets_stream_as_a_download() -> None:
    response = export_response(NumbersExporter(viewer=None, n=3), "csv")
    assert response.streaming and "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(codecs.BOM_UTF8)
    xlsx = export_response(NumbersExporter(viewer=None, n=3), "xlsx")
    assert len(sheets(b"".join(xlsx.streaming_content))["数字"]) == 4  # type: ignore[attr-defined]
    spool = xlsx.file_to_stream  # type: ignore[attr-defined]
    xlsx.close()  # what the server does once the body is sent: it closes the spool file
    assert spool.closed


class RefusedMidway(NumbersExporter):
    """An exporter refused while it writes (a scope check inside ``rows``)."""

    def rows(self) -> Iterator[Sequence[Any]]:
        yield [1, "第1行", None]
        raise PermissionDenied


def test_an_export_refused_while_writing_closes_its_spool_file(
    monkeypatch: Any, tmp_path: Any
) -> None:
    """Both files of an xlsx export: the response's spool, and the sheet's rows that xlsxwriter
    keeps in a temporary file of its own (personal data in plaintext) until it closes."""
    made: list[Any] = []
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def temporary_file() -> Any:
        made.append(real())
        return made[-1]

    real = tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "TemporaryFile", temporary_file)
    with pytest.raises(PermissionDenied):
        export_response(RefusedMidway(viewer=None), "xlsx")
    assert len(made) == 1 and made[0].closed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_large_sets_run_as_an_export_job(settings: Any, tmp_path: Any) -> None:
    from tests.factories import make_account

    settings.MEDIA_ROOT = str(tmp_path)
    officer = make_account("officer", "exporter")

    class Limited(NumbersExporter):
        inline_limit = 5

    # the class lives in this test module; the job finds it by its dotted path
    globals()["Limited"] = Limited
    Limited.__qualname__ = "Limited"
    job = export_start(Limited(viewer=officer, n=7), org_path="0001", file_format="xlsx")
    assert isinstance(job, ExportJob)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows == 7
    with job.result.open("rb") as fh:
        assert len(sheets(fh.read())["数字"]) == 8
    inline = export_start(Limited(viewer=officer, n=5), org_path="0001")
    assert not isinstance(inline, ExportJob)
    inline.close()
