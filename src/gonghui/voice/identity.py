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


def owner_rekey(old_key_ids: list[str]) -> int:
    """After a key rotation: each member's hash under an old key becomes the current one (the
    member's pages find their appeals again). Runs over the accounts, never shows a link."""
    from django.contrib.auth import get_user_model

    from gonghui.voice.models import Appeal
    from gonghui.voice.models_proposals import Proposal

    models = (Appeal, Proposal)
    stale = {
        k
        for m in models
        for k in m.objects.exclude(owner_key="").values_list("owner_key", flat=True)
    }
    moved = 0
    if not stale or not old_key_ids:
        return moved
    for pk in get_user_model().objects.values_list("pk", flat=True).iterator(chunk_size=5000):
        new = blind_index(KIND, str(pk))
        for kid in old_key_ids:
            old = blind_index(KIND, str(pk), key_id=kid)
            if old in stale and old != new:
                for model in models:
                    moved += model.objects.filter(owner_key=old).update(owner_key=new)
    return moved
