"""Dates outside the field's range are refused (issue 16 item 9): birth dates from 1880, other
events from 1900, nothing after 2100 — in forms, the API and imports (core.dateranges)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.democracy.models import Session
from gonghui.members.forms import MemberRegisterForm
from tests.conftest import Cast
from tests.factories import elect, make_congress, new_member


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_session_form_refuses_a_date_out_of_range(cast: Cast, day: str) -> None:
    """A session dated 0001-01-01 broke its page for good: now it is never created."""
    congress, term = make_congress(cast)
    elect(cast, term, 1)
    client = Client(raise_request_exception=False)
    client.force_login(cast.grassroots_officer)
    response = client.post(
        reverse("democracy:congress_add", args=[congress.pk, "session"]),
        {"title": "一届二次职代会", "scheduled_for": day},
        follow=True,
    )
    assert response.status_code == 200
    assert "日期应在1900-01-01至2100-12-31之间" in response.content.decode()
    assert not Session.objects.exists()


def test_session_page_renders_at_the_edges_of_the_range(cast: Cast) -> None:
    congress, term = make_congress(cast)
    elect(cast, term, 1)
    client = Client()
    client.force_login(cast.grassroots_officer)
    for day in ("1900-01-01", "2100-12-31"):
        client.post(
            reverse("democracy:congress_add", args=[congress.pk, "session"]),
            {"title": f"会议{day}", "scheduled_for": day},
        )
        session = Session.objects.get(title=f"会议{day}")
        detail = client.get(reverse("democracy:session_detail", args=[session.pk]))
        assert detail.status_code == 200


def test_birth_dates_reach_back_to_1880_other_dates_to_1900() -> None:
    form = MemberRegisterForm(data={"birth_date": "1885-06-01", "joined_on": "1885-06-01"})
    form.is_valid()
    assert "birth_date" not in form.errors and "joined_on" in form.errors
    form = MemberRegisterForm(data={"birth_date": "1879-12-31", "joined_on": "2101-01-01"})
    form.is_valid()
    assert "birth_date" in form.errors and "joined_on" in form.errors
    assert 'min="1880-01-01"' in str(form["birth_date"]) and 'max="2100-12-31"' in str(
        form["joined_on"]
    )


def test_imports_refuse_dates_out_of_range() -> None:
    from gonghui.core.importing.normalize import CellError, to_birth_date, to_date

    assert to_birth_date("1885-06-01") == dt.date(1885, 6, 1)
    assert to_date("1900-01-01") == dt.date(1900, 1, 1)
    for value, convert in [
        ("0001-01-01", to_date),
        ("1885-06-01", to_date),
        ("2101-01-01", to_date),
        ("1879-12-31", to_birth_date),
        (dt.date(1, 1, 1), to_date),
    ]:
        with pytest.raises(CellError):
            convert(value)


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"joined_on": "0001-01-01"}, "joined_on"),
        ({"joined_on": "2101-01-01"}, "joined_on"),
        (
            {"birth_date": "1879-12-31", "id_type": "passport", "id_number": "E12345678"},
            "birth_date",
        ),
    ],
)
def test_api_refuses_dates_out_of_range(cast: Cast, fields: dict[str, str], field: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.grassroots_officer)
    response = client.post("/api/members", new_member(**fields), content_type="application/json")
    assert response.status_code == 422, response.content
    assert any(m.startswith(field) for m in response.json()["detail"])


def test_org_api_refuses_a_founding_date_out_of_range(cast: Cast) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.county_officer)
    body = {"parent_code": "EAST-T1", "code": "EAST-G9", "name": "新工会", "kind": "grassroots"}
    response = client.post(
        "/api/orgs", {**body, "founded_on": "0001-01-01"}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert any(m.startswith("founded_on") for m in response.json()["detail"])
