"""orgs.services: tree operations keep paths, depths and denormalized org_paths right."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import AuditEvent
from gonghui.orgs.models import PATH_STEP, Employer, Org, OrgKind, OrgStatus, Post
from gonghui.orgs.services.orgs import (
    employer_update,
    org_create,
    org_dissolve,
    org_merge,
    org_move,
    org_update,
)
from tests import factories
from tests.conftest import Cast, fresh


def test_org_create_appends_a_segment_to_the_parent_path(cast: Cast) -> None:
    org = org_create(
        actor=fresh(cast.county_officer),
        parent=cast.county,
        code="east-new",
        name="  新建  机械厂工会 ",
        kind=OrgKind.GRASSROOTS,
    )
    assert org.code == "EAST-NEW"
    assert org.name == "新建 机械厂工会"
    assert org.path.startswith(cast.county.path)
    assert len(org.path) == len(cast.county.path) + PATH_STEP
    assert org.depth == cast.county.depth + 1
    assert AuditEvent.objects.filter(
        action="orgs.org.created", target_id=str(org.pk), actor=cast.county_officer
    ).exists()


def test_org_create_rejects_a_kind_that_cannot_sit_under_the_parent(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        org_create(
            actor=fresh(cast.county_officer),
            parent=cast.grassroots,
            code="X1",
            name="错误的县总工会",
            kind=OrgKind.COUNTY,
        )
    assert "不能设在" in str(exc.value)


def test_org_create_rejects_duplicate_code_and_bad_identifiers(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        org_create(
            actor=fresh(cast.county_officer),
            parent=cast.county,
            code="EAST-G1",
            name="重复",
            kind=OrgKind.GRASSROOTS,
            region_code="999999",
            uscc=factories.make_uscc("91"),
        )
    errors = exc.value.message_dict
    assert "已被使用" in errors["code"][0]
    assert "999999" in errors["region_code"][0]
    assert "81" in errors["uscc"][0]  # a grassroots union's code begins with 81


def test_grassroots_uscc_must_start_with_81_and_pass_the_check(cast: Cast) -> None:
    good = factories.make_uscc("81", "410105")
    org = org_create(
        actor=fresh(cast.county_officer),
        parent=cast.county,
        code="EAST-U",
        name="有代码的工会",
        kind=OrgKind.GRASSROOTS,
        uscc=good.lower(),
    )
    assert org.uscc == good
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验码"):
        org_create(
            actor=fresh(cast.county_officer),
            parent=cast.county,
            code="EAST-V",
            name="校验错",
            kind=OrgKind.GRASSROOTS,
            uscc=bad,
        )


def test_officer_cannot_create_outside_their_subtree(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        org_create(
            actor=fresh(cast.sibling_officer),
            parent=cast.county,
            code="EAST-X",
            name="越权",
            kind=OrgKind.GRASSROOTS,
        )


def test_org_update_renames_with_before_and_after_in_the_audit(cast: Cast) -> None:
    org_update(actor=fresh(cast.county_officer), org=cast.grassroots, name="东方重工工会委员会")
    event = AuditEvent.objects.get(action="orgs.org.renamed")
    assert event.before == {"name": "东方机械有限公司工会委员会"}
    assert event.after == {"name": "东方重工工会委员会"}
    assert event.org_path == cast.grassroots.path


def test_org_move_rewrites_the_subtree_and_every_org_path(cast: Cast) -> None:
    officer = fresh(cast.city_officer)
    old_town_path = cast.town.path
    moved = org_move(actor=officer, org=cast.town, new_parent=cast.sibling_county)
    grassroots = Org.objects.get(pk=cast.grassroots.pk)
    assert moved.path.startswith(cast.sibling_county.path)
    assert grassroots.path.startswith(moved.path)
    assert grassroots.depth == moved.depth + 1
    assert not Org.objects.filter(path__startswith=old_town_path).exists()
    assert Employer.objects.get(pk=cast.employer.pk).org_path == grassroots.path
    assert Post.objects.get(user=cast.grassroots_officer).org_path == grassroots.path
    audit = AuditEvent.objects.get(action="orgs.org.moved")
    assert audit.before["path"] == old_town_path and audit.after["path"] == moved.path
    # The audit trail moves with the subtree, so the new county sees its history.
    assert AuditEvent.objects.filter(
        target_id=str(grassroots.pk), org_path=grassroots.path
    ).exists()


def test_org_move_refuses_own_subtree_and_moves_outside_scope(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="下级"):
        org_move(actor=fresh(cast.city_officer), org=cast.county, new_parent=cast.town)
    # A county officer may not move the county itself: that reshapes the city above it.
    with pytest.raises(PermissionDenied):
        org_move(actor=fresh(cast.county_officer), org=cast.county, new_parent=cast.province)
    with pytest.raises(PermissionDenied):
        org_move(actor=fresh(cast.sibling_officer), org=cast.town, new_parent=cast.sibling_county)


def test_org_merge_moves_children_and_employers_and_ends_posts(cast: Cast) -> None:
    branch = factories.make_org(cast.grassroots, OrgKind.BRANCH, "一分会")
    org_merge(
        actor=fresh(cast.city_officer), source=cast.grassroots, target=cast.sibling_grassroots
    )
    source = Org.objects.get(pk=cast.grassroots.pk)
    assert source.status == OrgStatus.MERGED and source.merged_into_id == cast.sibling_grassroots.pk
    branch.refresh_from_db()
    assert branch.parent_id == cast.sibling_grassroots.pk
    assert branch.path.startswith(cast.sibling_grassroots.path)
    employer = Employer.objects.get(pk=cast.employer.pk)
    assert employer.union_id == cast.sibling_grassroots.pk
    assert employer.org_path == cast.sibling_grassroots.path
    assert not Post.objects.get(user=cast.grassroots_officer).active
    assert AuditEvent.objects.filter(action="orgs.org.merged").exists()


def test_org_merge_refuses_mixed_levels(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="基层工会只能并入基层工会"):
        org_merge(
            actor=fresh(cast.city_officer), source=cast.grassroots, target=cast.sibling_county
        )


def test_org_dissolve_is_refused_while_a_guard_reports_content(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        org_dissolve(actor=fresh(cast.county_officer), org=cast.town)
    assert "下级组织" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        org_dissolve(actor=fresh(cast.county_officer), org=cast.grassroots)
    assert "用人单位" in str(exc.value)
    assert Org.objects.get(pk=cast.town.pk).status == OrgStatus.ACTIVE


def test_org_dissolve_an_empty_org_ends_its_posts(cast: Cast) -> None:
    employer_update(
        actor=fresh(cast.county_officer),
        employer=cast.employer,
        name=cast.employer.name,
        union=None,
        employee_count=300,
    )
    org_dissolve(actor=fresh(cast.county_officer), org=cast.grassroots, reason="企业注销")
    assert Org.objects.get(pk=cast.grassroots.pk).status == OrgStatus.DISSOLVED
    assert not Post.objects.filter(org=cast.grassroots, active=True).exists()
    event = AuditEvent.objects.get(action="orgs.org.dissolved")
    assert event.after == {"reason": "企业注销"}


def test_employer_without_union_lies_in_the_registering_subtree(cast: Cast) -> None:
    employer = cast.unorganized_employer
    assert employer.union is None
    assert employer.org_path == cast.sibling_county.path
    updated = employer_update(
        actor=fresh(cast.sibling_officer),
        employer=employer,
        name=employer.name,
        union=cast.sibling_grassroots,
        employee_count=80,
    )
    assert updated.org_path == cast.sibling_grassroots.path
    with pytest.raises(PermissionDenied):
        employer_update(
            actor=fresh(cast.county_officer),
            employer=updated,
            name="越权修改",
            union=None,
            employee_count=1,
        )


def test_employer_uscc_is_unique_and_checked(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="已登记"):
        factories.make_employer(cast.county, uscc=cast.employer.uscc)
    with pytest.raises(ValidationError, match="18位"):
        factories.make_employer(cast.county, uscc="123")
