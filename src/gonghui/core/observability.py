"""Operations: request ids, structured JSON logs, health and readiness, a clear answer when the
database is unreachable.

Request log lines carry the request id (``X-Request-ID`` from nginx, or a new one), the method,
the path without its query string, the status, the time taken, the database that served the
reads and the user id — never personal data, and no user id at all on a request a view marked
with :func:`hide_user` (an anonymous submission).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gonghui.core import replicas

request_log = logging.getLogger("gonghui.request")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


def hide_user(request: HttpRequest) -> None:
    """Keep the account out of this request's log line (an anonymous appeal or survey answer:
    the log must not tie the submission to the member who was logged in)."""
    request._gonghui_hide_user = True  # type: ignore[attr-defined]


def expected_refusal(response: HttpResponse) -> HttpResponse:
    """A refusal that is part of the conversation (the counter's 409: quota used up, a limit
    reached), answered and audited where it matters: kept out of ``django.request``'s warnings,
    which are for what someone should look at. The request's own log line (INFO) records it."""
    response._has_been_logged = True  # type: ignore[attr-defined]  # django.utils.log's mark
    return response


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id of the request being served."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        request_id = _request_id.get()
        if request_id:
            entry["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Outermost of the project's middleware: names the request, times it, logs it once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            with replicas.tracking_reads():
                response = self.get_response(request)
                database = replicas.served_by()
        finally:
            _request_id.reset(token)
        response.headers["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        fields: dict[str, Any] = {
            "event": "request",
            "request_id": request_id,
            "method": request.method,
            "path": request.path,  # never the query string: it may hold what was searched
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "db": database,
        }
        if getattr(request, "_gonghui_hide_user", False):
            fields["user"] = None
        elif user is not None and getattr(user, "is_authenticated", False):
            fields["user"] = user.pk
        request_log.info("request", extra={"fields": fields})
        return response


class DatabaseUnavailableMiddleware:
    """A lost database connection (a restart, a failover) is a retryable 503 with a Chinese
    message and ``Retry-After``, not a 500: clients retry, idempotency keys keep retries safe."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        request_log.warning(
            "database unavailable",
            extra={"fields": {"event": "database_unavailable", "error": str(exception)[:200]}},
        )
        message = _("数据库暂时无法访问，请稍后重试。")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": message, "retryable": True}, status=503
            )
        else:
            response = render(request, "core/unavailable.html", {"message": message}, status=503)
        response["Retry-After"] = "5"
        return response


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up (no dependency checked): for the load balancer's liveness probe."""
    return HttpResponse("ok", content_type="text/plain")


def _check_database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        connections[alias].close()
        return f"error: {str(exc).strip()[:120]}"
    return "ok"


def _check_cache() -> str:
    try:
        key = f"readyz:{uuid.uuid4().hex}"
        cache.set(key, "1", 5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:  # any backend's connection error
        return f"error: {str(exc).strip()[:120]}"
    return "ok" if ok else "error: cache lost a value"


def _check_queue() -> str:
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    if "RQBackend" not in backend:
        return "ok"  # the database backend: the database check covers it
    try:
        import django_rq

        django_rq.get_connection("default").ping()
    except Exception as exc:  # redis' connection errors
        return f"error: {str(exc).strip()[:120]}"
    return "ok"


def readyz(request: HttpRequest) -> JsonResponse:
    """Database, cache and queue reachable (503 otherwise); the replica's lag is reported but a
    lagging or stopped replica does not make the app unready (reads fall back to the primary)."""
    checks: dict[str, Any] = {
        "database": _check_database(replicas.PRIMARY),
        "cache": _check_cache(),
        "queue": _check_queue(),
    }
    if replicas.configured():
        state = replicas.replica_state(force=True)
        checks["replica"] = {"usable": state.usable, "lag_seconds": state.lag, "error": state.error}
    ready = all(checks[name] == "ok" for name in ("database", "cache", "queue"))
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)
