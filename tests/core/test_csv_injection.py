"""CSV exports neutralise formulas (CSV injection): a text cell starting with = + - @, a tab or a
carriage return gets a leading ``'`` in every CSV the platform writes: the member CSV, the bank's
batch-payment file and every other export (they all go through ``core.exporting.csv_chunks``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from gonghui.assistance.reports import BankFileExporter
from gonghui.assistance.services import funds
from gonghui.core import ledger
from gonghui.core.exporting import Exporter, rows_to_bytes
from gonghui.core.importing.reader import read_table
from gonghui.members.exporters import MemberExporter
from tests.conftest import Cast, fresh
from tests.factories import apply, archive, chair, register

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


class Dangerous(Exporter):
    title = "test"

    def header(self) -> Sequence[str]:
        return ["=header", "plain"]

    def rows(self) -> Iterator[Sequence[Any]]:
        for text in DANGEROUS:
            yield [text, -5]


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_formula_start_is_quoted_and_numbers_are_left_alone() -> None:
    rows = cells(rows_to_bytes(Dangerous(viewer=None), "csv"))
    assert rows[0] == ["'=header", "plain"]
    assert [r[0] for r in rows[1:]] == ["'" + text for text in DANGEROUS]
    assert {r[1] for r in rows[1:]} == {"-5"}  # a number is a number, not a formula


def test_the_quote_is_dropped_again_on_import(tmp_path: Path) -> None:
    path = tmp_path / "back.csv"
    path.write_bytes(rows_to_bytes(Dangerous(viewer=None), "csv"))
    with path.open("rb") as fh:
        back = list(read_table(fh, path.name).rows)
    assert [r[0] for r in back[1:]] == DANGEROUS


def test_member_csv_neutralises_formulas(cast: Cast) -> None:
    register(cast, household_place='=HYPERLINK("http://evil","点击")')
    exporter = MemberExporter(viewer=fresh(cast.grassroots_officer), org=cast.grassroots.code)
    text = rows_to_bytes(exporter, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert not [c for row in cells(text.encode()) for c in row if c.startswith("=")]


def test_bank_payment_file_neutralises_formulas(cast: Cast) -> None:
    boss = chair(cast.county, "east_chair")
    fund = ledger.fund_create(
        actor=fresh(boss), org=cast.county, name="帮扶资金", purpose="special"
    )
    ledger.fund_deposit(actor=fresh(boss), fund=fund, amount="1000", memo="预算")
    case = archive(cast, apply(cast, name="@cmd", bank_name="-2+3 银行"), boss)
    funds.record_create(actor=fresh(boss), fund=fund, kind="cash", amount="100", case=case)
    exporter = BankFileExporter(viewer=fresh(boss), fund=fund.pk)
    row = cells(rows_to_bytes(exporter, "csv"))[1]
    assert row[1:3] == ["'@cmd", "'-2+3 银行"]


def test_every_csv_writer_is_the_one_in_core_exporting() -> None:
    """Any other CSV writer would skip ``csv_safe``: there is none."""
    src = Path(__file__).resolve().parents[2] / "src" / "gonghui"
    writers = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if "csv.writer(" in p.read_text(encoding="utf-8")
        or "csv.DictWriter(" in p.read_text(encoding="utf-8")
    ]
    assert writers == ["core/exporting.py"]
