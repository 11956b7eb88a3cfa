"""Issue 16 item 8: a search by full ID or phone number is POSTed and carried by a short-lived
opaque token, so the number is in no URL: not the redirect, not the paging or export links,
not the export's stored params or its audit event."""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.members.models import Member
from tests.conftest import Cast
from tests.factories import ZHENGZHOU_1970, register, resident

PHONE = "13912340000"


def officer(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.grassroots_officer)
    return client


def urls_in(html: str) -> list[str]:
    return re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', html)


def test_the_search_form_posts_and_no_url_holds_the_number(cast: Cast) -> None:
    member = register(cast, phone=PHONE)
    register(cast, number=resident("41010519800101002"), name="李娜", phone="13800000009")
    client = officer(cast)
    form = client.get("/members/").content.decode()
    assert re.search(r'<form method="post" action="/members/"[^>]*role="search"', form)
    for term in (ZHENGZHOU_1970, PHONE, f" {ZHENGZHOU_1970.lower()} "):
        response = client.post("/members/", {"q": term, "status": "active"})
        assert response.status_code == 302
        location = response["Location"]
        assert term.strip().upper() not in location.upper() and "qt=" in location
        assert "status=active" in location
        page = client.get(location)
        html = page.content.decode()
        assert [m.pk for m in page.context["rows"]] == [member.pk]
        assert all(ZHENGZHOU_1970 not in u and PHONE not in u for u in urls_in(html))
        export = next(u for u in urls_in(html) if u.startswith("/members/export/"))
        rows = b"".join(client.get(export.replace("&amp;", "&") + "&format=csv").streaming_content)
        assert "张伟" in rows.decode("utf-8-sig") and "李娜" not in rows.decode("utf-8-sig")
    for event in AuditEvent.objects.filter(action="members.member.exported"):
        assert ZHENGZHOU_1970 not in str(event.after) and PHONE not in str(event.after)


def test_a_name_stays_in_the_url_and_a_number_typed_into_one_is_moved_out(cast: Cast) -> None:
    register(cast, phone=PHONE)
    client = officer(cast)
    assert client.post("/members/", {"q": "张"})["Location"] == "/members/?q=%E5%BC%A0"
    moved = client.get(f"/members/?q={ZHENGZHOU_1970}")
    assert moved.status_code == 302 and ZHENGZHOU_1970 not in moved["Location"]


def test_a_token_is_the_account_s_own_and_expires(cast: Cast, settings: Any) -> None:
    register(cast, phone=PHONE)
    location = officer(cast).post("/members/", {"q": PHONE})["Location"]
    other = Client()
    other.force_login(cast.town_officer)
    page = other.get(location, follow=True)
    assert "查询已过期" in page.content.decode()  # another account's token finds nothing
    cache.clear()
    expired = officer(cast).get(location)
    assert "查询已过期" in expired.content.decode()
    assert officer(cast).get(location.replace("/members/?", "/members/export/?")).status_code == 302


def test_the_export_job_keeps_the_number_encrypted(cast: Cast) -> None:
    from gonghui.members.exporters import MemberExporter, seal_query

    member: Member = register(cast, phone=PHONE)
    params = {"org": "EAST-G1", **seal_query(PHONE)}
    assert PHONE not in str(params) and "q" not in params
    exporter = MemberExporter(viewer=cast.grassroots_officer, **params)
    assert [m.pk for m in exporter.queryset()] == [member.pk]
