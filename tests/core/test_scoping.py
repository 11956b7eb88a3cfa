"""core.scoping fails closed (DESIGN.md rule 1)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from gonghui.core.scoping import ScopeError, collapse, get_scoped_or_404, scope_q, scoped
from gonghui.orgs.models import Org
from tests.conftest import Cast, fresh


def test_collapse_keeps_only_the_outermost_subtrees() -> None:
    assert collapse(["0001", "00010002", "0003", "00030004", "0005"]) == ["0001", "0003", "0005"]


@pytest.mark.parametrize("viewer", [None, AnonymousUser()])
def test_a_query_without_a_viewer_raises(viewer: object) -> None:
    with pytest.raises(ScopeError):
        scope_q(viewer)  # type: ignore[arg-type]


def test_a_viewer_with_no_posts_sees_nothing(cast: Cast) -> None:
    assert scoped(Org.objects.all(), cast.member, "path").count() == 0


def test_a_viewer_sees_exactly_its_subtrees(cast: Cast) -> None:
    seen = set(
        scoped(Org.objects.all(), fresh(cast.county_officer), "path").values_list("code", flat=True)
    )
    assert seen == {"EAST", "EAST-T1", "EAST-G1"}


def test_outside_scope_is_404(cast: Cast) -> None:
    with pytest.raises(Http404):
        get_scoped_or_404(Org.objects.all(), fresh(cast.county_officer), "path", code="WEST")
