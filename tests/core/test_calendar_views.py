"""The calendar pages: installation admins enter a newly published year; bad lines are refused
with Chinese messages naming the line; everyone else gets a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.core.deadlines import add_working_days
from gonghui.core.models import AuditEvent, CalendarDay, CalendarYear, DayKind
from tests import factories
from tests.conftest import Cast
from tests.factories import ensure_seeded

D = dt.date.fromisoformat

GOOD = {
    "holidays": "2027-01-01 元旦\n2027-02-06~2027-02-13 春节",
    "workdays": "2027-02-20 春节调休上班",
    "source": "国务院办公厅通知",
    "published_on": "2026-11-10",
}


@pytest.fixture
def admin_client(db: None) -> Client:
    ensure_seeded()
    client = Client()
    client.force_login(factories.superuser())
    return client


def test_list_shows_the_missing_next_year_as_not_entered(admin_client: Client) -> None:
    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year=next_year).delete()
    response = admin_client.get("/calendar/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{next_year}年节假日安排未录入" in body
    assert f"/calendar/{next_year}/" in body
    assert "未录入" in body


def test_edit_page_shows_a_seeded_year_as_ranges(admin_client: Client) -> None:
    body = admin_client.get("/calendar/2026/").content.decode()
    assert "2026-02-15~2026-02-23 春节" in body
    assert "2026-02-14 春节调休上班" in body


def test_saving_a_year_stores_its_days_writes_an_audit_row_and_confirms_deadlines(
    admin_client: Client,
) -> None:
    response = admin_client.post("/calendar/2027/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    entry = CalendarYear.objects.get(year=2027)
    assert (entry.source, entry.published_on) == ("国务院办公厅通知", D("2026-11-10"))
    holidays = CalendarDay.objects.filter(date__year=2027, kind=DayKind.HOLIDAY)
    assert holidays.count() == 9  # 元旦 and the 8 days of 春节, weekends included
    assert CalendarDay.objects.get(date=D("2027-02-20")).kind == DayKind.WORKDAY
    event = AuditEvent.objects.get(action="core.calendar.saved")
    assert event.actor_label == "root" and event.target_label == "2027年节假日安排"
    # From Thu 2027-02-04: Fri 02-05 1, 02-06..02-13 off, 02-15..02-19 2-6, Sat 02-20 (调休) 7.
    deadline = add_working_days(D("2027-02-04"), 7)
    assert deadline.due == D("2027-02-20") and deadline.confirmed


def test_saving_again_replaces_the_year(admin_client: Client) -> None:
    admin_client.post("/calendar/2027/", GOOD)
    admin_client.post("/calendar/2027/", {**GOOD, "holidays": "2027-01-01 元旦", "workdays": ""})
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        D("2027-01-01")
    ]
    assert AuditEvent.objects.filter(action="core.calendar.saved").count() == 2


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("holidays", "2027-02-30 春节", "第1行“2027-02-30 春节”：日期无效"),
        (
            "holidays",
            "2027-01-01 元旦\n2028-01-01 元旦",
            "第2行“2028-01-01 元旦”：日期不在2027年内",
        ),
        (
            "workdays",
            "2027-02-15 春节调休上班",
            "第1行“2027-02-15 春节调休上班”：2027-02-15是工作日（周一至周五），无需列为调休上班日",
        ),
        (
            "workdays",
            "2027-02-13 春节调休上班",
            "第1行：2027-02-13已在放假日期第2行列出，不能既放假又上班",
        ),
        ("holidays", "元旦 2027-01-01", "第1行“元旦 2027-01-01”：格式应为"),
    ],
)
def test_bad_lines_are_refused_with_a_chinese_message_naming_the_line(
    admin_client: Client, field: str, text: str, message: str
) -> None:
    response = admin_client.post("/calendar/2027/", {**GOOD, field: text})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not AuditEvent.objects.filter(action="core.calendar.saved").exists()


def test_a_holiday_on_a_weekend_is_allowed(admin_client: Client) -> None:
    response = admin_client.post(
        "/calendar/2027/", {**GOOD, "holidays": "2027-02-06 春节", "workdays": ""}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=D("2027-02-06")).kind == DayKind.HOLIDAY


@pytest.mark.parametrize("who", ["province_officer", "county_officer", "member", "merchant"])
def test_non_superusers_get_404_for_the_calendar_pages(cast: Cast, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    for url in ("/calendar/", "/calendar/2027/"):
        assert client.get(url).status_code == 404
        assert client.post(url, GOOD).status_code == 404
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    response = Client().get("/calendar/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_year_out_of_range_is_404(admin_client: Client) -> None:
    assert admin_client.get("/calendar/1900/").status_code == 404
