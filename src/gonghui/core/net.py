"""The client's address as the platform sees it: one answer for audit rows and every limit key."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request``.

    Behind ``GONGHUI_TRUSTED_PROXIES`` proxies (nginx: 1), each proxy appends the address it was
    connected from to X-Forwarded-For, so the client is the n-th entry from the right; anything
    further left was written by the client itself and is not believed. With no trusted proxy,
    or a header shorter than the proxy chain (a request that bypassed it), the TCP peer counts.
    """
    peer = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    proxies = settings.GONGHUI_TRUSTED_PROXIES
    if proxies <= 0:
        return peer
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(chain) < proxies:
        return peer
    return _valid(chain[-proxies]) or peer
