"""The JSON API at /api/ (django-ninja; OpenAPI at /api/docs), scoped exactly like the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import django_auth

from gonghui.accounts.api import BearerAuth
from gonghui.accounts.api import router as auth_router
from gonghui.core.forms import error_messages
from gonghui.orgs.api import directory_router
from gonghui.orgs.api import router as orgs_router

api = NinjaAPI(
    title="gonghui API",
    version="1",
    description="智慧工会接口：先以 POST /api/auth/token 取得令牌，再以 Authorization: Bearer 调用。",
    auth=[BearerAuth(), django_auth],
    urls_namespace="api",
)
api.add_router("/auth", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/directory", directory_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("未找到")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("无权执行此操作")}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": error_messages(exc)}, status=422)
