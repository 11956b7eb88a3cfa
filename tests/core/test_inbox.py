"""The inbox page (站内信): each account sees and marks only its own notifications."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import Notification
from tests.conftest import Cast


def note(user: object, subject: str = "通知", **kw: object) -> Notification:
    return Notification.objects.create(
        recipient=user, channel="inbox", template="tests.t", subject=subject, **kw
    )


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_anonymous_visitors_log_in_first(db: None) -> None:
    response = Client().get(reverse("core:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "merchant", "grassroots_officer"])
def test_every_kind_of_account_sees_only_its_own_notifications_newest_first(
    cast: Cast, who: str
) -> None:
    user = getattr(cast, who)
    note(user, "第一条")
    note(user, "第二条")
    note(cast.sibling_officer, "别人的消息")
    Notification.objects.create(recipient=user, channel="sms", template="t", subject="短信副本")
    body = client_for(user).get(reverse("core:inbox")).content.decode()
    assert body.index("第二条") < body.index("第一条")
    assert "别人的消息" not in body and "短信副本" not in body


def test_the_inbox_is_paginated(cast: Cast) -> None:
    for i in range(25):
        note(cast.member, f"消息{i:02d}")
    client = client_for(cast.member)
    first = client.get(reverse("core:inbox")).content.decode()
    second = client.get(reverse("core:inbox") + "?page=2").content.decode()
    assert "消息24" in first and "消息05" in first and "消息04" not in first
    assert "消息04" in second and "消息00" in second and "消息24" not in second
    assert 'class="pagination' in first


def test_user_data_is_never_rendered_as_html(cast: Cast) -> None:
    note(cast.member, "<script>alert(1)</script>", body='<img src=x onerror="x()">\n第二行')
    body = client_for(cast.member).get(reverse("core:inbox")).content.decode()
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<br>第二行" in body


def test_the_page_has_no_inline_scripts_or_styles(cast: Cast) -> None:
    note(cast.member, url="/m/")
    body = client_for(cast.member).get(reverse("core:inbox")).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert " style=" not in body and "<style" not in body and " onclick=" not in body


def test_mark_one_read(cast: Cast) -> None:
    n, other = note(cast.member), note(cast.member)
    client = client_for(cast.member)
    url = reverse("core:inbox_read", args=[n.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("core:inbox")
    n.refresh_from_db()
    other.refresh_from_db()
    assert n.read_at is not None and other.read_at is None


def test_open_marks_read_and_goes_to_the_linked_page(cast: Cast) -> None:
    n = note(cast.member, url="/m/")
    response = client_for(cast.member).post(reverse("core:inbox_read", args=[n.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/m/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_another_users_notification_is_a_404(cast: Cast) -> None:
    theirs = note(cast.county_officer)
    response = client_for(cast.sibling_officer).post(reverse("core:inbox_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_the_users_rows(cast: Cast) -> None:
    mine = [note(cast.member) for _ in range(3)]
    theirs = note(cast.merchant)
    client = client_for(cast.member)
    assert client.get(reverse("core:inbox_read_all")).status_code == 405
    response = client.post(reverse("core:inbox_read_all"), follow=True)
    assert "已将 3 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_navbar_shows_the_unread_count(cast: Cast) -> None:
    client = client_for(cast.grassroots_officer)
    body = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:inbox")}"' in body and "条未读" not in body
    note(cast.grassroots_officer)
    note(cast.grassroots_officer)
    note(cast.grassroots_officer, read_at="2026-01-01T00:00:00+08:00")
    body = client.get(reverse("core:home")).content.decode()
    assert re.search(r'text-danger">2<span class="visually-hidden">条未读', body)
