"""core.acting: the one acting-org helper (issue 17.3). No acting org is a 404 on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from gonghui.core.acting import SESSION_KEY, acting_org, acting_org_or_none, acting_post
from gonghui.orgs.models import Post
from tests.conftest import Cast, fresh
from tests.factories import superuser


def _request(user: Any, chosen: int | None = None) -> Any:
    request: Any = RequestFactory().get("/")
    request.user = user
    request.session = {} if chosen is None else {SESSION_KEY: chosen}
    return request


@pytest.fixture
def two_posts(cast: Cast) -> Any:
    # The county officer also chairs the grassroots union: two orgs to act for.
    Post.objects.create(
        user=cast.county_officer, org=cast.grassroots, org_path=cast.grassroots.path, role="chair"
    )
    return fresh(cast.county_officer)


def test_acting_org_is_the_first_post_until_one_is_chosen(cast: Cast, two_posts: Any) -> None:
    assert acting_org(_request(two_posts)) == cast.county  # posts ordered by org path
    assert acting_org(_request(two_posts, chosen=cast.grassroots.pk)) == cast.grassroots


def test_a_choice_of_an_org_without_a_post_falls_back_to_the_first(cast: Cast) -> None:
    request = _request(fresh(cast.county_officer), chosen=cast.sibling_county.pk)
    assert acting_org(request) == cast.county


def test_no_post_is_a_404_and_none_for_pages_that_render_without_one(db: None) -> None:
    request = _request(superuser())
    assert acting_post(request) is None
    assert acting_org_or_none(request) is None
    with pytest.raises(Http404):
        acting_org(request)


def test_switching_stores_the_org_id_in_the_session(client, cast: Cast, two_posts: Any) -> None:
    client.force_login(two_posts)
    post = Post.objects.get(user=two_posts, org=cast.grassroots)
    response = client.post(reverse("accounts:switch_post"), {"post": post.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == cast.grassroots.pk


def test_switching_to_a_post_of_someone_else_is_refused(client, cast: Cast) -> None:
    client.force_login(cast.county_officer)
    other = Post.objects.get(user=cast.sibling_officer)
    response = client.post(reverse("accounts:switch_post"), {"post": other.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_benefits_page_without_an_acting_org_is_a_404_not_a_403(client, cast: Cast) -> None:
    # benefits' own variant raised PermissionDenied (a 403 page); the funds' variant a 404.
    client.force_login(superuser())
    response = client.get(reverse("benefits:merchant_new"))
    assert response.status_code == 404
