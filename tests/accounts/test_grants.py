"""Issue 16 item 4, DESIGN.md rule 9: an administrator grants only capabilities it holds itself,
at the org or above; only the installation's superuser holds accounts.grant_any."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gonghui.accounts.models import User
from gonghui.accounts.services.accounts import officer_create, user_manageable_by
from gonghui.orgs.capabilities import DEFAULTS, forget_matrix
from gonghui.orgs.models import CapabilityOverride, Post
from tests.conftest import Cast, fresh
from tests.factories import PASSWORD, make_officer, superuser


def _create_page(client: Client, role: str, org: str = "EAST-G1", username: str = "chair2"):
    # The password field is what the old form took; the new one ignores it.
    return client.post(
        "/accounts/officers/new/",
        {
            "username": username,
            "full_name": "新主席",
            "password": "Chosen-pass-2026",
            "org": org,
            "role": role,
        },
    )


def test_county_admin_without_reveal_pii_cannot_create_a_grassroots_chair(cast: Cast) -> None:
    admin = fresh(cast.county_officer)
    assert not admin.has_capability("reveal_pii", cast.grassroots.path)
    client = Client()
    client.force_login(cast.county_officer)
    response = _create_page(client, "chair")
    assert response.status_code == 200
    body = response.content.decode()
    assert "不能授予本人不具备的权限" in body and "查看完整个人信息" in body
    assert not User.objects.filter(username="chair2").exists()
    # The same at the service, whatever the door.
    with pytest.raises(PermissionDenied):
        officer_create(
            actor=admin, username="chair3", full_name="x", org=cast.grassroots, role="chair"
        )
    assert not User.objects.filter(username="chair3").exists()


def test_county_admin_cannot_add_a_chair_post_to_an_existing_account(cast: Cast) -> None:
    target = make_officer(cast.grassroots, "admin", "g.admin")
    client = Client()
    client.force_login(cast.county_officer)
    response = client.post(
        f"/accounts/officers/{target.pk}/assign/", {"org": "EAST-G1", "role": "chair"}
    )
    assert response.status_code == 302
    assert not Post.objects.filter(user=target, role="chair").exists()
    assert not fresh(target).has_capability("reveal_pii", cast.grassroots.path)


def test_county_admin_cannot_reset_the_password_of_an_account_holding_more(cast: Cast) -> None:
    """Choosing a chair's new password would hand the admin the chair's capabilities."""
    chair = cast.grassroots_officer
    assert not user_manageable_by(fresh(cast.county_officer), chair, credentials=True)
    client = Client()
    client.force_login(cast.county_officer)
    client.post(f"/accounts/officers/{chair.pk}/password/", {"password": "Chosen-pass-2026"})
    assert not Client().login(username="grass", password="Chosen-pass-2026")
    assert Client().login(username="grass", password=PASSWORD)


def test_admins_grant_posts_whose_capabilities_they_hold(cast: Cast) -> None:
    # A county admin may appoint a grassroots admin (a subset of what it holds above it) ...
    created = officer_create(
        actor=fresh(cast.county_officer),
        username="g.admin",
        full_name="基层管理员",
        org=cast.grassroots,
        role="admin",
    )
    assert Post.objects.get(user=created.user).role == "admin"
    # ... and a grassroots chair may appoint its own staff and vice chair.
    for role in ("staff", "vice_chair"):
        officer_create(
            actor=fresh(cast.grassroots_officer),
            username=f"g.{role}",
            full_name="基层干部",
            org=cast.grassroots,
            role=role,
        )
    # ... but not a federation post above it that carries what it lacks.
    with pytest.raises(PermissionDenied):
        officer_create(
            actor=fresh(cast.grassroots_officer),
            username="g.up",
            full_name="x",
            org=cast.town,
            role="admin",
        )


def test_grant_any_is_the_superusers_alone(cast: Cast) -> None:
    assert not any("accounts.grant_any" in caps for caps in DEFAULTS.values())
    root = superuser()
    assert root.has_capability("accounts.grant_any", cast.grassroots.path)
    officer_create(actor=root, username="g.chair", full_name="x", org=cast.grassroots, role="chair")
    # An installation admin cannot hand it to a role through the matrix.
    CapabilityOverride.objects.create(
        role="admin", level="federation", capability="accounts.grant_any"
    )
    forget_matrix()
    admin = fresh(cast.county_officer)
    assert not admin.has_capability("accounts.grant_any", cast.grassroots.path)
    with pytest.raises(PermissionDenied):
        officer_create(actor=admin, username="c2", full_name="x", org=cast.grassroots, role="chair")


def test_a_matrix_change_moves_what_may_be_granted(cast: Cast) -> None:
    """Give federation admins everything a grassroots chair has: then they may appoint one."""
    missing = DEFAULTS[("chair", "grassroots")] - DEFAULTS[("admin", "federation")]
    for capability in missing:
        CapabilityOverride.objects.create(role="admin", level="federation", capability=capability)
    forget_matrix()
    officer_create(
        actor=fresh(cast.county_officer),
        username="g.chair",
        full_name="x",
        org=cast.grassroots,
        role="chair",
    )


def test_the_matrix_admin_offers_no_superuser_only_capability(cast: Cast) -> None:
    client = Client()
    client.force_login(superuser())
    page = client.get("/admin/orgs/capabilityoverride/add/").content.decode()
    assert 'value="reveal_pii"' in page and 'value="accounts.grant_any"' not in page
    response = client.post(
        "/admin/orgs/capabilityoverride/add/",
        {
            "role": "admin",
            "level": "federation",
            "capability": "accounts.grant_any",
            "granted": "on",
        },
    )
    assert response.status_code == 200  # the form refuses it
    assert not CapabilityOverride.objects.exists()
