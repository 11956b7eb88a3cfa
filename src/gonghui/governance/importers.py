"""Payroll imports on ``core.importing`` (map and validate one row; the job, batching and the
problem-rows workbook are core's): members' monthly wages for 会费, employers' payroll totals
for 工会经费."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.importing import Column, Importer, ImportFileError, Kind, Outcome, Row, RowResult
from gonghui.governance.models.dues import StaffKind
from gonghui.governance.models.funds import PayrollSource
from gonghui.governance.rules import WagePart
from gonghui.governance.services.dues import dues_month_set
from gonghui.governance.services.funds import funds_month_set
from gonghui.members.models import Member
from gonghui.members.services.members import id_index
from gonghui.orgs.models import Employer, Org

_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(月)?(\s*[-/.]\s*\d{1,2}\s*日?)?$")
WAGE_COLUMNS = (
    (WagePart.WAGE, gettext_lazy("工资"), ("月工资", "应发工资", "标准工资")),
    (WagePart.POST, gettext_lazy("职务工资"), ()),
    (WagePart.LEVEL, gettext_lazy("级别工资"), ()),
    (WagePart.BASIC, gettext_lazy("基础工资"), ()),
    (WagePart.SENIORITY, gettext_lazy("工龄工资"), ()),
    (WagePart.GRADE, gettext_lazy("等级工资"), ("薪级工资",)),
    (WagePart.POSITION, gettext_lazy("岗位工资"), ()),
    (WagePart.BONUS, gettext_lazy("奖金"), ()),
    (WagePart.ALLOWANCE, gettext_lazy("津贴"), ()),
    (WagePart.SUBSIDY, gettext_lazy("补贴"), ()),
)
_WORKER_WORDS = {"工人", "工勤", "工勤人员", StaffKind.WORKER}


def parse_month(value: Any) -> dt.date:
    """2026-03, 2026/3, 2026年3月, 2026-03-01 or an Excel date → the first of the month."""
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    found = _MONTH.match(str(value or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(value)
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def parse_amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    text = str(value).replace(",", "").replace("，", "").strip()
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(value) from None
    if amount < 0:
        raise ValueError(value)
    return amount


def _org(importer: Importer) -> Org:
    code = importer.options.get("org", "")
    org = Org.objects.filter(code=code).first()
    if org is None or org.path != importer.org_path:
        raise ImportFileError(_("导入的组织不存在"))
    return org


class WageImporter(Importer):
    """工资表 → each member's dues of the month (会费核定): one row per member and month."""

    name = gettext_lazy("会费工资表")
    template_title = gettext_lazy("会费工资表模板")
    capability = "governance.dues"
    holds_personal_ids = True
    columns = (
        Column(
            "id_number", gettext_lazy("公民身份号码"), ("身份证号", "证件号码"), True, Kind.CODE
        ),
        Column("name", gettext_lazy("姓名"), (), True, example="张伟"),
        Column("month", gettext_lazy("月份"), ("工资月份",), True, example="2026-03", repeats=True),
        Column("staff_kind", gettext_lazy("人员类别"), (), example="", repeats=True),
        *(Column(key, label, variants, example="") for key, label, variants in WAGE_COLUMNS),
    )
    key_fields = ("id_number", "month")

    def setup(self) -> None:
        self.union = _org(self)

    def clean_row(self, row: Row) -> RowResult:
        values, errors = dict(row.values), []
        try:
            values["month"] = parse_month(row.raw[self._index("month")])
        except (ValueError, IndexError):
            errors.append(self.reason("month", _("应为年月，如 2026-03")))
        parts: dict[str, Decimal] = {}
        for key, _label, _variants in WAGE_COLUMNS:
            if key not in self.present:
                continue
            try:
                amount = parse_amount(values.get(key))
            except ValueError:
                errors.append(self.reason(key, _("应为金额（元）")))
                continue
            if amount is not None:
                parts[key] = amount
        if not parts and not errors:
            errors.append(_("没有工资金额"))
        values["parts"] = parts
        values["staff_kind"] = (
            StaffKind.WORKER if values.get("staff_kind") in _WORKER_WORDS else StaffKind.CADRE
        )
        member = Member.objects.unscoped(reason="the import checked its capability").filter(
            id_index=id_index(values.get("id_number") or ""), union=self.union
        )
        found = member.first()
        if found is None:
            errors.append(self.reason("id_number", _("本工会没有这名会员")))
        elif found.name != values.get("name"):
            errors.append(self.reason("name", _("与会员登记的姓名不一致")))
        values["member"] = found
        return RowResult(values, errors)

    def _index(self, key: str) -> int:
        return next(i for i, k in self.mapping.items() if k == key)

    def apply_row(self, values: dict[str, Any]) -> Outcome:
        dues_month_set(
            actor=self.actor,
            member=values["member"],
            month=values["month"],
            parts=values["parts"],
            staff_kind=values["staff_kind"],
        )
        return Outcome.CREATED

    def field_labels(self) -> dict[str, Any]:
        return {"parts": _("工资"), "staff_kind": _("人员类别")}


class PayrollTotalImporter(Importer):
    """单位工资总额 → each employer's 工会经费 of the month (2 %)."""

    name = gettext_lazy("单位工资总额")
    template_title = gettext_lazy("工会经费工资总额模板")
    capability = "governance.funds"
    columns = (
        Column("uscc", gettext_lazy("统一社会信用代码"), ("信用代码",), True, Kind.CODE),
        Column("employer", gettext_lazy("单位名称"), (), False, example="东方精密制造厂"),
        Column("month", gettext_lazy("月份"), (), True, example="2026-03", repeats=True),
        Column("payroll_total", gettext_lazy("工资总额"), ("职工工资总额",), True, example=""),
    )
    key_fields = ("uscc", "month")

    def setup(self) -> None:
        self.union = _org(self)

    def clean_row(self, row: Row) -> RowResult:
        values, errors = dict(row.values), []
        try:
            values["month"] = parse_month(
                row.raw[next(i for i, k in self.mapping.items() if k == "month")]
            )
        except (ValueError, IndexError):
            errors.append(self.reason("month", _("应为年月，如 2026-03")))
        try:
            values["payroll_total"] = parse_amount(values.get("payroll_total"))
        except ValueError:
            errors.append(self.reason("payroll_total", _("应为金额（元）")))
        if values.get("payroll_total") is None and not errors:
            errors.append(self.reason("payroll_total", _("请填写工资总额")))
        employer = (
            Employer.objects.unscoped(reason="the import checked its capability")
            .filter(uscc=values.get("uscc") or "-", union=self.union)
            .first()
        )
        if employer is None:
            errors.append(self.reason("uscc", _("本工会没有这家用人单位")))
        values["employer_obj"] = employer
        return RowResult(values, errors)

    def apply_row(self, values: dict[str, Any]) -> Outcome:
        funds_month_set(
            actor=self.actor,
            employer=values["employer_obj"],
            month=values["month"],
            payroll_total=values["payroll_total"],
            source=PayrollSource.IMPORTED,
        )
        return Outcome.CREATED


__all__ = ["PayrollTotalImporter", "WageImporter"]
