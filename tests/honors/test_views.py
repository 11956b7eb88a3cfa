"""The honours pages, phone pages and API through HTTP: the list page refuses a list that
breaks the composition and sends it with a written reason; approval is refused on the page
while an objection is unanswered; a member objects anonymously on the phone; the API lists
holders of the caller's scope only; the 推荐审批表 downloads."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from gonghui.honors.models import AwardType, Nomination, Objection, Submission
from gonghui.honors.services import calls, nominations, roster
from gonghui.members.models import Member
from tests.conftest import Cast
from tests.factories import bearer, fresh, members, register, resident
from tests.honors.helpers import city_chair, province_call, province_chair


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _listed(cast: Cast, front_line: list[bool]):  # type: ignore[no-untyped-def]
    call = province_call(cast, front_line_min=55)
    made = [
        nominations.nomination_create(
            actor=city_chair(cast),
            call=call,
            org=cast.city,
            member=m,
            deeds="攻关",
            flags={"enterprise": True, "front_line": fl},
        )
        for m, fl in zip(members(cast, len(front_line)), front_line, strict=True)
    ]
    return call, made


def test_the_list_page_shows_the_check_and_needs_a_reason_to_send_a_broken_list(
    cast: Cast,
) -> None:
    call, made = _listed(cast, [True, False, False])
    client = client_for(city_chair(cast))
    page = client.get(f"/honors/calls/{call.pk}/")
    assert page.status_code == 200
    assert "名单结构不符合要求" in page.content.decode()
    partial = client.get(f"/honors/calls/{call.pk}/composition/", {"chosen": [made[0].pk]})
    assert "名单结构符合要求" in partial.content.decode()
    chosen = [n.pk for n in made]
    refused = client.post(f"/honors/calls/{call.pk}/submit/", {"chosen": chosen}, follow=True)
    assert "推荐名单结构不符合要求" in refused.content.decode()
    assert not Submission.objects.exists()
    client.post(
        f"/honors/calls/{call.pk}/submit/",
        {"chosen": chosen, "override_reason": "一线人选不足，经研究上报"},
    )
    assert Submission.objects.get().override_reason == "一线人选不足，经研究上报"


def test_the_approve_button_is_refused_while_an_objection_waits(cast: Cast) -> None:
    call, made = _listed(cast, [True])
    nominations.list_submit(actor=city_chair(cast), call=call, org=cast.city, chosen=[made[0].pk])
    chair = province_chair(cast)
    calls.call_close_nominations(actor=chair, call=call)
    call = calls.call_publish(actor=chair, call=call, start=dt.date.today() - dt.timedelta(days=20))
    Objection.objects.create(
        nomination=made[0],
        org_path=made[0].org_path,
        content="异议",
        anonymous=True,
        received_on=dt.date.today() - dt.timedelta(days=15),
    )
    page = client_for(chair).post(f"/honors/calls/{call.pk}/step/approve/", follow=True)
    assert "公示异议未答复" in page.content.decode()
    call.refresh_from_db()
    assert call.status == "publicity"


def test_a_member_objects_anonymously_on_the_phone(cast: Cast) -> None:
    call, made = _listed(cast, [True])
    nominations.list_submit(actor=city_chair(cast), call=call, org=cast.city, chosen=[made[0].pk])
    chair = province_chair(cast)
    calls.call_close_nominations(actor=chair, call=call)
    calls.call_publish(actor=chair, call=call)
    me = register(cast, resident("41010519850505005"), name="旁观会员", phone="")
    Member.objects.filter(pk=me.pk).update(account=cast.member)
    phone = client_for(cast.member)
    home = phone.get("/m/honors/")
    assert call.title in home.content.decode()
    listing = phone.get(f"/m/honors/publicity/{call.pk}/")
    assert made[0].name in listing.content.decode()
    done = phone.post(
        f"/m/honors/objection/{made[0].pk}/",
        {"content": "事迹不实", "anonymous": "on"},
        follow=True,
    )
    assert "查询码" in done.content.decode()
    objection = Objection.objects.get()
    assert objection.anonymous and objection.author is None
    assert Nomination.objects.get(pk=made[0].pk).status == "publicity"


def test_the_api_lists_holders_of_the_callers_scope_only(cast: Cast) -> None:
    (person,) = members(cast, 1)
    roster.honour_record(
        actor=fresh(cast.grassroots_officer),
        award_type=AwardType.objects.get(code="province-model-worker"),
        org=cast.grassroots,
        member=person,
        conferred_on=dt.date(2021, 4, 28),
    )
    own = Client().get("/api/honors/holders", headers=bearer(cast.county_officer))
    assert own.status_code == 200
    rows = own.json()
    assert [r["name"] for r in rows] == [person.name]
    assert "*" in rows[0]["id_number_masked"]
    other = Client().get("/api/honors/holders", headers=bearer(cast.sibling_officer))
    assert other.status_code == 200 and other.json() == []
    awards = Client().get("/api/honors/awards", headers=bearer(cast.sibling_officer)).json()
    assert {"national-model-worker", "women-pioneer-post"} <= {a["code"] for a in awards}


def test_the_nomination_list_downloads_as_a_workbook(cast: Cast) -> None:
    call, made = _listed(cast, [True, False])
    response = client_for(city_chair(cast)).get(f"/honors/calls/{call.pk}/export/")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:2] == b"PK"
    csv = client_for(city_chair(cast)).get(f"/honors/calls/{call.pk}/export/?format=csv")
    text = (b"".join(csv.streaming_content) if csv.streaming else csv.content).decode("utf-8-sig")
    assert "推荐审批表" not in text and made[0].name in text and "一线职工" in text
