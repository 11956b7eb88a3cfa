"""建会: the formation rule on an employer's staff count, the county's 建会 drive on its to-do
panel, and the upper union's approval of a new union recorded (工会法 第十一条、第十二条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.governance import todo
from gonghui.governance.services import formation
from gonghui.orgs.models import OrgKind
from tests.factories import fresh, make_employer, make_org, officer, town_chair

pytestmark = pytest.mark.django_db


def test_the_formation_rule_of_an_employer_on_both_sides_of_25(cast: Any) -> None:
    assert formation.employer_formation(make_employer(cast.county, employees=25)).must_form
    below = formation.employer_formation(make_employer(cast.county, employees=24))
    assert not below.must_form and "组织员" in below.reason


def test_employers_of_25_without_a_union_are_on_the_countys_todo(cast: Any) -> None:
    make_employer(cast.county, employees=25, name="东区待建会大厂")
    make_employer(cast.county, employees=24, name="东区小作坊")
    items = [
        i for i in todo.pending_work(fresh(cast.county_officer)) if "尚未建立工会" in str(i.title)
    ]
    assert [i.count for i in items] == [1]
    # The other county's own unorganized employer (80 staff) is theirs, not ours.
    theirs = [
        i for i in todo.pending_work(fresh(cast.sibling_officer)) if "尚未建立工会" in str(i.title)
    ]
    assert [i.count for i in theirs] == [1]


def test_the_upper_union_records_its_approval_of_a_new_union(cast: Any) -> None:
    new = make_org(cast.town, OrgKind.GRASSROOTS, "东区新建工会")
    employer = make_employer(cast.town, employees=40, union=new)
    with pytest.raises(PermissionDenied):
        formation.formation_approve(
            actor=officer(cast), org=new, approval_ref="x", approved_on=dt.date(2026, 3, 1)
        )
    approval = formation.formation_approve(
        actor=town_chair(cast),
        org=new,
        approval_ref="东街工〔2026〕5号",
        approved_on=dt.date(2026, 3, 1),
        employer=employer,
    )
    assert approval.approved_by == cast.town and approval.member_count == 0
    with pytest.raises(ValidationError, match="已批复"):
        formation.formation_approve(
            actor=town_chair(cast), org=new, approval_ref="again", approved_on=dt.date(2026, 3, 2)
        )
