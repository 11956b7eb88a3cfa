"""Issue 16 item 4: new officers set their own password through a one-time link; a password
change or reset ends every session and API token of the account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from gonghui.accounts import models
from gonghui.accounts.models import ApiToken, User
from gonghui.accounts.services import accounts as services
from gonghui.accounts.services.accounts import token_issue
from gonghui.core.models import AuditEvent
from tests.conftest import Cast
from tests.factories import PASSWORD, make_officer

NEW = "Fresh-pass-2026"


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s<]+(/accounts/activate/[\w-]+/)", body)
    assert match, "no activation link on the page"
    return match.group(1)


def _login(client: Client, username: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def _create_with_page(cast: Cast) -> tuple[Client, str]:
    """A county admin creates a grassroots admin on the page; the link the page shows."""
    admin = Client()
    admin.force_login(cast.county_officer)
    response = admin.post(
        "/accounts/officers/new/",
        {"username": "g.admin", "full_name": "新管理员", "org": "EAST-G1", "role": "admin"},
        follow=True,
    )
    return admin, _link(response.content.decode())


def test_a_new_officer_sets_the_password_through_a_one_time_link(cast: Cast) -> None:
    admin, link = _create_with_page(cast)
    user = User.objects.get(username="g.admin")
    assert not user.has_usable_password()
    assert (
        models.OfficerActivation.objects.get(user=user).token_hash not in link
    )  # only a hash stored
    # The link is shown once: the next visit of the page no longer has it.
    assert "/accounts/activate/" not in admin.get(f"/accounts/officers/{user.pk}/").content.decode()

    officer = Client()
    assert officer.get(link).status_code == 200
    weak = officer.post(link, {"new_password": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    done = officer.post(link, {"new_password": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    assert _login(Client(), "g.admin", NEW) == 302
    assert AuditEvent.objects.filter(action="accounts.user.password_set").exists()
    # Single use: the link is gone, and cannot set another password.
    assert Client().get(link).status_code == 404
    assert (
        Client().post(link, {"new_password": "x" + NEW, "new_password2": "x" + NEW}).status_code
        == 404
    )
    assert _login(Client(), "g.admin", NEW) == 302


def test_an_expired_link_opens_nothing(cast: Cast) -> None:
    _, link = _create_with_page(cast)
    models.OfficerActivation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get(link).status_code == 404
    with pytest.raises(ValidationError):
        services.activation_complete(token=link.split("/")[-2], password=NEW, client="t")
    assert not User.objects.get(username="g.admin").has_usable_password()


def test_a_reset_ends_sessions_and_tokens_and_sends_a_new_link(cast: Cast) -> None:
    target = make_officer(cast.grassroots, "admin", "g.admin")
    session = Client()
    assert _login(session, "g.admin", PASSWORD) == 302
    raw = token_issue(user=target)
    admin = Client()
    admin.force_login(cast.county_officer)
    response = admin.post(f"/accounts/officers/{target.pk}/password/", follow=True)
    link = _link(response.content.decode())
    assert session.get("/").status_code == 302  # logged out
    assert ApiToken.objects.get(user=target).revoked
    assert Client().get("/api/orgs/EAST-G1", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert _login(Client(), "g.admin", PASSWORD) == 200  # the old password is dead
    Client().post(link, {"new_password": NEW, "new_password2": NEW})
    assert _login(Client(), "g.admin", NEW) == 302


def test_changing_ones_password_ends_other_sessions_and_every_token(cast: Cast) -> None:
    here, elsewhere = Client(), Client()
    assert _login(here, "grass", PASSWORD) == 302
    assert _login(elsewhere, "grass", PASSWORD) == 302
    raw = token_issue(user=cast.grassroots_officer)
    assert Client().get("/api/orgs/EAST-G1", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    page = here.get("/accounts/password/")
    assert page.status_code == 200 and "原密码" in page.content.decode()
    wrong = here.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password": NEW, "new_password2": NEW},
    )
    assert "原密码不正确" in wrong.content.decode()
    done = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302
    assert here.get("/").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/").status_code == 302  # every other session ends
    assert Client().get("/api/orgs/EAST-G1", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEvent.objects.filter(action="accounts.user.password_changed").exists()


def test_sessions_end_even_when_the_password_hash_would_not_change(cast: Cast) -> None:
    """The auth epoch, not only the password hash, signs the session."""
    session = Client()
    assert _login(session, "grass", PASSWORD) == 302
    services.credentials_revoke(User.objects.get(pk=cast.grassroots_officer.pk))
    assert session.get("/").status_code == 302


def test_password_change_service_validates(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.password_change(
            user=cast.grassroots_officer, old_password=PASSWORD, new_password="123"
        )
    assert "new_password" in exc.value.message_dict


def test_a_password_set_in_the_django_admin_also_ends_sessions_and_tokens(cast: Cast) -> None:
    """Every door: a token is bound to the session hash it was issued under."""
    from tests.factories import superuser

    session = Client()
    assert _login(session, "grass", PASSWORD) == 302
    raw = token_issue(user=cast.grassroots_officer)
    admin = Client()
    admin.force_login(superuser())
    response = admin.post(
        f"/admin/accounts/user/{cast.grassroots_officer.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert _login(Client(), "grass", NEW) == 302
    assert session.get("/").status_code == 302
    assert Client().get("/api/orgs/EAST-G1", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
