"""Issue 18 item 5: the first page of a search by full ID or phone number runs a statement
compiled once per scope shape (members.selectors._personal_page); it must answer what the
general query answers, within the viewer's subtrees only, masked by the API as before."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from gonghui.members import selectors
from gonghui.members.models import CardStatus, Member
from gonghui.members.selectors import MemberFilters
from tests.conftest import Cast
from tests.factories import bearer, join, resident

HERE_ID = resident("41010519800101123")
THERE_ID = resident("41010219810202234")


def _people(cast: Cast) -> tuple[Member, Member]:
    here = join(cast, HERE_ID[:17], phone="13912340000")
    there = join(cast, THERE_ID[:17], union=cast.sibling_grassroots, phone="13912340001")
    return here, there


def _general(viewer: Any, term: str) -> list[tuple[int, str | None]]:
    """The page as the ORM builds it for any search (the path every other search takes)."""
    qs = selectors._with_active_card(
        selectors.member_list(viewer=viewer, filters=MemberFilters(query=term))
    )
    return [(m.pk, m.active_card) for m in qs[:51]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", ["id", "phone"])
def test_the_prepared_search_answers_what_the_query_answers_in_every_scope(
    cast: Cast, kind: str, django_assert_num_queries: Any
) -> None:
    here, there = _people(cast)
    both = SimpleNamespace(
        is_authenticated=True, scope_paths=lambda: [cast.county.path, cast.sibling_county.path]
    )
    viewers = [
        (cast.county_officer, {here.pk}),
        (cast.sibling_officer, {there.pk}),
        (cast.grassroots_officer, {here.pk}),
        (cast.province_officer, {here.pk, there.pk}),
        (both, {here.pk, there.pk}),
    ]
    for viewer, visible in viewers:
        for member in (here, there):
            term = {"id": member.id_number, "phone": member.phone}[kind]
            selectors.viewer_paths(viewer)  # the posts read (and cached) beforehand
            with django_assert_num_queries(1):
                rows, last = selectors.member_page(
                    viewer=viewer, filters=MemberFilters(query=term), after_id=None, with_card=True
                )
            found = [(m.pk, m.active_card) for m in rows]  # type: ignore[attr-defined]
            assert found == _general(viewer, term)
            assert {pk for pk, _card in found} == ({member.pk} & visible) and last is None
            for row in rows:
                active = row.cards.get(status=CardStatus.ACTIVE).number
                assert row.active_card == active  # type: ignore[attr-defined]
                assert row.union.name == member.union.name and row.id_number == member.id_number
    field = "id_index" if kind == "id" else "phone_index"
    assert {(field, 1, 50, True), (field, 2, 50, True)} <= set(selectors._PERSONAL)


def test_other_searches_keep_the_general_query(cast: Cast) -> None:
    """A name, a card number, a further page or another filter is not of the prepared shape."""
    here, _there = _people(cast)
    viewer = cast.county_officer
    for filters in (MemberFilters(query="会员"), MemberFilters(query=HERE_ID, status="active")):
        assert selectors._personal_page(viewer, filters, 50, True) is None
    rows, _last = selectors.member_page(
        viewer=viewer, filters=MemberFilters(query=HERE_ID), after_id=here.pk, with_card=True
    )
    assert rows == []  # after the only match: the general query with the cursor


def test_the_search_api_answers_masked_through_the_prepared_page(cast: Cast) -> None:
    here, _there = _people(cast)
    client = Client()
    for officer, expected in ((cast.county_officer, [here.pk]), (cast.sibling_officer, [])):
        response = client.post(
            "/api/members/search",
            {"q": HERE_ID},
            content_type="application/json",
            headers=bearer(officer),
        )
        assert response.status_code == 200
        items = response.json()["items"]
        assert [item["id"] for item in items] == expected
        body = response.content.decode()
        assert HERE_ID not in body and "13912340000" not in body
        for item in items:
            assert item["id_number_masked"] == HERE_ID[:4] + "*" * 12 + HERE_ID[-2:]


def test_the_search_answer_is_what_its_schema_renders(cast: Cast) -> None:
    """The search answers without ninja's re-validation (core.api_schemas.lean_json): the body
    is byte for byte what MemberPage would have rendered, and the schema stays documented."""
    import json

    from ninja.responses import NinjaJSONEncoder

    from gonghui.members.api import MemberPage

    here, _there = _people(cast)
    response = Client().post(
        "/api/members/search",
        {"q": HERE_ID},
        content_type="application/json",
        headers=bearer(cast.county_officer),
    )
    page = response.json()
    assert [item["id"] for item in page["items"]] == [here.pk]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    dumped = MemberPage.model_validate(page).model_dump()
    assert response.content == json.dumps(dumped, cls=NinjaJSONEncoder, ensure_ascii=False).encode()
    openapi = Client().get("/api/openapi.json").json()
    answer = openapi["paths"]["/api/members/search"]["post"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/MemberPage")
