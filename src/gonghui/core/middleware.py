from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from gonghui.core.audit import request_ip
from gonghui.core.net import client_ip


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
    """Makes the client IP (behind the trusted proxies) available to audit rows written by
    services."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_ip(client_ip(request)):
            return self.get_response(request)


class LanguageMiddleware:
    """Chinese unless the user chose otherwise (DESIGN.md rule 7: zh-hans is the default).

    Django's LocaleMiddleware would follow the browser's Accept-Language, which shows English
    pages to officers whose computers happen to be set up in English; here only an explicit
    choice (the language cookie set by the switcher) changes the language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override() restores the thread's previous language afterwards: nothing leaks into
        # the next request served by this thread (or the next test).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
