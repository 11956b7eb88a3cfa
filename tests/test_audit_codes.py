"""Every code an f-string audit call can build is registered (issue 17.3): the finite sets the
services draw the suffix from, so that a new transition without a label fails here even before a
test happens to write it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gonghui.benefits.services.merchants import TRANSITIONS
from gonghui.core import ledger
from gonghui.core.audit import audit_actions
from gonghui.members.services.members import STATUS_ACTIONS
from gonghui.stats.models import ReportStatus
from gonghui.voice.models import StepAction


def test_every_expansion_of_the_f_string_codes_is_registered() -> None:
    expected = {
        *(f"voice.appeal.{a}" for a in StepAction.values),
        *(f"members.member.{a}" for a in STATUS_ACTIONS),
        *(f"benefits.merchant.{a}" for a in TRANSITIONS),
        *(f"benefits.offer.{a}" for a in ("approve", "withdraw")),
        *(f"stats.report.{s}" for s in ReportStatus.values),
    }
    assert expected - set(audit_actions()) == set()


def test_every_code_the_ledger_writes_is_registered_with_a_chinese_label() -> None:
    labels = audit_actions()
    written = {code for purpose in ledger.purposes() for code in purpose.audit.all()}
    assert ledger.purposes() and len(written) >= 4
    for code in written:
        assert code in labels, code
        assert str(labels[code]) != code and any(
            "\u4e00" <= ch <= "\u9fff" for ch in str(labels[code])
        )


def test_the_ledger_builds_no_audit_code_from_parts() -> None:
    tree = ast.parse(Path(ledger.__file__).read_text())
    built = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword)
        and node.arg == "action"
        and not isinstance(node.value, ast.Attribute | ast.Constant)
    ]
    assert built == []


def test_a_fund_purpose_with_an_unlabelled_code_is_refused() -> None:
    codes = ledger.FundAuditCodes(
        created="assistance.fund.created",
        deposited="assistance.fund.deposited",
        refunded="nowhere.fund.refunded",
        bank_file="assistance.fund.bank_file",
    )
    with pytest.raises(ImproperlyConfigured, match=r"nowhere\.fund\.refunded"):
        ledger.register_fund_purpose(
            "test_unlabelled", "测试", owner="nowhere", capability="x", view_capability="x",
            audit=codes,
        )  # fmt: skip
    assert "test_unlabelled" not in {p.code for p in ledger.purposes()}
