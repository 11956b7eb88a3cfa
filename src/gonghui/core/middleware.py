from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gonghui.core.audit import request_ip


class ContentSecurityPolicyMiddleware:
    """Adds the CSP header everywhere, /api/docs included (no inline scripts: htmx, Bootstrap
    and ninja's Swagger UI are served from our own static files)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.GONGHUI_CSP)
        return response


class RequestContextMiddleware:
    """Makes the client IP available to audit rows written by services."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_ip(request.META.get("REMOTE_ADDR")):
            return self.get_response(request)
