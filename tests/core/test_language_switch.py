"""The language switch names each language in itself (issue 26 item 8): a reader who does not
read Chinese finds "English", not "英语"."""

from __future__ import annotations

from django.test import Client

from tests.conftest import Cast, fresh


def test_the_language_switch_names_each_language_in_itself(cast: Cast) -> None:
    client = Client()
    client.force_login(fresh(cast.county_officer))
    page = client.get("/").content.decode()
    assert 'lang="en">English</button>' in page
    assert 'lang="zh-hans">简体中文</button>' in page and "英语" not in page
