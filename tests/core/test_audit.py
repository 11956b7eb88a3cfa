"""core.audit: rows written by services, the scoped audit page, retention."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client, override_settings
from django.utils import timezone

from gonghui.core.audit import prune_audit
from gonghui.core.models import AuditEvent
from gonghui.orgs.services.orgs import org_update
from tests.conftest import Cast, fresh


def test_service_writes_who_what_where_and_ip(cast: Cast) -> None:
    from gonghui.core.audit import request_ip

    with request_ip("10.1.2.3"):
        org_update(actor=fresh(cast.county_officer), org=cast.town, name="东区第一街道工会")
    event = AuditEvent.objects.get(action="orgs.org.renamed")
    assert event.actor_id == cast.county_officer.pk and event.actor_label == "east"
    assert event.target_type == "orgs.org" and event.target_id == str(cast.town.pk)
    assert event.org_path == cast.town.path and event.ip == "10.1.2.3"


def test_audit_page_is_scoped_and_filterable(cast: Cast) -> None:
    org_update(actor=fresh(cast.county_officer), org=cast.town, name="东区改名街道工会")
    org_update(actor=fresh(cast.sibling_officer), org=cast.sibling_grassroots, name="西山改名工会")
    client = Client()
    client.force_login(cast.county_officer)
    body = client.get("/audit/?action=orgs.org").content.decode()
    assert "东区改名街道工会" in body and "西山改名工会" not in body
    body = client.get("/audit/?actor=nobody").content.decode()
    assert "东区改名街道工会" not in body


def test_audit_page_needs_the_capability(cast: Cast) -> None:
    from gonghui.orgs.services.orgs import post_assign

    client = Client()
    user = type(cast.member).objects.create(username="committee1")
    post_assign(
        actor=fresh(cast.grassroots_officer), user=user, org=cast.grassroots, role="committee"
    )
    client.force_login(user)
    assert client.get("/audit/").status_code == 403


@override_settings(GONGHUI_AUDIT_RETENTION_DAYS=200)
def test_prune_keeps_the_retention_period(cast: Cast) -> None:
    old = AuditEvent.objects.create(action="x.old")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=201))
    recent = AuditEvent.objects.create(action="x.recent")
    AuditEvent.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - dt.timedelta(days=199)
    )
    assert prune_audit() == 1
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_an_unregistered_action_is_refused_under_strict_mode(db: None) -> None:
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from gonghui.core.audit import audit_record

    with pytest.raises(ImproperlyConfigured, match=r"members\.member\.made_up"):
        audit_record(action="members.member.made_up", actor=None)
    assert not AuditEvent.objects.filter(action="members.member.made_up").exists()


@override_settings(GONGHUI_STRICT_AUDIT_ACTIONS=False)
def test_an_unregistered_action_is_only_logged_in_production(db: None, caplog) -> None:
    from gonghui.core.audit import audit_record

    audit_record(action="members.member.made_up", actor=None)
    assert AuditEvent.objects.filter(action="members.member.made_up").exists()
    assert "members.member.made_up" in caplog.text


def test_every_registered_code_has_a_chinese_label() -> None:
    from gonghui.core.audit import audit_action_label, audit_actions

    codes = audit_actions()
    assert len(codes) > 150
    for code in codes:
        label = audit_action_label(code)
        assert label != code and re.search(r"[\u4e00-\u9fff]", label), code
