"""Encryption of personal information at rest (DESIGN.md rule 3).

Each ciphertext is tagged ``gh1$<algorithm>$<key id>$<base64(nonce || ciphertext)>`` so that keys
rotate and another algorithm (SM4) can be added. Exact lookup and uniqueness use an HMAC blind
index computed from a key derived from the current PII key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from decimal import Decimal
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "gh1"
ALGORITHM = "A256GCM"


def _decode_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as exc:
        raise ImproperlyConfigured("PII key must be base64 of 32 bytes") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("PII key must be base64 of 32 bytes")
    return raw


def key_id(raw: bytes) -> str:
    return "k" + hashlib.sha256(raw).hexdigest()[:8]


@cache
def _keyring() -> tuple[str, dict[str, bytes]]:
    current = _decode_key(settings.GONGHUI_PII_KEY)
    ring = {key_id(current): current}
    for old in settings.GONGHUI_PII_OLD_KEYS:
        raw = _decode_key(old)
        ring.setdefault(key_id(raw), raw)
    return key_id(current), ring


def current_key_id() -> str:
    return _keyring()[0]


def reset_keyring() -> None:
    """Forget cached keys (after settings change, in tests and key rotation)."""
    _keyring.cache_clear()
    _index_key.cache_clear()
    _aead.cache_clear()


@cache
def _aead(kid: str) -> AESGCM:
    return AESGCM(_keyring()[1][kid])


def encrypt(plaintext: str, context: str) -> str:
    kid = _keyring()[0]
    nonce = os.urandom(12)
    sealed = _aead(kid).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}${ALGORITHM}${kid}${base64.urlsafe_b64encode(nonce + sealed).decode()}"


def encrypt_many(plaintexts: list[str], context: str) -> list[str]:
    """``encrypt`` of many values (a bulk import's batch): the nonces drawn in one call, the
    cipher and the tag looked up once; the empty string stays empty, as the fields store it."""
    kid = _keyring()[0]
    seal, aad, head = _aead(kid).encrypt, context.encode(), f"{PREFIX}${ALGORITHM}${kid}$"
    nonces = os.urandom(12 * len(plaintexts))
    b64 = base64.urlsafe_b64encode
    out = []
    for i, text in enumerate(plaintexts):
        if text:
            nonce = nonces[12 * i : 12 * i + 12]
            out.append(head + b64(nonce + seal(nonce, text.encode(), aad)).decode())
        else:
            out.append("")
    return out


def decrypt(token: str, context: str) -> str:
    prefix, algorithm, kid, payload = token.split("$", 3)
    if prefix != PREFIX or algorithm != ALGORITHM:
        raise ValueError(f"unknown ciphertext format {prefix}/{algorithm}")
    _, ring = _keyring()
    if kid not in ring:
        raise ImproperlyConfigured(f"PII key {kid} is not configured")
    blob = base64.urlsafe_b64decode(payload.encode())
    return AESGCM(ring[kid]).decrypt(blob[:12], blob[12:], context.encode()).decode()


@cache
def _index_key(kid: str | None = None) -> bytes:
    current, ring = _keyring()
    return hmac.new(ring[kid or current], b"gonghui blind index v1", hashlib.sha256).digest()


def blind_index(kind: str, value: str, *, key_id: str | None = None) -> str:
    """Deterministic HMAC of a normalized value, namespaced by kind (``phone``, ``id:01`` ...);
    under an older key with ``key_id`` (key rotation recomputes indexes from old to new)."""
    # hmac.digest is one OpenSSL call: a third of the cost of an hmac.new object (imports).
    return hmac.digest(_index_key(key_id), f"{kind}\x00{value}".encode(), "sha256").hex()


def blind_indexes(kind: str, values: list[str]) -> list[str]:
    """``blind_index`` of many values under the current key (a bulk import's batch)."""
    key, digest, prefix = _index_key(None), hmac.digest, f"{kind}\x00"
    return [digest(key, (prefix + value).encode(), "sha256").hex() for value in values]


def old_key_ids() -> list[str]:
    """The ids of the keys that can still decrypt but no longer encrypt."""
    current, ring = _keyring()
    return [kid for kid in ring if kid != current]


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; only ``isnull`` and blind-index lookups make sense on it.

    ``index_field`` names the sibling column holding ``blind_index(index_kind, value)`` so that
    key rotation can recompute it. Neither argument changes the schema, so neither is part of
    ``deconstruct()`` (and changing them needs no migration).
    """

    def __init__(self, *args: Any, index_field: str = "", index_kind: str = "", **kw: Any) -> None:
        self.index_field = index_field
        self.index_kind = index_kind or index_field
        super().__init__(*args, **kw)

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kw: Any
    ) -> None:
        super().contribute_to_class(cls, name, *args, **kw)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, self.crypto_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), self.crypto_context)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (a list of codes) stored encrypted as its JSON text.

    For sensitive values that are only ever read whole (health-related causes of hardship):
    nothing can filter on them in SQL, so figures by value come from counters that the
    services keep or from reading the rows.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else None

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else None
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt(json.dumps(value, ensure_ascii=False), self.crypto_context)

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


class EncryptedDecimalField(EncryptedTextField):
    """A decimal amount stored encrypted as its text (medical spending): no SQL arithmetic or
    ordering on it, only whole reads."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return Decimal(text) if text else None

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value)) if value != "" else None

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)
        if value is None:
            return None
        return encrypt(str(value), self.crypto_context)


# Masking (DESIGN.md rule 3): what a masked value keeps must leave many candidates even beside
# everything else a page shows. An 18-character resident ID keeps its province and city (4)
# and its gender and check characters (2): the county, the birth date and the sequence stay
# hidden, and pages show the birth year, never the date, beside it. Every ID type is masked
# the same way, so the masked form never says which digits are a date.


def _mask(value: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, never more than half of the
    value (a short one keeps only its first character)."""
    if not value:
        return ""
    if len(value) < (head + tail) * 2:
        return value[:1] + "*" * (len(value) - 1)
    return value[:head] + "*" * (len(value) - head - tail) + (value[-tail:] if tail else "")


def mask_id_number(number: str) -> str:
    """41010519700101123X → 4101************3X (first 4, last 2), for every ID type."""
    return _mask(number or "", 4, 2)


def mask_phone(phone: str) -> str:
    """13812345678 → 138******78 (first 3, last 2)."""
    return _mask(phone or "", 3, 2)


def mask_tail(number: str, keep: int = 4) -> str:
    """A bank account or card number: only the last ``keep`` characters (6222…1234 → ****1234)."""
    number = number or ""
    if len(number) <= keep:
        return "*" * len(number)
    return "*" * (len(number) - keep) + number[-keep:]


def mask_card_number(number: str) -> str:
    """Member card 4101050000017 → *********0017 (last four, like a bank account): the number
    with its code verifies a member, so audit rows and lists never carry it whole."""
    return mask_tail(number, 4)


def mask_bank_account(account: str) -> str:
    """6222020200112233445 → ***************3445 (last 4)."""
    return mask_tail(account, 4)


def mask_student_id(number: str) -> str:
    """A student's ID or 学籍号 (G + an ID number): masked like an ID number."""
    return mask_id_number(number)
