"""Excel imports of the union tree and of employers, built on ``core.importing``.

Every write goes through the services (org_create / org_update / employer_create /
employer_update), whose ValidationErrors become the row's reasons. Every org a row names —
the parent, the covering union, an existing record — must lie in the subtree of the org the
import runs at, else the row is rejected as 不在管辖范围内.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import dicts
from gonghui.core.importing import Column, Importer, ImportFileError, Kind, Outcome, Row, RowResult
from gonghui.core.importing.normalize import header_key
from gonghui.core.scoping import in_scope, prefix_q, within
from gonghui.orgs.models import Employer, Org, OrgKind, OwnershipType
from gonghui.orgs.services import orgs as services

# Names officers use for the kinds besides the labels of OrgKind.
KIND_ALIASES = {
    "省总工会": OrgKind.PROVINCE,
    "市总工会": OrgKind.CITY,
    "县总工会": OrgKind.COUNTY,
    "区总工会": OrgKind.COUNTY,
    "县(区)总工会": OrgKind.COUNTY,
    "乡镇工会": OrgKind.TOWN,
    "街道工会": OrgKind.TOWN,
    "乡镇(街道)工会": OrgKind.TOWN,
    "产业工会": OrgKind.INDUSTRY,
    "联合工会": OrgKind.JOINT,
    "区域联合工会": OrgKind.JOINT,
    "行业联合工会": OrgKind.JOINT,
    "基层工会": OrgKind.GRASSROOTS,
    "基层工会委员会": OrgKind.GRASSROOTS,
    "工会委员会": OrgKind.GRASSROOTS,
    "基层工会(组织员)": OrgKind.ORGANIZER,
    "分工会": OrgKind.BRANCH,
    "工会小组": OrgKind.GROUP,
}
OUT_OF_SCOPE = gettext_lazy("不在管辖范围内")


def _choice_lookup(choices: Any, aliases: Mapping[str, str]) -> dict[str, str]:
    table = {header_key(alias): value for alias, value in aliases.items()}
    for value, label in choices.choices:
        table[header_key(label)] = value
        table[header_key(value)] = value
    return table


_KINDS = _choice_lookup(OrgKind, KIND_ALIASES)


class _ScopedImporter(Importer):
    """The org the import runs at, and lookups of the orgs rows name, cached per run."""

    root: Org
    savepoint_per_row = False  # apply_row makes one call to an atomic service

    def setup(self) -> None:
        root = Org.objects.filter(path=self.org_path).first()
        if root is None or not root.is_active:
            raise ImportFileError(_("导入的目标组织不存在或已撤销"))
        self.root = root
        self._orgs: dict[str, Org | None] = {}

    def org_by_code(self, code: str) -> Org | None:
        if code not in self._orgs:
            self._orgs[code] = Org.objects.filter(code=code).select_related("parent").first()
        return self._orgs[code]

    def forget(self, code: str) -> None:
        self._orgs.pop(code, None)

    def within(self, path: str) -> bool:
        return within(path, self.root.path) and in_scope(self.actor, path)


class OrgImporter(_ScopedImporter):
    """组织信息: create the orgs of a subtree, or update their registration details."""

    name = gettext_lazy("工会组织")
    capability = "orgs.manage"
    key_fields = ("code",)
    template_title = gettext_lazy("工会组织导入模板")
    columns = (
        Column(
            "code",
            gettext_lazy("组织编码"),
            ["编码", "组织代码", "工会编码", "工会代码"],
            required=True,
            kind=Kind.CODE,
            example="EAST-G9",
            help=gettext_lazy("2–32位大写字母、数字或连字符，建立后不再改变"),
        ),
        Column(
            "name",
            gettext_lazy("组织名称"),
            ["名称", "工会名称", "工会组织名称", "组织全称"],
            required=True,
            example="示例机械有限公司工会委员会",
        ),
        Column(
            "kind",
            gettext_lazy("组织类型"),
            ["类型", "工会类型", "组织类别"],
            required=True,
            example="基层工会委员会",
        ),
        Column(
            "parent",
            gettext_lazy("上级组织编码"),
            ["上级编码", "上级工会编码", "上级组织代码", "上级工会代码"],
            kind=Kind.CODE,
            help=gettext_lazy("留空表示导入到所选组织之下"),
        ),
        Column(
            "region_code",
            gettext_lazy("行政区划代码"),
            ["行政区划", "区划代码", "所在地区代码"],
            kind=Kind.CODE,
            example="410105",
        ),
        Column(
            "uscc",
            gettext_lazy("统一社会信用代码"),
            ["社会信用代码", "信用代码", "统一代码"],
            kind=Kind.CODE,
        ),
        Column(
            "founded_on",
            gettext_lazy("成立日期"),
            ["成立时间", "建会日期", "建会时间"],
            kind=Kind.DATE,
            example="2020-05-01",
        ),
        Column("chair_name", gettext_lazy("工会主席"), ["主席", "主席姓名"], example="张三"),
    )

    def clean_row(self, row: Row) -> RowResult:
        v = dict(row.values)
        errors: list[str] = []
        code = v.get("code") or ""
        if not code and "code" not in row.failed:
            errors.append(self.reason("code", _("不能为空")))
        if not v.get("name") and "name" not in row.failed:
            errors.append(self.reason("name", _("不能为空")))
        kind_text = v.get("kind") or ""
        v["kind"] = _KINDS.get(header_key(kind_text), "")
        if not v["kind"]:
            errors.append(
                self.reason(
                    "kind",
                    _("“%(v)s”不是有效的组织类型，应为：%(labels)s")
                    % {"v": kind_text, "labels": "、".join(str(label) for label in OrgKind.labels)}
                    if kind_text
                    else _("不能为空"),
                )
            )
        existing = self.org_by_code(code) if code else None
        if existing is not None:
            # An update: the org must lie in the subtree; its place in the tree stays as it is.
            v["parent"] = v.get("parent") or (existing.parent.code if existing.parent else "")
            if not self.within(existing.path):
                errors.append(self.reason("code", _("%(c)s 已存在且不在管辖范围内") % {"c": code}))
            else:
                current = existing.parent.code if existing.parent else ""
                if v["parent"] != current:
                    errors.append(
                        self.reason(
                            "parent",
                            _("与现有记录的上级组织 %(c)s 不一致；调整隶属关系请使用“迁移”功能")
                            % {"c": current or "—"},
                        )
                    )
                if v["kind"] and existing.kind != v["kind"]:
                    errors.append(self.reason("kind", _("组织类型不能通过导入修改")))
            return RowResult(values=v, errors=errors)
        parent_code = v.get("parent") or self.root.code
        v["parent"] = parent_code
        parent = self.org_by_code(parent_code)
        if parent is None:
            if (parent_code,) not in self.seen:  # an org created by an earlier row is fine
                errors.append(self.reason("parent", _("%(c)s 不存在") % {"c": parent_code}))
        elif not self.within(parent.path):
            errors.append(self.reason("parent", _("%(c)s 不在管辖范围内") % {"c": parent_code}))
        return RowResult(values=v, errors=errors)

    def apply_row(self, values: dict[str, Any]) -> Outcome:
        code = values["code"]
        existing = self.org_by_code(code)
        if existing is not None:
            fields = {
                "name": values["name"],
                "region_code": values.get("region_code", existing.region_code),
                "uscc": values.get("uscc", existing.uscc),
                "founded_on": values.get("founded_on", existing.founded_on),
                "chair_name": values.get("chair_name", existing.chair_name),
            }
            if all(getattr(existing, k) == fields[k] for k in fields):
                return Outcome.UNCHANGED
            services.org_update(actor=self.actor, org=existing, **fields)
            self.forget(code)
            return Outcome.UPDATED
        parent = self.org_by_code(values["parent"])
        if parent is None:
            raise ValidationError({"parent": _("%(c)s 不存在") % {"c": values["parent"]}})
        org = services.org_create(
            actor=self.actor,
            parent=parent,
            code=code,
            name=values["name"],
            kind=values["kind"],
            region_code=values.get("region_code") or "",
            uscc=values.get("uscc") or "",
            founded_on=values.get("founded_on"),
            chair_name=values.get("chair_name") or "",
        )
        self._orgs[org.code] = org
        self.forget(parent.code)  # its child_seq changed
        return Outcome.CREATED


class EmployerImporter(_ScopedImporter):
    """用人单位: registered at the import's org; matched by 统一社会信用代码, else by name."""

    name = gettext_lazy("用人单位")
    capability = "orgs.employer.manage"
    template_title = gettext_lazy("用人单位导入模板")
    columns = (
        Column(
            "name",
            gettext_lazy("单位名称"),
            ["用人单位名称", "用人单位", "企业名称", "单位全称", "单位"],
            required=True,
            example="示例精密制造有限公司",
        ),
        Column(
            "uscc",
            gettext_lazy("统一社会信用代码"),
            ["社会信用代码", "信用代码", "统一代码", "单位统一社会信用代码"],
            kind=Kind.CODE,
            example="91410105MA0000000X",
        ),
        Column("industry", gettext_lazy("所属行业"), ["行业", "行业类别"], example="制造业"),
        Column(
            "ownership",
            gettext_lazy("经济类型"),
            ["经济性质", "所有制类型", "单位性质", "企业类型"],
            example="私营",
        ),
        Column(
            "employee_count",
            gettext_lazy("职工人数"),
            ["职工总数", "从业人数", "员工人数", "职工数"],
            kind=Kind.INT,
            example="120",
        ),
        Column(
            "union",
            gettext_lazy("所属工会编码"),
            ["工会编码", "所属工会代码", "工会组织编码"],
            kind=Kind.CODE,
            help=gettext_lazy("留空表示未建会"),
        ),
    )

    def field_labels(self) -> dict[str, Any]:
        return {"registered_by": _("登记组织")}

    def natural_key(self, values: dict[str, Any]) -> Hashable | None:
        if values.get("uscc"):
            return ("uscc", values["uscc"])
        if values.get("name"):
            return ("name", values["name"])
        return None

    def describe_key(self, key: Hashable) -> str:
        assert isinstance(key, tuple)
        return f"{self.label(key[0])} {key[1]}"

    def prepare_batch(self, rows: list[Row]) -> None:
        """One query for the batch's existing employers by 统一社会信用代码."""
        codes = {r.values.get("uscc") for r in rows if r.values.get("uscc")}
        self._by_uscc = {e.uscc: e for e in Employer.objects.filter(uscc__in=codes)}

    def find_existing(self, values: dict[str, Any]) -> Employer | None:
        if values.get("uscc"):
            # prepare_batch fetched every code of the batch; rows created since are added.
            return self._by_uscc.get(values["uscc"])
        return (
            Employer.objects.filter(
                prefix_q("org_path", self.root.path), name=values["name"], uscc=""
            )
            .order_by("pk")
            .first()
        )

    def clean_row(self, row: Row) -> RowResult:
        v = dict(row.values)
        errors: list[str] = []
        if not v.get("name") and "name" not in row.failed:
            errors.append(self.reason("name", _("不能为空")))
        if v.get("ownership"):
            # 经济类型 names and their spreadsheet variants live in core.dicts ("ownership").
            entry = dicts.resolve("ownership", v["ownership"])
            ownership = entry.code if entry and entry.code in OwnershipType.values else None
            if ownership is None:
                errors.append(
                    self.reason(
                        "ownership",
                        _("“%(v)s”不是有效的经济类型，应为：%(labels)s")
                        % {
                            "v": v["ownership"],
                            "labels": "、".join(map(str, OwnershipType.labels)),
                        },
                    )
                )
            v["ownership"] = ownership
        if (v.get("employee_count") or 0) < 0:
            errors.append(self.reason("employee_count", _("不能为负数")))
        union_code = v.get("union") or ""
        v["union_obj"] = None
        if union_code:
            union = self.org_by_code(union_code)
            if union is None:
                errors.append(self.reason("union", _("%(c)s 不存在") % {"c": union_code}))
            elif not self.within(union.path):
                errors.append(self.reason("union", _("%(c)s 不在管辖范围内") % {"c": union_code}))
            else:
                v["union_obj"] = union
        if v.get("name"):
            existing = self.find_existing(v)
            if existing is not None and not self.within(existing.org_path):
                errors.append(
                    self.reason("uscc", _("%(c)s 已由管辖范围以外的组织登记") % {"c": v["uscc"]})
                )
        return RowResult(values=v, errors=errors)

    def apply_row(self, values: dict[str, Any]) -> Outcome:
        existing = self.find_existing(values)
        union = values["union_obj"]
        if existing is not None:
            fields = {
                "name": values["name"],
                "uscc": values.get("uscc", existing.uscc) or existing.uscc,
                "industry": values.get("industry", existing.industry),
                "ownership": values.get("ownership") or existing.ownership,
                "employee_count": (
                    values["employee_count"]
                    if values.get("employee_count") is not None
                    else existing.employee_count
                ),
            }
            new_union = union if "union" in self.present else existing.union
            unchanged = all(getattr(existing, k) == fields[k] for k in fields) and (
                (new_union.pk if new_union else None) == existing.union_id
            )
            if unchanged:
                return Outcome.UNCHANGED
            existing.refresh_from_db()  # the service compares and audits from fresh values
            updated = services.employer_update(
                actor=self.actor, employer=existing, union=new_union, **fields
            )
            if updated.uscc:
                self._by_uscc[updated.uscc] = updated
            return Outcome.UPDATED
        employer = services.employer_create(
            actor=self.actor,
            registered_by=self.root,
            name=values["name"],
            union=union,
            uscc=values.get("uscc") or "",
            industry=values.get("industry") or "",
            ownership=values.get("ownership") or OwnershipType.PRIVATE,
            employee_count=values.get("employee_count") or 0,
        )
        if employer.uscc:
            self._by_uscc[employer.uscc] = employer
        return Outcome.CREATED
