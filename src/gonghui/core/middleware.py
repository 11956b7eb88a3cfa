from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import middleware as messages_middleware
from django.contrib.sessions import middleware as sessions_middleware
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware import csrf
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx import middleware as htmx_middleware

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


def _nul_fields(data: QueryDict) -> list[str]:
    """The names of the parameters whose name or value holds NUL (a name is shown escaped)."""
    return [
        key.replace("\x00", "\\0")
        for key, values in data.lists()
        if "\x00" in key or any("\x00" in v for v in values)
    ]


class InvalidInputMiddleware:
    """Refuses a request whose path, query string or form body holds a NUL character.

    PostgreSQL cannot store or even compare text containing NUL, so such a value reaching a
    filter is a 500 there; no page or form has a use for it. One check here covers every
    view, including the many that read ``request.GET`` directly. Pages get a 400 naming the
    parameters; the API keeps its contract for bad input (422, ``{"detail": ["q: …"]}``, as
    its schemas answer NUL in a JSON body). Multipart bodies are left to the forms (Django's
    form fields refuse NUL): reading them here would parse uploads before the view could
    choose its upload handlers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = self._invalid(request)
        if fields:
            return self._refuse(request, fields)
        return self.get_response(request)

    @staticmethod
    def _invalid(request: HttpRequest) -> list[str]:
        fields = ["path"] if "\x00" in request.path else []
        fields += _nul_fields(request.GET)
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            fields += _nul_fields(request.POST)
        return fields

    @staticmethod
    def _refuse(request: HttpRequest, fields: list[str]) -> HttpResponse:
        if request.path.startswith("/api/"):
            rule = _("不能含有空字符（U+0000）")
            return JsonResponse(
                {"detail": [f"{name}: {rule}" for name in fields]},
                status=422,
                json_dumps_params={"ensure_ascii": False},
            )
        message = _("请求参数 %(fields)s 中含有空字符（U+0000），无法处理。请检查输入后重试。") % {
            "fields": "、".join(fields)
        }
        return render(request, "400.html", {"message": message}, status=400)


# --- the lean path of the token API (issue 18 items 4 and 5) -------------------------------------
# A call of /api/ with a bearer token carries no session cookie that matters, no CSRF token, no
# flash messages and no htmx: the middleware below stand aside for it (the settings name them in
# place of Django's). A bearer request is authenticated by its token only (a session cookie sent
# beside it is not read); pages and session calls of the API run them as before.


def token_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") and request.META.get(
        "HTTP_AUTHORIZATION", ""
    ).startswith("Bearer ")


class _WebOnly:
    def __call__(self, request: HttpRequest) -> Any:
        if token_api_request(request):
            return self.get_response(request)  # type: ignore[attr-defined]
        return super().__call__(request)  # type: ignore[misc]


class SessionMiddleware(_WebOnly, sessions_middleware.SessionMiddleware):
    pass


class CsrfViewMiddleware(_WebOnly, csrf.CsrfViewMiddleware):
    pass


class MessageMiddleware(_WebOnly, messages_middleware.MessageMiddleware):
    pass


class HtmxMiddleware(_WebOnly, htmx_middleware.HtmxMiddleware):
    pass


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    def __call__(self, request: HttpRequest) -> Any:
        if token_api_request(request):
            request.user = AnonymousUser()  # until the token names the account (BearerAuth)
            return self.get_response(request)
        return super().__call__(request)
