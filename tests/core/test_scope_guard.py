"""The scope guard (ADR 0020): a path model read from a view, API or selector module without a
viewer or a reason raises under GONGHUI_STRICT_SCOPE; services and explicit opt-outs pass."""

from __future__ import annotations

import types

import pytest
from django.test import override_settings

from gonghui.core.scoping import UnscopedQuery, holds_anywhere, subtrees_with, unscoped, within
from gonghui.orgs.models import Employer
from tests.conftest import Cast, fresh


def _run_in(module_name: str, source: str) -> object:
    """Execute ``source`` as the body of ``run()`` in a module named ``module_name``."""
    module = types.ModuleType(module_name)
    module.__dict__["Employer"] = Employer
    exec(compile(f"def run(viewer):\n    {source}\n", module_name, "exec"), module.__dict__)
    return module.__dict__["run"]


@override_settings(GONGHUI_STRICT_SCOPE=True)
def test_an_unscoped_read_from_a_view_raises_and_a_scoped_one_passes(cast: Cast) -> None:
    viewer = fresh(cast.county_officer)
    plain = _run_in("gonghui.orgs.views", "return list(Employer.objects.all())")
    with pytest.raises(UnscopedQuery, match=r"gonghui\.orgs\.views reads Employer"):
        plain(viewer)  # type: ignore[operator]
    for source in ("return Employer.objects.count()", "return Employer.objects.exists()"):
        with pytest.raises(UnscopedQuery):
            _run_in("gonghui.orgs.selectors", source)(viewer)  # type: ignore[operator]
    scoped = _run_in("gonghui.orgs.views", "return list(Employer.objects.for_viewer(viewer))")
    assert {e.pk for e in scoped(viewer)} == {cast.employer.pk}  # type: ignore[operator]
    opted = _run_in(
        "gonghui.orgs.api", 'return Employer.objects.unscoped(reason="directory").count()'
    )
    assert opted(viewer) == 3  # type: ignore[operator]
    with unscoped("a job reading every org"):
        assert len(plain(viewer)) == 3  # type: ignore[operator, arg-type]


@override_settings(GONGHUI_STRICT_SCOPE=True)
def test_services_and_reasonless_opt_outs(cast: Cast) -> None:
    service = _run_in("gonghui.orgs.services", "return Employer.objects.count()")
    assert service(fresh(cast.county_officer)) == 3  # type: ignore[operator]
    with pytest.raises(ValueError):
        Employer.objects.unscoped(reason=" ")
    with pytest.raises(ValueError), unscoped(""):
        pass


def test_for_viewer_with_a_capability_and_the_helpers(cast: Cast) -> None:
    county = fresh(cast.county_officer)
    assert subtrees_with(county, "orgs.employer.manage") == [cast.county.path]
    assert holds_anywhere(county, "orgs.employer.manage")
    assert not holds_anywhere(None, "orgs.employer.manage")
    assert subtrees_with(fresh(cast.member), "orgs.view") == []
    rows = Employer.objects.for_viewer(county, "orgs.employer.manage")
    assert {e.pk for e in rows} == {cast.employer.pk}
    assert within(cast.grassroots.path, cast.county.path)
    assert not within(cast.sibling_grassroots.path, cast.county.path)
