"""Bad input gets a clear refusal, never a 500 (DESIGN.md rule 6; issue 16 item 9).

A NUL character cannot be stored or compared by PostgreSQL, so before InvalidInputMiddleware
each of these pages answered 500 there when a filter received one.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import Cast, all_routes

# The pages that answered 500 to ?q=%00 on PostgreSQL, with the parameters each one reads.
PAGES = {
    "/accounts/officers/": "q=%00&locked=1",
    "/orgs/search/": "q=%00",
    "/orgs/directory/picker/": "q=%00&kind=%00&target=x",
    "/orgs/employers/": "q=%00&has_union=1&min_employees=%00",
    "/orgs/employers/export/": "q=%00&has_union=%00",
    "/benefits/": "q=%00&status=%00&category=%00",
    "/audit/": "action=%00&actor=%00&from=%00",
    "/members/export/": "org=EAST-G1%00&employer=%00",
    "/assistance/export/": "status=%00",
    "/benefits/offers/": "status=%00",
    "/benefits/redemptions/": "org=%00",
}


@pytest.mark.parametrize("path,query", sorted(PAGES.items()))
def test_nul_in_a_query_is_a_400_not_a_500(cast: Cast, path: str, query: str) -> None:
    client = Client(raise_request_exception=False)
    # The members export is the grassroots union's (federations export figures, not people).
    officer = cast.grassroots_officer if path == "/members/export/" else cast.county_officer
    client.force_login(officer)
    clean = f"{path}?org=EAST-G1" if path == "/members/export/" else path
    assert client.get(clean).status_code < 400  # the officer may see the page
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "空字符" in response.content.decode()
    assert "请求参数" in response.content.decode()


def test_every_page_refuses_nul_in_any_parameter(cast: Cast) -> None:
    """Every parameterless route of the walk (pages and API), with NUL in a key and a value."""
    client = Client(raise_request_exception=False)
    client.force_login(cast.county_officer)
    problems = []
    for route, name in all_routes():
        if "<" in route or route.startswith("admin"):
            continue
        for query in ("q=%00", "page=1%00", "a%00=1"):
            response = client.get(f"/{route}?{query}")
            expected = 422 if route.startswith("api/") else 400  # the API's bad-input status
            if response.status_code != expected:
                problems.append(f"{name} /{route}?{query}: {response.status_code}")
    assert not problems, problems


def test_api_answers_in_its_bad_input_shape(cast: Cast) -> None:
    """The API's contract for bad input: 422 with each problem naming the parameter."""
    client = Client()
    client.force_login(cast.county_officer)
    response = client.get("/api/members?q=%00&org=EAST")
    assert response.status_code == 422
    assert response.json() == {"detail": ["q: 不能含有空字符（U+0000）"]}


def test_nul_in_a_posted_form_or_the_path_is_refused(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=False)
    client.force_login(cast.county_officer)
    form = "application/x-www-form-urlencoded"
    assert client.post("/accounts/officers/", "q=a%00b", content_type=form).status_code == 400
    assert client.get("/orgs/EAST%00/").status_code == 400


def test_ordinary_input_passes(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.county_officer)
    assert client.get("/orgs/search/?q=%E4%B8%9C%E5%8C%BA").status_code == 200


def test_anonymous_visitors_get_the_400_page_too(db: None) -> None:
    client = Client(raise_request_exception=False)
    for url in ("/accounts/login/?next=%00", "/shop/?q=%00", "/m/?a=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "空字符" in response.content.decode()
