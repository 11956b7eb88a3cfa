"""The cryptography of secret ballots (ADR 0011), on the model of Helios.

* A ballot's key pair is X25519. Its private key is derived (HKDF-SHA256) from a 16-byte seed;
  the seed is split among the tellers (监票人) with Shamir's scheme, k of n (pycryptodome's
  ``Crypto.Protocol.SecretSharing.Shamir``, over GF(2^128)); neither the seed nor the private key
  is ever stored. Only the public key is kept on the ballot.
* A cast (and the paper tally) is a sealed box: an ephemeral X25519 key agreement with the
  ballot's public key, HKDF-SHA256, AES-256-GCM (``cryptography``), bound to the ballot by the
  associated data. Plaintexts are padded to one length per ballot so the ciphertext's size says
  nothing about the choice.
* A share is printed as 32 base32 characters in groups of four: version, teller number, the 16
  share bytes and a 2-byte check bound to the ballot (a typo or another ballot's share is caught
  before combining). Each teller's share is also checked against its SHA-256 kept on the teller
  row, so a wrong share is named; a combination that does not give the ballot's public key is
  refused.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION = 1
SEED_BYTES = 16
_KEY_INFO = b"gonghui ballot x25519 v1"
_BOX_INFO = b"gonghui sealed ballot v1"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class ShareError(ValueError):
    """A share that cannot be read: mistyped, truncated, or of another ballot."""


@dataclass(frozen=True)
class Share:
    number: int  # the teller's number, 1..n (Shamir's x coordinate)
    value: bytes  # 16 bytes

    def text(self, ballot_id: int) -> str:
        return encode_share(ballot_id, self)


def _private_from_seed(seed: bytes) -> X25519PrivateKey:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(seed)
    return X25519PrivateKey.from_private_bytes(raw)


def _public_bytes(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def generate(k: int, n: int) -> tuple[str, list[Share]]:
    """A fresh key pair: returns the public key (base64) and the n shares of its seed.

    The seed and the private key exist only inside this call."""
    seed = os.urandom(SEED_BYTES)
    public = _public_bytes(_private_from_seed(seed).public_key())
    shares = [Share(i, bytes(v)) for i, v in Shamir.split(k, n, seed, False)]
    del seed
    return base64.b64encode(public).decode(), shares


def fingerprint(public_key_b64: str) -> str:
    """What tellers compare: the first 8 bytes of SHA-256 of the public key, in 4 groups."""
    if not public_key_b64:
        return ""
    digest = hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def share_digest(ballot_id: int, share: Share) -> str:
    """Kept on the teller row: names a wrong share without revealing the right one."""
    data = f"gonghui-share:{ballot_id}:{share.number}:".encode() + share.value
    return hashlib.sha256(data).hexdigest()


def _check(ballot_id: int, body: bytes) -> bytes:
    return hashlib.sha256(f"gonghui-share-check:{ballot_id}:".encode() + body).digest()[:2]


def encode_share(ballot_id: int, share: Share) -> str:
    body = bytes([VERSION, share.number]) + share.value
    text = base64.b32encode(body + _check(ballot_id, body)).decode()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def decode_share(ballot_id: int, text: str) -> Share:
    """Read a typed share; ``ShareError`` when it is mistyped or belongs to another ballot."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    if len(cleaned) != 32 or any(ch not in BASE32 for ch in cleaned):
        raise ShareError("length")
    raw = base64.b32decode(cleaned)
    body, check = raw[:-2], raw[-2:]
    if body[0] != VERSION or check != _check(ballot_id, body):
        raise ShareError("check")
    return Share(body[1], body[2:])


class Opener:
    """The private key, assembled from k shares for the tally and dropped with this object."""

    def __init__(self, shares: list[Share], public_key_b64: str) -> None:
        seed = Shamir.combine([(s.number, s.value) for s in shares], False)
        self._key = _private_from_seed(seed)
        del seed
        self.matches = base64.b64encode(_public_bytes(self._key.public_key())).decode() == (
            public_key_b64
        )

    def open(self, sealed: str, context: bytes) -> bytes:
        blob = base64.b64decode(sealed)
        if blob[0] != VERSION:
            raise ValueError("unknown box version")
        eph, nonce, ciphertext = blob[1:33], blob[33:45], blob[45:]
        ours = _public_bytes(self._key.public_key())
        shared = self._key.exchange(X25519PublicKey.from_public_bytes(eph))
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=eph + ours, info=_BOX_INFO).derive(
            shared
        )
        return unpad(AESGCM(key).decrypt(nonce, ciphertext, context))


def seal(public_key_b64: str, plaintext: bytes, context: bytes, size: int) -> str:
    """Encrypt ``plaintext`` (padded to ``size`` bytes) to the ballot's public key."""
    public = base64.b64decode(public_key_b64)
    eph = X25519PrivateKey.generate()
    eph_public = _public_bytes(eph.public_key())
    shared = eph.exchange(X25519PublicKey.from_public_bytes(public))
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=eph_public + public, info=_BOX_INFO
    ).derive(shared)
    nonce = os.urandom(12)
    ciphertext = AESGCM(key).encrypt(nonce, pad(plaintext, size), context)
    return base64.b64encode(bytes([VERSION]) + eph_public + nonce + ciphertext).decode()


def pad(data: bytes, size: int) -> bytes:
    """Two length bytes, the data, zeros up to ``size`` (+2)."""
    if len(data) > size or size > 0xFFFF:
        raise ValueError("plaintext longer than its ballot's padding")
    return len(data).to_bytes(2, "big") + data + bytes(size - len(data))


def unpad(data: bytes) -> bytes:
    length = int.from_bytes(data[:2], "big")
    return data[2 : 2 + length]


def tracker(sealed: str) -> str:
    """The SHA-256 (hex) of a sealed cast: what is published, and what the receipt begins."""
    return hashlib.sha256(sealed.encode("ascii")).hexdigest()


def receipt_of(sealed: str) -> str:
    """The voter's receipt: the tracker's first 16 hex digits, in 4 groups."""
    head = tracker(sealed)[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))


def trackers_hash(trackers: list[str]) -> str:
    """SHA-256 over the sorted trackers, one per line (UTF-8, "\\n"-joined, no trailing)."""
    return hashlib.sha256("\n".join(trackers).encode("utf-8")).hexdigest()
