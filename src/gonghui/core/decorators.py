from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect


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
