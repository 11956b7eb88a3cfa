"""The PostgreSQL backend's health check (gonghui.core.pgbackend): no ``SELECT 1`` round trip
before a request on a connection used moments ago, a check on an idle one, and a server lost
within the window costs the client one retryable 503, not a 500."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test import Client

from gonghui.core import pgbackend
from tests.conftest import Cast
from tests.factories import bearer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the backend is PostgreSQL's"
)


def _checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []
    usable = connection.is_usable

    def counted() -> bool:
        calls.append(True)
        return usable()

    monkeypatch.setattr(connection, "is_usable", counted)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_busy_connection_skips_the_round_trip_an_idle_one_is_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert connection.settings_dict["ENGINE"] == "gonghui.core.pgbackend"
    calls = _checks(monkeypatch)
    connection.ensure_connection()
    connection.cursor().execute("SELECT 1")
    connection.close_if_unusable_or_obsolete()  # what each request starts with
    connection.cursor().execute("SELECT 1")
    assert calls == []
    connection.close_if_unusable_or_obsolete()
    connection._last_used -= pgbackend.base.HEALTH_CHECK_IDLE + 1  # type: ignore[attr-defined]
    connection.cursor().execute("SELECT 1")
    assert calls == [True]


@pytest.mark.django_db(transaction=True)
def test_a_server_lost_within_the_window_costs_one_retryable_503(cast: Cast) -> None:
    client = Client(HTTP_AUTHORIZATION=bearer(cast.grassroots_officer)["Authorization"])
    search: dict[str, Any] = {"path": "/api/members/search", "content_type": "application/json"}
    assert client.post(data={"q": "张"}, **search).status_code == 200
    pid = connection.connection.info.backend_pid
    url = connection.settings_dict
    with psycopg.connect(
        dbname=url["NAME"], user=url["USER"], host=url["HOST"] or "127.0.0.1", autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    lost = client.post(data={"q": "张"}, **search)
    assert lost.status_code == 503 and lost.json()["retryable"] is True
    assert lost["Retry-After"] == "5"
    assert client.post(data={"q": "张"}, **search).status_code == 200
