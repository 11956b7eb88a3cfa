"""core.decorators.member_required: one gate for the members' phone pages (issue 17.3). The
modules' own copies sent an anonymous visitor to the officers' desktop login."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast

PAGES = ["members_m:home", "voice_m:list", "benefits_m:offers", "assistance_m:home"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_logs_in_on_the_members_login(db: None, name: str) -> None:
    url = reverse(name)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('members_m:login')}?next={url}"


@pytest.mark.parametrize("name", PAGES)
def test_officer_and_merchant_get_a_404(cast: Cast, name: str) -> None:
    for account in (cast.county_officer, cast.merchant):
        client = Client()
        client.force_login(account)
        assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_member_account_gets_the_page(cast: Cast, name: str) -> None:
    client = Client()
    client.force_login(cast.member)
    assert client.get(reverse(name)).status_code == 200
