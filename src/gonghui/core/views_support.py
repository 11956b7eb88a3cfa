"""Calling a service from an officer's or a member's page (DESIGN.md "Layout": one helper).

A service refuses with ``ValidationError`` (bad input, a rule) or ``PermissionDenied`` (not this
actor's business). A page shows either as a Chinese message and changes nothing; a refusal never
becomes a 403 page, which would look like a crash to an officer who merely clicked the wrong step.
Objects outside the viewer's scope are still a 404: selectors raise it before a service runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import ExplainedRefusal

T = TypeVar("T")


def _refusal_text(exc: PermissionDenied, denied: str | None) -> str:
    if isinstance(exc, ExplainedRefusal) and str(exc):
        return str(exc)
    return denied or _("您没有办理此项的权限")


def run_service(
    request: HttpRequest,
    call: Callable[[], Any],
    success: str | None,
    *,
    denied: str | None = None,
) -> bool:
    """Run ``call``; on success show ``success`` (if any) and return True. A refusal shows its
    messages (``denied``, or a general sentence, for a permission refusal) and returns False."""
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    except PermissionDenied as exc:
        messages.error(request, _refusal_text(exc, denied))
        return False
    if success:
        messages.success(request, success)
    return True


@dataclass(frozen=True)
class Done(Generic[T]):
    """What :func:`submit_form` returns when the service ran: always true, holding its result."""

    value: T


def submit_form(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[], T],
    success: str | Callable[[T], str] | None = None,
    *,
    denied: str | None = None,
    denied_field: str | None = None,
) -> Done[T] | None:
    """When ``request`` posts ``form`` and it is valid, run the service behind it. On success
    show ``success`` (a sentence, or one made from the result) and return ``Done(result)``. A
    refusal is bound onto the form, so the page renders it again with the input kept: a
    ``ValidationError``'s messages on their fields (the rest on top), a permission refusal as
    ``denied`` (or the general sentence) on ``denied_field`` or on top. Returns None when the
    request is not a POST, the form is invalid or the service refused: render the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call()
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None
    except PermissionDenied as exc:
        field = denied_field if denied_field in form.fields else None
        form.add_error(field, _refusal_text(exc, denied))
        return None
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return Done(result)
