"""core.audit_display: the audit page shows labels and 字段：值, never codes or Python dicts
(issue 17.3)."""

from __future__ import annotations

import re

from django.test import Client

from gonghui.core.audit import audit_action_label, audit_record
from gonghui.core.audit_display import action_choices, audit_changes, display_value
from gonghui.core.models import AuditEvent
from gonghui.orgs.services.orgs import org_update
from tests.conftest import Cast, fresh


def test_values_in_words() -> None:
    assert display_value(True) == "是" and display_value(False) == "否"
    assert display_value(None) == "—" and display_value("") == "—"
    assert display_value("2026-10-02") == "2026年10月2日"
    assert display_value("2026-10-02 08:30:00+08:00") == "2026年10月2日 08:30"
    assert display_value(["甲", "乙", 3]) == "甲、乙、3"
    assert display_value({"a": 1, "b": "x"}) == "1、x"


def test_keys_named_by_the_target_model_field_with_choice_labels() -> None:
    event = AuditEvent(
        action="members.member.withdraw",
        target_type="members.member",
        before={"status": "active"},
        after={"status": "withdrawn", "reason": "辞职", "secret_code": "x"},
    )
    changes = audit_changes(event)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("会籍状态", "正常", "已退会"),
        ("原因", None, "辞职"),  # not a Member field: the common table
    ]  # secret_code: known to neither, left out


def test_a_field_without_a_verbose_name_is_not_a_label() -> None:
    event = AuditEvent(target_type="benefits.redemption", after={"offer": 1, "comment": "好"})
    assert [(c.label, c.after) for c in audit_changes(event)] == [("意见", "好")]


def test_no_target_uses_the_common_keys_and_flattens_one_level() -> None:
    event = AuditEvent(
        action="voice.campaign.created",
        after={"campaign": {"name": "2026年合理化建议月", "starts_on": "2026-10-02"}, "rows": 3},
    )
    changes = audit_changes(event)
    assert [(c.label, c.after) for c in changes] == [
        ("名称", "2026年合理化建议月"),
        ("开始日期", "2026年10月2日"),
        ("行数", "3"),
    ]


def test_action_labels_and_filter_options() -> None:
    assert audit_action_label("members.member.exported_unmasked") == "导出完整个人信息"
    from django.apps import apps

    groups = dict(action_choices())
    members = groups[str(apps.get_app_config("members").verbose_name)]
    assert members[0][0] == "members."  # "all of the app" first: a code prefix
    assert ("members.member.exported_unmasked", "导出完整个人信息") in members


CODE = re.compile(r"\b[a-z_]+\.[a-z_]+(\.[a-z_]+)*\b")


def test_audit_page_shows_labels_and_values_never_codes_or_dicts(cast: Cast) -> None:
    org_update(actor=fresh(cast.county_officer), org=cast.town, name="东区改名街道工会")
    audit_record(
        action="voice.campaign.created",
        actor=fresh(cast.county_officer),
        target=cast.town,
        org_path=cast.town.path,
        after={"name": "2026年合理化建议月", "starts_on": "2026-10-02"},
    )
    audit_record(
        action="core.counters.drift",
        actor=None,
        org_path=cast.town.path,
        target_label=cast.town.path,
        after={"drift": {"members.active": [3, 4]}},
    )
    AuditEvent.objects.create(
        action="members.member.exported_unmasked",
        target_type="members.member",
        org_path=cast.town.path,
        before={"status": "active", "until": None},
        after={"status": "retained", "passed": True, "count": [1, 2]},
    )
    client = Client()
    client.force_login(cast.county_officer)
    body = client.get("/audit/").content.decode()
    rows = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "东区改名街道工会" in rows and "导出完整个人信息" in rows and "2026年10月2日" in rows
    assert "会籍状态：" in rows and "保留会籍" in rows and "1、2" in rows
    assert not CODE.search(rows), CODE.search(rows)
    assert not re.search(r"[{}']|&#x27;|&quot;", rows)
    # the select offers the labels, its values are the codes
    assert '<option value="members.member.exported_unmasked"' in body
    assert "/audit/?action=members.member.exported_unmasked" not in rows


def test_filter_by_an_exact_code_is_not_a_prefix(cast: Cast) -> None:
    for action in ("core.counters.drift", "core.counters.drift_cleared"):
        audit_record(action=action, actor=None, org_path=cast.town.path, target_label=action[-7:])
    client = Client()
    client.force_login(cast.county_officer)
    body = client.get("/audit/?action=core.counters.drift").content.decode()
    assert "计数与重算不一致" in body and "统计计数偏差已消除</td>" not in body
    body = client.get("/audit/?action=core.").content.decode()
    assert "统计计数偏差已消除</td>" in body
