"""Operations (issue 19 item 5): liveness and readiness, one JSON log line per request with its
id and no personal data, metrics for the monitoring network only, a retryable 503 when the
database is gone, and the queue page with retry for the superuser."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from gonghui.core.audit import AuditEvent
from gonghui.core.observability import (
    DatabaseUnavailableMiddleware,
    JsonFormatter,
    RequestLogMiddleware,
    hide_user,
)
from tests import factories


def test_healthz_answers_without_touching_anything(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_readyz_reports_database_cache_and_queue(client: Client) -> None:
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body == {"ready": True, "database": "ok", "cache": "ok", "queue": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_is_unreachable(client: Client, monkeypatch) -> None:
    from gonghui.core import observability

    def broken(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(observability.cache, "set", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["cache"].startswith("error")


def _log_line(caplog, request, *, hide: bool = False) -> dict:
    def view(req):
        from django.http import HttpResponse

        if hide:
            hide_user(req)
        return HttpResponse("ok")

    caplog.set_level(logging.INFO, logger="gonghui.request")
    response = RequestLogMiddleware(view)(request)
    record = next(r for r in caplog.records if r.name == "gonghui.request")
    line = json.loads(JsonFormatter().format(record))
    assert response["X-Request-ID"] == line["request_id"]
    return line


@pytest.mark.django_db
def test_a_request_log_line_names_the_request_and_user_but_not_the_query(caplog) -> None:
    user = factories.superuser()
    request = RequestFactory().get(
        "/members/", {"q": "410105197001010012"}, HTTP_X_REQUEST_ID="abc-123"
    )
    request.user = user
    line = _log_line(caplog, request)
    assert line["request_id"] == "abc-123" and line["user"] == user.pk
    assert line["path"] == "/members/" and line["status"] == 200 and "ms" in line
    assert "410105197001010012" not in json.dumps(line)


@pytest.mark.django_db
def test_an_anonymous_submission_logs_no_user(caplog) -> None:
    request = RequestFactory().post("/m/voice/new/")
    request.user = factories.superuser()
    line = _log_line(caplog, request, hide=True)
    assert line["user"] is None


def test_a_forged_request_id_is_replaced(caplog) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="bad id\n{}")
    request.user = AnonymousUser()
    line = _log_line(caplog, request)
    assert line["request_id"] != "bad id\n{}" and len(line["request_id"]) == 32


@pytest.mark.django_db
def test_a_lost_database_is_a_retryable_503_in_chinese() -> None:
    middleware = DatabaseUnavailableMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    api = middleware.process_exception(
        RequestFactory().post("/api/redemptions"), OperationalError("server closed the connection")
    )
    assert api is not None and api.status_code == 503 and api["Retry-After"]
    body = json.loads(api.content)
    assert body == {"detail": "数据库暂时无法访问，请稍后重试。", "retryable": True}
    page = middleware.process_exception(RequestFactory().get("/stats/"), OperationalError("x"))
    assert page is not None and page.status_code == 503
    assert "数据库暂时无法访问" in page.content.decode()
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("x")) is None


@pytest.mark.django_db
def test_metrics_answer_the_monitoring_network_only(client: Client) -> None:
    ours = client.get("/metrics")  # the test client comes from 127.0.0.1
    assert ours.status_code == 200
    text = ours.content.decode()
    assert 'gonghui_task_queue{state="waiting"}' in text
    assert "django_http_requests" in text
    assert "gonghui_scheduler_lag_seconds " in text
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


@pytest.mark.django_db
def test_the_superuser_sees_failed_tasks_and_retries_one(client: Client) -> None:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    failed = DBTaskResult.objects.create(
        status="FAILED",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="gonghui.core.tasks.prune_audit_task",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        exception_class_path="builtins.RuntimeError",
        traceback="Traceback ...\nRuntimeError: 审计库暂时不可用",
    )
    client.force_login(factories.superuser())
    page = client.get("/system/queue/").content.decode()
    assert "审计库暂时不可用" in page and "gonghui.core.tasks.prune_audit_task" in page
    response = client.post(f"/system/queue/{failed.id}/retry/")
    assert response.status_code == 302
    assert not DBTaskResult.objects.filter(id=failed.id).exists()
    assert AuditEvent.objects.filter(action="core.task.retried").count() == 1


@pytest.mark.django_db
def test_the_queue_page_is_for_superusers_only(client: Client, cast) -> None:
    client.force_login(cast.province_officer)
    assert client.get("/system/queue/").status_code == 404
