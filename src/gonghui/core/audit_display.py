"""How the audit page shows a row: the action's label and its before/after as "字段：值" lines.

A row's ``before``/``after`` are the JSON a service wrote; an auditor reads labels, never codes or
Python dicts. A key is named by the target model's field (its verbose_name, and the label of a
choice value) or else by the small table of common keys below; any other key is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.audit import audit_action_label, audit_actions
from gonghui.core.models import AuditEvent

__all__ = ["AuditChange", "action_choices", "audit_changes", "display_value"]

# Keys services write under many targets (or with no target) and no model field names.
COMMON_KEYS: dict[str, str | Promise] = {
    "reason": gettext_lazy("原因"),
    "comment": gettext_lazy("意见"),
    "status": gettext_lazy("状态"),
    "state": gettext_lazy("状态"),
    "name": gettext_lazy("名称"),
    "title": gettext_lazy("标题"),
    "number": gettext_lazy("编号"),
    "until": gettext_lazy("截止日期"),
    "starts_on": gettext_lazy("开始日期"),
    "ends_on": gettext_lazy("结束日期"),
    "count": gettext_lazy("数量"),
    "rows": gettext_lazy("行数"),
    "members": gettext_lazy("会员人数"),
    "year": gettext_lazy("年度"),
    "month": gettext_lazy("月份"),
    "amount": gettext_lazy("金额"),
    "category": gettext_lazy("类别"),
    "kind": gettext_lazy("类型"),
    "method": gettext_lazy("方式"),
    "result": gettext_lazy("结果"),
    "note": gettext_lazy("备注"),
    "field": gettext_lazy("字段"),
    "passed": gettext_lazy("是否通过"),
    "upheld": gettext_lazy("异议是否成立"),
    "channel": gettext_lazy("渠道"),
    "source": gettext_lazy("来源"),
    "to": gettext_lazy("移交至"),
    "relation": gettext_lazy("关系"),
    "visited_on": gettext_lazy("走访日期"),
    "per_capita": gettext_lazy("人均月收入"),
    "quota": gettext_lazy("名额"),
    "role": gettext_lazy("角色"),
    "username": gettext_lazy("用户名"),
    "size": gettext_lazy("规模"),
    "seed": gettext_lazy("随机种子"),
    "key": gettext_lazy("密钥编号"),
    "dry_run": gettext_lazy("仅检查"),
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


@dataclass(frozen=True)
class AuditChange:
    label: str
    before: str | None  # None: the key is not on that side
    after: str | None


def _field(target_type: str, key: str) -> Field[Any, Any] | None:
    if not target_type:
        return None
    try:
        field = apps.get_model(target_type)._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    if not isinstance(field, Field):  # reverse relations name nothing
        return None
    # A field without its own verbose_name is named by its attribute: not a word for the page.
    return None if str(field.verbose_name) == field.name.replace("_", " ") else field


def _label(target_type: str, key: str) -> str | None:
    field = _field(target_type, key)
    if field is not None:
        return str(field.verbose_name)
    common = COMMON_KEYS.get(key)
    return str(common) if common is not None else None


def display_value(value: Any, field: Field[Any, Any] | None = None) -> str:
    """One JSON value in words: 是/否, — for nothing, dates in Chinese, lists joined with "、",
    a choice shown by its label."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return "、".join(display_value(v, field) for v in value)
    if isinstance(value, dict):  # deeper than the one level flattened: values only
        return "、".join(display_value(v) for v in value.values())
    if field is not None and field.choices:
        choices = {str(k): v for k, v in field.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(value, str) and _DATE.match(value):
        return formats.date_format(dt.date.fromisoformat(value), "Y年n月j日")
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return formats.date_format(moment, "Y年n月j日 H:i")
    return str(value)


def _flat(data: Any) -> dict[str, Any]:
    """The row's JSON with one level of nested dicts lifted to the top."""
    if not isinstance(data, dict):
        return {}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update({str(k): v for k, v in value.items()})
        else:
            flat[str(key)] = value
    return flat


def audit_changes(event: AuditEvent) -> list[AuditChange]:
    """The row's before/after as labelled values, keys in the order the service wrote them."""
    before, after = _flat(event.before), _flat(event.after)
    changes = []
    for key in dict.fromkeys([*before, *after]):
        label = _label(event.target_type, key)
        if label is None:
            continue
        field = _field(event.target_type, key)
        changes.append(
            AuditChange(
                label=label,
                before=display_value(before[key], field) if key in before else None,
                after=display_value(after[key], field) if key in after else None,
            )
        )
    return changes


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The filter's options grouped by app: first "all of the app" (a code prefix), then each
    registered code with its label."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in audit_actions():
        groups.setdefault(code.split(".", 1)[0], []).append((code, audit_action_label(code)))
    result = []
    for prefix, codes in groups.items():
        try:
            name = str(apps.get_app_config(prefix).verbose_name)
        except LookupError:
            name = prefix
        options = [(f"{prefix}.", _("全部（%(app)s）") % {"app": name})]
        options += codes  # in the order the app registered them: its workflow's order
        result.append((name, options))
    return result
