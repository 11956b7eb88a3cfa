"""core.importing: reading, header detection, normalization, duplicates, transactions, the
rejected-rows workbook, dry run and re-import (DESIGN.md rule 6), through a domain-free importer
that writes dictionary entries."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
from typing import Any

import pytest
import python_calamine
import xlsxwriter
from django.core.exceptions import ValidationError

from gonghui.core.importing import (
    Column,
    Importer,
    ImportFileError,
    Kind,
    Outcome,
    Row,
    RowResult,
    normalize,
)
from gonghui.core.models import DictEntry

pytestmark = pytest.mark.django_db


class EntryImporter(Importer):
    """Dictionary entries: 代码 (key), 名称, 日期, 数量 — dates and numbers kept in aliases."""

    name = "测试字典"
    key_fields = ("code",)
    batch_size = 3  # several batches even in small tests
    columns = (
        Column("code", "代码", ["编码", "代码编号"], required=True, kind=Kind.CODE),
        Column("label", "名称", ["名字", "项目名称"], required=True),
        Column("day", "日期", ["登记日期"], kind=Kind.DATE),
        Column("count", "数量", ["人数"], kind=Kind.INT),
    )

    def clean_row(self, row: Row) -> RowResult:
        v = dict(row.values)
        errors, warnings = [], []
        if not v.get("code") and "code" not in row.failed:
            errors.append(self.reason("code", "不能为空"))
        if not v.get("label") and "label" not in row.failed:
            errors.append(self.reason("label", "不能为空"))
        if v.get("count") is not None and v["count"] > 1000:
            warnings.append(self.reason("count", "超过1000，请核对"))
        return RowResult(values=v, errors=errors, warnings=warnings)

    def apply_row(self, values: dict[str, Any]) -> Outcome:
        if values["label"] == "约束冲突":
            raise ValidationError({"label": "服务拒绝了这一行"})
        aliases = [values["day"].isoformat() if values.get("day") else "", values.get("count")]
        entry = DictEntry.objects.filter(dictionary="test", code=values["code"]).first()
        if entry is None:
            DictEntry.objects.create(
                dictionary="test", code=values["code"], label=values["label"], aliases=aliases
            )
            return Outcome.CREATED
        if entry.label == values["label"] and entry.aliases == aliases:
            return Outcome.UNCHANGED
        entry.label, entry.aliases = values["label"], aliases
        entry.save()
        return Outcome.UPDATED


HEADER = ["代码", "名称", "日期", "数量"]
ROWS = [
    ["A1", "第一项", "1985-03-12", "12"],
    ["Ａ２", "第二项", "1985.03.12", "１２０"],
    ["A3", "第 三　项", "1985/3/12", "7"],
    ["A4", "第四项", "1985年3月12日", ""],
    ["A5", "第五项", "1985年3月", "5"],
    ["A6", "第六项", "19850312", "6"],
]


def run(data: bytes, filename: str, **kw: Any) -> Any:
    importer = EntryImporter(actor=None, org_path="", options={})
    return importer.run(io.BytesIO(data), filename, **kw)


def entries() -> list[tuple[str, str, list[Any]]]:
    return list(
        DictEntry.objects.filter(dictionary="test")
        .order_by("code")
        .values_list("code", "label", "aliases")
    )


def xlsx_bytes(rows: list[list[Any]], title_rows: int = 0, date_cells: bool = False) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("数据")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    if title_rows:
        sheet.merge_range(0, 0, 0, 3, "某某工会 测试字典登记表")
    if title_rows > 1:
        sheet.write(1, 0, "填报单位：东区总工会        填报日期：2026年5月")
    for r, cells in enumerate(rows, start=title_rows):
        for c, value in enumerate(cells):
            if isinstance(value, dt.date) and date_cells:
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def csv_text(rows: list[list[Any]]) -> str:
    return "\r\n".join(",".join(str(c) for c in r) for r in rows) + "\r\n"


def read_back(path: str) -> dict[str, list[list[Any]]]:
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


# --- the Must-show -------------------------------------------------------------------------------


def test_gb18030_csv_and_xlsx_with_two_title_rows_import_with_the_same_result() -> None:
    title = [["某某工会 测试字典登记表", "", "", ""], ["填报单位：东区总工会", "", "", ""]]
    csv_data = csv_text([*title, HEADER, *ROWS]).encode("gb18030")
    csv_result = run(csv_data, "登记表.csv")
    from_csv = entries()
    DictEntry.objects.filter(dictionary="test").delete()

    xlsx_result = run(xlsx_bytes([HEADER, *ROWS], title_rows=2), "登记表.xlsx")
    from_xlsx = entries()

    assert csv_result.summary() == xlsx_result.summary()
    assert csv_result.imported == 6 and csv_result.rejected == 0
    assert from_csv == from_xlsx
    assert [c for c, _, _ in from_xlsx] == ["A1", "A2", "A3", "A4", "A5", "A6"]
    assert {a[0] for _, _, a in from_xlsx} == {"1985-03-12", "1985-03-01"}


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False], ids=["with-bom", "without-bom"])
def test_utf8_csv_is_read_with_or_without_bom(bom: bool) -> None:
    data = csv_text([HEADER, *ROWS]).encode("utf-8")
    result = run((codecs.BOM_UTF8 if bom else b"") + data, "list.csv")
    assert result.imported == 6
    assert entries()[0][:2] == ("A1", "第一项")  # the BOM did not stick to the first header


def test_gbk_csv_is_detected_as_gb18030() -> None:
    data = csv_text([HEADER, ["B1", "鑫淼有限公司", "", ""]]).encode("gbk")
    assert run(data, "x.csv").imported == 1
    assert entries()[0][1] == "鑫淼有限公司"


def test_tab_separated_text_is_read() -> None:
    data = "\n".join("\t".join(r) for r in [HEADER, *ROWS]).encode("utf-8")
    assert run(data, "x.csv").imported == 6


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "文件是空的"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "x.csv", "二进制"),
        (b"not a zip at all", "x.xlsx", "不是有效的 Excel 工作簿"),
        (b"PK\x03\x04garbage", "x.xlsx", "无法读取 Excel 文件"),
        (b"\xff\xfe\x00\x00", "x.csv", "UTF-16"),
        (b"a,b\n1,2\n", "x.pdf", "不支持的文件类型"),
    ],
)
def test_unreadable_files_are_refused_with_a_chinese_message(
    data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(ImportFileError) as info:
        run(data, filename)
    assert message in info.value.message


def test_undecodable_csv_is_refused_not_guessed() -> None:
    data = "代码,名称\nA1,x\n".encode() + b"\x81\x20\xff\xfe\n"
    with pytest.raises(ImportFileError, match="无法识别文件编码"):
        run(data, "x.csv")


# --- header --------------------------------------------------------------------------------------


def test_header_variants_map_and_unknown_columns_are_ignored() -> None:
    header = ["序号", "编码", "项目名称", "登记日期", "人数", "备注"]
    data = csv_text([header, ["1", "C1", "甲", "2020-01-02", "3", "随便写"]]).encode()
    assert run(data, "x.csv").imported == 1
    assert entries() == [("C1", "甲", ["2020-01-02", 3])]


def test_header_found_under_title_rows_with_required_markers() -> None:
    rows = [["标题"], [], ["*代码", "名称（必填）", " 日 期 ", "数量"], ["D1", "乙", "", ""]]
    assert run(csv_text(rows).encode(), "x.csv").imported == 1


def test_missing_required_column_is_a_file_level_error_naming_it() -> None:
    data = csv_text([["代码", "日期"], ["E1", "2020-01-01"]]).encode()
    with pytest.raises(ImportFileError) as info:
        run(data, "x.csv")
    assert "缺少必需的列：名称" in info.value.message


def test_file_without_any_known_header_is_refused() -> None:
    with pytest.raises(ImportFileError, match="找不到表头"):
        run(csv_text([["a", "b"], ["1", "2"]]).encode(), "x.csv")


# --- normalization -------------------------------------------------------------------------------


def test_full_width_digits_letters_and_spaces_are_normalized() -> None:
    assert normalize.to_text("\u3000第\u00a0 三\u3000\u3000项 ") == "第 三 项"
    assert normalize.to_code(" ４１０１０５ １９７００１０１１２３ｘ ") == "41010519700101123X"
    assert normalize.to_int("１，２００") == 1200


@pytest.mark.parametrize(
    "text",
    ["1985-03-12", "1985.03.12", "1985/3/12", "1985年3月12日", "19850312", "1985-3-12 00:00:00"],
)
def test_text_dates_in_each_format(text: str) -> None:
    assert normalize.to_date(text) == dt.date(1985, 3, 12)


def test_year_and_month_means_the_first_of_the_month() -> None:
    assert normalize.to_date("1985年3月") == dt.date(1985, 3, 1)
    assert normalize.to_date("1985.03") == dt.date(1985, 3, 1)


def test_excel_serial_dates_and_date_cells() -> None:
    assert normalize.to_date(31118.0) == dt.date(1985, 3, 12)
    assert normalize.to_date("31118") == dt.date(1985, 3, 12)
    assert normalize.to_date(dt.datetime(1985, 3, 12, 0, 0)) == dt.date(1985, 3, 12)
    data = xlsx_bytes(
        [HEADER, ["F1", "丙", 31118, 1], ["F2", "丁", dt.date(1985, 3, 12), 2.0]], date_cells=True
    )
    assert run(data, "x.xlsx").imported == 2
    assert [a for _, _, a in entries()] == [["1985-03-12", 1], ["1985-03-12", 2]]


def test_impossible_and_unknown_dates_name_the_column_and_the_formats() -> None:
    data = csv_text([HEADER, ["G1", "戊", "1985-02-30", ""], ["G2", "己", "去年", ""]]).encode()
    result = run(data, "x.csv")
    assert result.rejected == 2
    sheet = read_back(result.problems_path)["问题行"]
    assert "日期：“1985-02-30”不是有效的日期" in sheet[1][4]
    assert "日期：无法识别的日期“去年”" in sheet[2][4] and "1985年3月" in sheet[2][4]


def test_numbers_read_as_floats_become_codes_and_long_numbers_are_refused() -> None:
    assert normalize.to_code(410105.0) == "410105"
    assert normalize.to_code("41010519700101123X") == "41010519700101123X"
    with pytest.raises(normalize.CellError, match="丢失"):
        normalize.to_code(4.101051970010112e17)
    assert normalize.cell_text(120.0) == "120" and normalize.cell_text(1.5) == "1.5"
    data = xlsx_bytes([HEADER, [410105.0, "庚", "", ""], [41010519700101123, "辛", "", ""]])
    result = run(data, "x.xlsx")
    assert entries()[0][0] == "410105"
    assert result.rejected == 1


# --- rows --------------------------------------------------------------------------------------


def test_duplicates_within_a_file_first_occurrence_wins() -> None:
    rows = [HEADER, ["H1", "第一次", "", ""], ["H2", "别的", "", ""], ["ｈ1", "第二次", "", ""]]
    result = run(csv_text(rows).encode(), "x.csv")
    assert (result.imported, result.rejected) == (2, 1)
    assert ("H1", "第一次", ["", None]) in entries()
    sheet = read_back(result.problems_path)["问题行"]
    assert sheet[1][4] == "与第2行重复（H1），以第一次出现的为准" and sheet[1][6] == 4


def test_bad_rows_are_rejected_while_good_rows_are_kept() -> None:
    rows = [
        HEADER,
        ["I1", "好", "", "1"],
        ["", "缺代码", "", ""],
        ["I3", "好", "", "x"],
        ["I4", "约束冲突", "", ""],
        ["I5", "好", "", "5"],
        ["I6", "好", "", "6"],
        ["I7", "好", "", "7"],
    ]
    result = run(csv_text(rows).encode(), "x.csv")
    assert (result.total, result.imported, result.rejected) == (7, 4, 3)
    assert [c for c, _, _ in entries()] == ["I1", "I5", "I6", "I7"]


def test_errors_workbook_has_reason_and_warning_columns() -> None:
    rows = [HEADER, ["J1", "", "1985-03-12", "3"], ["J2", "多", "", "5000"], ["J3", "好", "", ""]]
    result = run(csv_text(rows).encode(), "x.csv")
    assert (result.imported, result.rejected, result.warnings) == (2, 1, 1)
    book = read_back(result.problems_path)
    rejected, warned = book["问题行"], book["已导入但有警告"]
    assert rejected[0] == [*HEADER, "问题原因", "警告", "原行号"]
    assert rejected[1][:4] == ["J1", "", "1985-03-12", "3"]  # the original cells
    assert rejected[1][4] == "名称：不能为空" and rejected[1][6] == 2
    assert warned[1][0] == "J2" and warned[1][5] == "数量：超过1000，请核对"


def test_the_errors_workbook_can_be_fixed_and_imported_again() -> None:
    rows = [HEADER, ["K1", "", "", ""]]
    result = run(csv_text(rows).encode(), "x.csv")
    with open(result.problems_path, "rb") as fh:
        again = run(fh.read(), "问题行.xlsx")
    assert again.rejected == 1  # still bad, but its header (with 问题原因) was recognized


def test_dry_run_writes_nothing_but_counts_what_would_happen() -> None:
    data = csv_text([HEADER, *ROWS, ["A1", "重复", "", ""]]).encode()
    result = run(data, "x.csv", dry_run=True)
    assert (result.imported, result.rejected) == (6, 1)
    assert entries() == []


def test_reimporting_the_same_file_changes_nothing() -> None:
    data = xlsx_bytes([HEADER, *ROWS], title_rows=1)
    run(data, "x.xlsx")
    before = list(DictEntry.objects.filter(dictionary="test").values())
    again = run(data, "x.xlsx")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 6)
    assert list(DictEntry.objects.filter(dictionary="test").values()) == before
    assert not again.problems_path


def test_changed_rows_are_updated() -> None:
    run(csv_text([HEADER, ["L1", "旧", "", ""]]).encode(), "x.csv")
    result = run(csv_text([HEADER, ["L1", "新", "", ""]]).encode(), "x.csv")
    assert result.updated == 1 and entries()[0][1] == "新"


def test_progress_is_reported_every_batch() -> None:
    calls: list[tuple[int, int]] = []
    data = csv_text([HEADER, *ROWS, ["A7", "第七项", "", ""]]).encode()
    run(data, "x.csv", progress=lambda done, total: calls.append((done, total)))
    assert [c[0] for c in calls] == [0, 3, 6, 7]
    assert all(total >= 7 for _, total in calls[1:])


def test_blank_rows_are_skipped_and_row_numbers_follow_the_sheet() -> None:
    rows = [["标题", "", "", ""], HEADER, ["M1", "好", "", ""], ["", "", "", ""], ["", "", "", ""]]
    rows.append(["M4", "", "", ""])
    result = run(xlsx_bytes(rows), "x.xlsx")
    assert result.total == 2
    assert read_back(result.problems_path)["问题行"][1][6] == 6


def test_template_has_header_row_with_known_labels() -> None:
    data = EntryImporter(actor=None, org_path="").template_bytes()
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert sheet.get_sheet_by_index(0).to_python()[0] == HEADER


def test_summary_is_the_cli_json_shape() -> None:
    result = run(csv_text([HEADER, ["N1", "好", "", ""]]).encode(), "x.csv")
    assert json.loads(json.dumps(result.summary("x.xlsx"))) == {
        "total": 1,
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "warnings": 0,
        "errors_file": "x.xlsx",
    }


class BulkEntryImporter(EntryImporter):
    """The bulk path issue 5's member importer will take: validate each row, write in bulk."""

    def process_batch(self, rows: list[Row]) -> None:
        valid = []
        for row in rows:
            self.validate(row)
            if row.cleaned is not None:
                valid.append(row)
        DictEntry.objects.bulk_create(
            DictEntry(dictionary="test", code=r.cleaned["code"], label=r.cleaned["label"])
            for r in valid
            if r.cleaned is not None
        )
        for row in valid:
            row.outcome = Outcome.CREATED


