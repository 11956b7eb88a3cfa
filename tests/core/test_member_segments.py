"""Member segments live in core.registry (issue 17.3): benefits registers its own there and
assistance adds 困难职工 (members with an open hardship archive), which an offer can then target
and benefits' report counts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gonghui.assistance.models import CaseStatus, HardshipCase
from gonghui.benefits import reports
from gonghui.core import registry
from gonghui.members.models import Member
from tests.conftest import Cast, fresh
from tests.factories import apply, approved_offer, members, signed_merchant


def _hardship_member(cast: Cast, status: str = CaseStatus.ARCHIVED) -> Member:
    (member,) = members(cast, 1)
    case = apply(cast)
    HardshipCase.objects.filter(pk=case.pk).update(member=member, status=status)
    return member


def test_every_modules_segments_are_in_the_core_registry() -> None:
    codes = [segment.code for segment in registry.member_segments_all()]
    assert {"migrant", "new_employment", "retained", "hardship"} <= set(codes)
    assert str(registry.member_segment_get("hardship").label) == "困难职工"  # type: ignore[union-attr]


def test_a_member_with_an_open_archive_is_in_the_hardship_segment(cast: Cast) -> None:
    member = _hardship_member(cast)
    assert "hardship" in registry.member_segments(member)
    HardshipCase.objects.filter(member=member).update(status=CaseStatus.EXITED)
    assert "hardship" not in registry.member_segments(member)


def test_an_application_not_yet_archived_is_not_the_segment(cast: Cast) -> None:
    member = _hardship_member(cast, status=CaseStatus.PUBLICITY)
    assert "hardship" not in registry.member_segments(member)


def test_an_offer_may_target_the_hardship_segment_and_not_an_unknown_one(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, segment="hardship")
    assert offer.segment_label == "困难职工"
    with pytest.raises(ValidationError):
        approved_offer(cast, merchant, title="另一项", segment="no-such-group")


def test_the_benefits_report_counts_the_hardship_segment(cast: Cast) -> None:
    _hardship_member(cast)
    rows = {str(r["label"]): r for r in reports.by_segment(fresh(cast.county_officer))}
    assert rows["困难职工"]["members"] == 1
    assert rows["其他会员"]["members"] == 0
