"""Calling a service from an officer's or a member's page (DESIGN.md "Layout": one helper).

A service refuses with ``ValidationError`` (bad input, a rule) or ``PermissionDenied`` (not this
actor's business). A page shows either as a Chinese message and changes nothing; a refusal never
becomes a 403 page, which would look like a crash to an officer who merely clicked the wrong step.
Objects outside the viewer's scope are still a 404: selectors raise it before a service runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _


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
    except PermissionDenied:
        messages.error(request, denied or _("您没有办理此项的权限"))
        return False
    if success:
        messages.success(request, success)
    return True
