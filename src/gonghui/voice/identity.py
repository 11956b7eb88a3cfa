"""The member's own link to their appeals, kept so that no officer's code path can read it.

``owner_key(user)`` is an HMAC of the account id under the server's blind-index key: the
member's pages recompute it to find "my appeals"; officers' selectors, pages, exports, the API
and the audit trail never select or show the column. Without the key a database reader cannot
turn it back into an account (DESIGN.md rule 2: an anonymous appeal keeps no submitter).
"""

from __future__ import annotations

from typing import Any

from gonghui.core.crypto import blind_index

KIND = "voice-owner"


def owner_key(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return blind_index(KIND, str(user.pk))
