"""Searches by a full ID or phone number without the number in a URL (issue 16 item 8).

A URL lands in access logs, browser history and Referer headers. A search form that may carry
such a number is POSTed; the view stores the term under a random token in the shared cache
(encrypted, bound to the account, for ``TTL``) and redirects to the list with ``qt=<token>``
instead of ``q=<number>``, so that paging, reloading and the export links keep working.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from django.core.cache import cache
from django.http import QueryDict

from gonghui.core.crypto import decrypt, encrypt
from gonghui.core.scoping import Actor, ViewerRequest

TTL = timedelta(minutes=30)
TOKEN_PARAM = "qt"
_CONTEXT = "core.search_token"


def _key(token: str) -> str:
    return f"search-token:{token}"


def search_token_issue(*, user: Actor, text: str) -> str:
    token = secrets.token_urlsafe(16)
    sealed = encrypt(f"{user.pk}:{text}", _CONTEXT)
    cache.set(_key(token), sealed, int(TTL.total_seconds()))
    return token


def search_token_text(*, user: Actor, token: str) -> str | None:
    """The term behind the token, or None when unknown, expired or another account's."""
    if not token or len(token) > 64:
        return None
    sealed = cache.get(_key(token))
    if not sealed:
        return None
    owner, _sep, text = decrypt(sealed, _CONTEXT).partition(":")
    return text if owner == str(user.pk) else None


def search_query(
    request: ViewerRequest, data: QueryDict, *, secret: Callable[[str], bool], field: str = "q"
) -> QueryDict | None:
    """The query string to redirect to when ``data`` (a POSTed search form, or a GET that
    carries a number) holds a term that must not be in a URL; None when there is none."""
    text = data.get(field, "").strip()
    if request.method != "POST" and not secret(text):
        return None
    params = data.copy()
    for name in ("csrfmiddlewaretoken", field, TOKEN_PARAM):
        params.pop(name, None)
    if secret(text):
        params[TOKEN_PARAM] = search_token_issue(user=request.user, text=text)
    elif text:
        params[field] = text
    return params


def resolve_search(
    request: ViewerRequest, data: QueryDict, *, field: str = "q"
) -> tuple[QueryDict, bool]:
    """``data`` with the token's term put back as ``field`` (for the filters, never a URL),
    and whether the token had expired (the caller says so rather than search for everything)."""
    token = data.get(TOKEN_PARAM, "")
    if not token:
        return data, False
    resolved = data.copy()
    text = search_token_text(user=request.user, token=token)
    resolved[field] = text or ""
    return resolved, text is None
