"""The JSON API at /api/ (django-ninja; OpenAPI at /api/docs), scoped exactly like the pages.

Every error body has one of two shapes, both declared on each operation: ``{"detail": "…"}``
for a refusal (400, 401, 403, 404, 429) and ``{"detail": ["字段: 规则", …]}`` for bad input
(422, DESIGN.md rule 6), whether ninja's schema or a service rejected it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from gonghui.accounts.api import BearerAuth
from gonghui.accounts.api import router as auth_router
from gonghui.assistance.api import router as assistance_router
from gonghui.benefits.api import offers_router, redemptions_router, shop_router
from gonghui.core.api_schemas import NO_NUL
from gonghui.core.forms import error_messages
from gonghui.core.jobs_api import router as jobs_router
from gonghui.democracy.api import router as democracy_router
from gonghui.honors.api import router as honors_router
from gonghui.members.api import cards_router
from gonghui.members.api import router as members_router
from gonghui.orgs.api import directory_router
from gonghui.orgs.api import router as orgs_router
from gonghui.stats.api import router as stats_router
from gonghui.voice.api import router as voice_router


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON as written: integrators read 河南省总工会, not \\u6cb3\\u5357."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="gonghui API",
    version="1",
    description=(
        "智慧工会接口：先以 POST /api/auth/token 取得令牌，再以 Authorization: Bearer 调用。"
    ),
    auth=[BearerAuth(), django_auth],
    urls_namespace="api",
    renderer=ChineseJSONRenderer(),
)
api.add_router("/auth", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/directory", directory_router)
api.add_router("/members", members_router)
api.add_router("/cards", cards_router)
api.add_router("/jobs", jobs_router)
api.add_router("/assistance", assistance_router)
api.add_router("/democracy", democracy_router)
api.add_router("/honors", honors_router)
api.add_router("/voice", voice_router)
api.add_router("/shop", shop_router)
api.add_router("/offers", offers_router)
api.add_router("/redemptions", redemptions_router)
api.add_router("/stats", stats_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("未找到")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("无权执行此操作")}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": error_messages(exc)}, status=422)


@api.exception_handler(SchemaValidationError)
def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    """Input the declared schema rejects: the same shape, in Chinese, as a service's refusal."""
    messages = [f"{_field_name(e.get('loc', ()))}: {_schema_message(e)}" for e in exc.errors]
    return api.create_response(request, {"detail": messages}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("未登录或令牌无效、已过期")}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises a bare 400 only for a request body it cannot parse.
    detail = _("请求内容无法解析，应为 JSON") if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


def _field_name(loc: Sequence[Any]) -> str:
    """``("body", "payload", "code")`` → ``code``; ``("query", "limit")`` → ``limit``."""
    parts = [str(p) for p in loc]
    parts = parts[2:] if parts[:1] == ["body"] else parts[1:]
    return ".".join(parts) or _("请求内容")


def _schema_message(error: dict[str, Any]) -> str:
    date = _("应为日期，格式 YYYY-MM-DD")
    integer = _("应为整数")
    obj = _("应为 JSON 对象")
    templates = {
        "missing": _("必填"),
        "string_type": _("应为字符串"),
        "string_too_long": _("不能超过%(max_length)s个字符"),
        "string_too_short": _("不能少于%(min_length)s个字符"),
        "string_pattern_mismatch": _("不能含有空字符（U+0000）")
        if (error.get("ctx") or {}).get("pattern") == NO_NUL
        else _("格式不正确"),
        "int_type": integer,
        "int_parsing": integer,
        "int_from_float": integer,
        "greater_than_equal": _("不能小于%(ge)s"),
        "greater_than": _("应大于%(gt)s"),
        "plain_decimal": _("应为数字，如 1200 或 1200.50（不能用科学计数法）"),
        "decimal_parsing": _("应为数字，如 1200 或 1200.50（不能用科学计数法）"),
        "decimal_max_digits": _("数字不能超过%(max_digits)s位"),
        "decimal_max_places": _("小数不能超过%(decimal_places)s位"),
        "decimal_whole_digits": _("整数部分位数过多"),
        "less_than_equal": _("不能大于%(le)s"),
        "enum": _("应为以下之一：%(expected)s"),
        "date_type": date,
        "date_parsing": date,
        "date_from_datetime_parsing": date,
        "date_from_datetime_inexact": date,
        "model_attributes_type": obj,
        "dict_type": obj,
        "model_type": obj,
    }
    template = templates.get(str(error.get("type", "")))
    if template is None:
        return str(error.get("msg", _("无效")))
    try:
        return template % dict(error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", _("无效")))
