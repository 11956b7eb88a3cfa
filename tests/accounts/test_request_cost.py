"""Issue 18 item 5, the fixed cost of an API request: an officer's posts are read from the shared
cache under the tree's version token, and every service that changes a post, an org or a path
replaces the token, so that a cached set of posts never outlives the change it would hide; the
bearer token and its account are read by one statement."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from gonghui.accounts.models import User
from gonghui.orgs.services.orgs import org_dissolve, org_move, post_assign, post_end
from tests.conftest import Cast, fresh
from tests.factories import superuser


def _paths(user: User) -> list[str]:
    return fresh(user).scope_paths()


def test_cached_posts_cost_no_query(cast: Cast, django_assert_num_queries: Any) -> None:
    warm = fresh(cast.grassroots_officer)  # caches the posts (and the capability matrix)
    warm.has_capability("members.manage", cast.grassroots.path)
    officer = fresh(cast.grassroots_officer)
    with django_assert_num_queries(0):
        assert officer.scope_paths() == [cast.grassroots.path]
        assert officer.has_capability("members.manage", cast.grassroots.path)


def test_an_ended_post_ends_the_cached_scope(cast: Cast) -> None:
    assert _paths(cast.grassroots_officer) == [cast.grassroots.path]
    (post,) = fresh(cast.grassroots_officer).active_posts
    post_end(actor=superuser(), post=post)
    assert _paths(cast.grassroots_officer) == []
    assert not fresh(cast.grassroots_officer).has_capability("members.view", cast.grassroots.path)


def test_a_new_post_widens_the_cached_scope(cast: Cast) -> None:
    assert _paths(cast.grassroots_officer) == [cast.grassroots.path]
    post_assign(actor=superuser(), user=cast.grassroots_officer, org=cast.town, role="chair")
    assert sorted(_paths(cast.grassroots_officer)) == sorted([cast.town.path, cast.grassroots.path])


def test_a_moved_org_moves_the_cached_scope(cast: Cast) -> None:
    old = _paths(cast.grassroots_officer)
    moved = org_move(actor=superuser(), org=cast.grassroots, new_parent=cast.sibling_county)
    assert moved.path != old[0]
    assert _paths(cast.grassroots_officer) == [moved.path]


def test_a_dissolved_org_ends_the_cached_scope(cast: Cast) -> None:
    from gonghui.orgs.models import OrgKind
    from gonghui.orgs.services.orgs import org_create

    root = superuser()
    union = org_create(
        actor=root, parent=cast.town, code="CACHE-G", name="缓存工会", kind=OrgKind.GRASSROOTS
    )
    post_assign(actor=root, user=cast.grassroots_officer, org=union, role="chair")
    assert union.path in _paths(cast.grassroots_officer)
    org_dissolve(actor=root, org=union, reason="测试")
    assert _paths(cast.grassroots_officer) == [cast.grassroots.path]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a second connection reading committed rows"
)
@pytest.mark.django_db(transaction=True)
def test_a_reload_racing_a_post_change_does_not_outlive_it(cast: Cast) -> None:
    """Another worker reloads the posts from the committed rows while the change is still
    uncommitted and stores them under the token it read: the commit replaces the token again."""
    assert _paths(cast.grassroots_officer) == [cast.grassroots.path]
    (post,) = fresh(cast.grassroots_officer).active_posts
    with transaction.atomic():
        post_end(actor=superuser(), post=post)

        def other_worker() -> None:
            try:
                assert _paths(cast.grassroots_officer) == [cast.grassroots.path]
            finally:
                connection.close()

        worker = threading.Thread(target=other_worker)
        worker.start()
        worker.join()
    assert _paths(cast.grassroots_officer) == []


def test_a_token_names_its_user_and_marks_its_use_every_five_minutes(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    """The token lookup is one written-out statement (issue 18 item 5) with the ORM's rules:
    unknown, revoked or expired tokens name nobody, and ``last_used_at`` moves at most every
    five minutes (checked on both backends: SQLite hands the raw column back differently)."""
    import datetime as dt

    from django.utils import timezone

    from gonghui.accounts.models import ApiToken
    from gonghui.accounts.services.accounts import token_issue, token_user

    raw = token_issue(user=cast.county_officer)
    with django_assert_num_queries(2):  # the lookup, and the first use marked
        assert token_user(raw) == cast.county_officer
    with django_assert_num_queries(1):
        assert token_user(raw) == cast.county_officer
    token = ApiToken.objects.get(prefix=raw[:10])
    stale = timezone.now() - dt.timedelta(minutes=6)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    with django_assert_num_queries(2):
        assert token_user(raw) == cast.county_officer
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > stale
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert token_user(raw) is None
    assert token_user("gh_unknown") is None