def test_a_bulk_importer_keeps_counts_duplicates_and_the_problem_workbook() -> None:
    data = csv_text([HEADER, *ROWS, ["A1", "重复", "", ""], ["", "缺代码", "", ""]]).encode()
    result = BulkEntryImporter(actor=None, org_path="").run(io.BytesIO(data), "x.csv")
    assert (result.total, result.imported, result.rejected) == (8, 6, 2)
    assert len(entries()) == 6
    assert [r[6] for r in read_back(result.problems_path)["问题行"][1:]] == [8, 9]


def test_a_repeating_column_converts_each_text_once_and_never_remembers_an_error() -> None:
    from gonghui.core.importing import base, normalize

    calls: list[Any] = []

    def to_date(value: Any) -> Any:
        calls.append(value)
        return normalize.to_date(value)

    convert = base._memoized(to_date)
    assert convert("2020-05-01") == convert("2020-05-01") == normalize.to_date("2020-05-01")
    assert calls == ["2020-05-01"]
    for _ in range(2):
        with pytest.raises(normalize.CellError):
            convert("2020-13-45")
    assert calls.count("2020-13-45") == 2
    # 1 and True are equal keys: only text is remembered
    text = base._memoized(normalize.to_text)
    assert (text(1), text(True)) == ("1", "是")


@pytest.mark.parametrize("text", ["", " ", "\u3000\u200b", "a", "\ufeff", "\u3000x", "\xa0 "])
def test_a_blank_row_is_what_cell_text_finds_empty(text: str) -> None:
    from gonghui.core.importing import normalize

    assert normalize.is_blank(text) == (normalize.cell_text(text) == "")
