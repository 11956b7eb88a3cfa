"""core.scoping fails closed (DESIGN.md rule 1)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.scoping import (
    PATH_ALPHABET,
    ScopeError,
    collapse,
    get_scoped_or_404,
    path_upper,
    prefix_q,
    scope_q,
    scoped,
)
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


def test_the_upper_bound_carries_in_the_path_alphabet() -> None:
    assert path_upper("0001") == "0002"
    assert path_upper("0009") == "000A"
    assert path_upper("000Z") == "001"
    assert path_upper("0ZZZ") == "1"
    assert path_upper("ZZZZ") is None


paths = st.text(alphabet=PATH_ALPHABET, max_size=12)


@given(prefix=paths, path=paths)
def test_the_range_holds_exactly_the_paths_under_the_prefix(prefix: str, path: str) -> None:
    """Issue 18 item 1: [prefix, path_upper(prefix)) is the subtree, in the order of bytes."""
    upper = path_upper(prefix)
    in_range = prefix <= path and (upper is None or path < upper)
    assert in_range == path.startswith(prefix)


def test_a_range_query_finds_the_subtree_by_its_bounds(cast: Cast) -> None:
    found = Org.objects.filter(prefix_q("path", cast.county.path)).values_list("code", flat=True)
    assert set(found) == {"EAST", "EAST-T1", "EAST-G1"}
    assert "<" in str(Org.objects.filter(prefix_q("path", cast.county.path)).query)


def test_a_prefix_outside_the_alphabet_matches_nothing(cast: Cast) -> None:
    assert not Org.objects.filter(prefix_q("path", "00%1")).exists()
    assert not Org.objects.filter(prefix_q("path", "0001'")).exists()
