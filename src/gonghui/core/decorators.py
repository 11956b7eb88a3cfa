from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

# The members' phone login (members.phone_urls): a member who is not logged in logs in there,
# not on the officers' desktop login. A URL name, so core imports nothing of members.
MEMBER_LOGIN_URL = "members_m:login"


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Officers' pages: anonymous users log in; members and merchants go to their own pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        account_type = getattr(user, "account_type", "officer")
        if account_type == "member":
            return redirect("/m/")
        if account_type == "merchant":
            return redirect("/shop/")
        return view(request, *args, **kwargs)

    return wrapper


def superuser_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Installation admins' pages: anonymous users log in; any other account gets a 404 (the
    page does not exist for it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_superuser:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Member accounts' phone pages (``/m/``): anonymous users log in on the members' login;
    officers and merchants get a 404 (the page does not exist for them)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url(MEMBER_LOGIN_URL))
        if getattr(request.user, "account_type", "") != "member":
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
