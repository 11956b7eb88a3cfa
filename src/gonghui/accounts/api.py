from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from gonghui.accounts.models import User
from gonghui.accounts.services import accounts as services
from gonghui.core import ratelimit
from gonghui.core.api_schemas import NO_NUL, ErrorOut, InvalidOut
from gonghui.core.net import client_ip

router = Router(tags=["auth"])


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /api/auth/token``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = services.token_user(token)
        if user is not None:
            request.user = user
        return user


class TokenIn(Schema):
    username: str = Field(..., pattern=NO_NUL)
    password: str


class TokenOut(Schema):
    token: str


@router.post(
    "/token",
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: InvalidOut, 429: ErrorOut},
    auth=None,
)
def token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, str]]:
    """Exchange a username (or phone number) and password for a bearer token."""
    ip = client_ip(request)
    if not ratelimit.hit(f"token-ip:{ip}", settings.GONGHUI_TOKEN_RATE):
        raise HttpError(429, _("尝试次数过多，请稍后再试"))
    user = authenticate(request, username=payload.username[:150], password=payload.password[:256])
    if user is None:
        return Status(401, {"detail": _("用户名（手机号码）或密码不正确，或账号已锁定")})
    return Status(200, {"token": services.token_issue(user=user)})
