"""How a submitter finds their own items again.

Signed appeals and proposals: ``owner_key(user)`` is an HMAC of the account id under the
server's blind-index key: the member's pages recompute it to find "my appeals"; officers'
selectors, pages, exports, the API and the audit trail never select or show the column.

Anonymous appeals (DESIGN.md rule 2) carry no per-person value at all — the same person's
``owner_key`` would tie all their anonymous appeals to each other and, with one SQL join, to
their signed ones. Their author follows them with a random per-appeal secret, the 查询码, shown
once when they submit and kept by the member; the database keeps only its SHA-256
(``follow_digest``). The code is never put in the session, a cookie or any row that names the
member. Guessing is bounded per account and per client (DESIGN.md rule 12): 80 random bits
make a guess hopeless anyway, the limit keeps the log and the database quiet.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core import ratelimit
from gonghui.core.crypto import blind_index
from gonghui.core.scoping import Actor

KIND = "voice-owner"
# Crockford's base32 without I, L, O, U: read aloud or copied by hand without mistakes.
FOLLOW_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
FOLLOW_LENGTH = 16  # 80 bits
FOLLOW_RATE_ACCOUNT = "10/600"
FOLLOW_RATE_CLIENT = "30/600"


def follow_code_new() -> str:
    """A fresh 查询码, grouped by four: ``7KQ2-M9XD-…``."""
    raw = "".join(secrets.choice(FOLLOW_ALPHABET) for _ in range(FOLLOW_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, FOLLOW_LENGTH, 4))


def follow_normalize(code: str) -> str:
    """What the member typed, as stored: case, spaces and dashes do not matter; O and I read as
    0 and 1 (Crockford)."""
    text = (code or "").upper().translate(str.maketrans("OIL", "011"))
    return "".join(c for c in text if c in FOLLOW_ALPHABET)


def follow_digest(code: str) -> str:
    """The stored form: SHA-256 of the normalized code (random, so no key nor slow hash needed)."""
    plain = follow_normalize(code)
    if len(plain) != FOLLOW_LENGTH:
        return ""
    return hashlib.sha256(plain.encode()).hexdigest()


def follow_guess(*, account: Actor, client: str | None) -> None:
    """Count one 查询码 attempt; refuse once the account or the client has tried too often."""
    if not ratelimit.hit(f"voice-follow-client:{client or '-'}", FOLLOW_RATE_CLIENT):
        raise ValidationError({"code": _("尝试次数过多，请稍后再试")})
    who = getattr(account, "pk", None)
    if who is not None and not ratelimit.hit(f"voice-follow:{who}", FOLLOW_RATE_ACCOUNT):
        raise ValidationError({"code": _("尝试次数过多，请稍后再试")})


def owner_key(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return blind_index(KIND, str(user.pk))


def owner_rekey(old_key_ids: list[str]) -> int:
    """After a key rotation: each member's hash under an old key becomes the current one (the
    member's pages find their appeals again). Runs over the accounts, never shows a link."""
    from django.contrib.auth import get_user_model

    from gonghui.voice.models import Appeal
    from gonghui.voice.models.proposals import Proposal

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
