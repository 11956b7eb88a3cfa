from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

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


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


class InvalidInputMiddleware:
    """Answers 400 to a request whose path, query string or form body holds a NUL character.

    PostgreSQL cannot store or even compare text containing NUL, so such a value reaching a
    filter is a 500 there; no page or form has a use for it. One check here covers every
    view, including the many that read ``request.GET`` directly. Multipart bodies are left to
    the forms (Django's form fields refuse NUL): reading them here would parse uploads before
    the view could choose its upload handlers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._invalid(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _invalid(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        query = request.GET
        if _has_nul(query.keys()) or _has_nul(v for _k, vs in query.lists() for v in vs):
            return True
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            form = request.POST
            return _has_nul(form.keys()) or _has_nul(v for _k, vs in form.lists() for v in vs)
        return False

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        message = _("请求中含有空字符（U+0000），无法处理。请检查输入后重试。")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": message}, status=400, json_dumps_params={"ensure_ascii": False}
            )
        return render(request, "400.html", {"message": message}, status=400)
