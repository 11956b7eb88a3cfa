"""Issue 18 item 5: an officer's posts are read from the shared cache under the tree's version
token, and every service that changes a post, an org or a path replaces the token, so that a
cached set of posts never outlives the change it would hide."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from gonghui.accounts.models import User
from gonghui.orgs.services import org_dissolve, org_move, post_assign, post_end
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
    from gonghui.orgs.services import org_create

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
