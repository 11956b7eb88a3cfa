"""分级授权: each org's 管理员 manages officer accounts inside its own subtree only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gonghui.accounts.models import User
from gonghui.accounts.services.accounts import officer_create, user_reset_password, user_set_active
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Post
from tests.conftest import Cast, fresh
from tests.factories import superuser


def test_admin_creates_an_officer_in_its_subtree(cast: Cast) -> None:
    user = officer_create(
        actor=fresh(cast.county_officer),
        username="new.officer",
        full_name="新干部",
        org=cast.grassroots,
        role="admin",
        phone="13912345678",
    ).user
    assert Post.objects.get(user=user).org_path == cast.grassroots.path
    assert AuditEvent.objects.filter(
        action="accounts.user.created", target_id=str(user.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="orgs.post.assigned").exists()


def test_admin_cannot_create_officers_outside_or_above(cast: Cast) -> None:
    for org in (cast.sibling_county, cast.city):
        with pytest.raises(PermissionDenied):
            officer_create(
                actor=fresh(cast.county_officer),
                username=f"x{org.pk}",
                full_name="越权",
                org=org,
                role="admin",
            )


def test_a_chair_without_the_capability_cannot_create_accounts(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        officer_create(
            actor=fresh(cast.town_officer),
            username="x",
            full_name="x",
            org=cast.grassroots,
            role="staff",
        )


def test_account_fields_are_validated_in_chinese(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        officer_create(
            actor=fresh(cast.county_officer),
            username="east",
            full_name="重复",
            org=cast.grassroots,
            role="admin",
            phone="12345",
        )
    errors = exc.value.message_dict
    assert "已被使用" in errors["username"][0]
    assert "11位" in errors["phone"][0]


def test_officers_above_or_beside_cannot_be_managed(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        user_reset_password(actor=fresh(cast.county_officer), user=cast.city_officer)
    with pytest.raises(PermissionDenied):
        user_set_active(actor=fresh(cast.county_officer), user=cast.sibling_officer, active=False)
    user_set_active(actor=fresh(cast.county_officer), user=cast.grassroots_officer, active=False)
    assert not User.objects.get(pk=cast.grassroots_officer.pk).is_active


def test_officer_pages_create_and_list(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.county_officer)
    response = client.post(
        "/accounts/officers/new/",
        {
            "username": "page.officer",
            "full_name": "页面干部",
            "phone": "",
            "org": "east-g1",
            "role": "admin",
        },
    )
    assert response.status_code == 302
    listing = client.get("/accounts/officers/").content.decode()
    assert "page.officer" in listing and "west" not in listing
    bad = client.post(
        "/accounts/officers/new/",
        {
            "username": "p2",
            "full_name": "越权",
            "org": "WEST-G1",
            "role": "admin",
        },
    )
    assert "找不到该组织编码" in bad.content.decode()


def test_capability_matrix_page_lists_roles_and_capabilities(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.grassroots_officer)
    body = client.get("/accounts/capabilities/").content.decode()
    assert "查看完整个人信息" in body and "管理员" in body and "上级工会" in body
    assert "reveal_pii" not in body  # the page shows labels, never a capability's code


def test_capability_overrides_change_the_matrix(cast: Cast) -> None:
    from gonghui.orgs.capabilities import forget_matrix
    from gonghui.orgs.models import CapabilityOverride

    assert not fresh(cast.county_officer).has_capability("reveal_pii", cast.grassroots.path)
    CapabilityOverride.objects.create(role="admin", level="federation", capability="reveal_pii")
    forget_matrix()
    assert fresh(cast.county_officer).has_capability("reveal_pii", cast.grassroots.path)


def test_level_bounds_capabilities(cast: Cast) -> None:
    """A federation chair sees members but may not edit them; a grassroots chair may."""
    from gonghui.orgs.services.orgs import post_assign

    chair = fresh(cast.grassroots_officer)
    assert chair.has_capability("members.manage", cast.grassroots.path)
    city_chair = User.objects.create(username="citychair")
    post_assign(actor=superuser(), user=city_chair, org=cast.city, role="chair")
    city_chair = fresh(city_chair)
    assert city_chair.has_capability("members.view", cast.grassroots.path)
    assert not city_chair.has_capability("members.manage", cast.grassroots.path)
    assert not city_chair.has_capability("reveal_pii", cast.grassroots.path)
