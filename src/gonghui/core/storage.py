"""Files holding personal data (uploaded rosters, problem-row workbooks, exports, proofs and
attachments), encrypted at rest with the PII key (DESIGN.md rule 3).

A stored file is ``GHF1`` + the key id + a sequence of AES-GCM sealed chunks of 1 MiB, each after
a 4-byte length whose top bit marks the last chunk. Each chunk's associated data names the file's
key id, the chunk's position and that mark, so chunks cannot be reordered, dropped or the file
cut short without the read failing. Files are
written 0600 in 0700 directories. Reading gives back the plaintext in a spooled temporary file
(memory up to 8 MiB, then disk), so a large roster never sits whole in memory.
"""

from __future__ import annotations

import logging
import os
import struct
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage

from gonghui.core import crypto

logger = logging.getLogger(__name__)

MAGIC = b"GHF1"
CHUNK = 1024 * 1024
_LENGTH = struct.Struct(">I")
_LAST = 0x8000_0000
_SPOOL = 8 * 1024 * 1024


def _aad(kid: str, index: int, last: bool) -> bytes:
    return MAGIC + kid.encode() + struct.pack(">Q?", index, last)


def _read_blocks(source: IO[bytes], size: int) -> Iterator[tuple[bytes, bool]]:
    """``(block, is_last)`` pairs; an empty source gives one empty last block."""
    block = source.read(size)
    while True:
        following = source.read(size)
        yield block, not following
        if not following:
            return
        block = following


def encrypt_stream(source: IO[bytes], target: IO[bytes]) -> None:
    kid = crypto.current_key_id()
    aead = AESGCM(crypto._keyring()[1][kid])
    target.write(MAGIC + bytes([len(kid)]) + kid.encode())
    for index, (block, last) in enumerate(_read_blocks(source, CHUNK)):
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, block, _aad(kid, index, last))
        target.write(_LENGTH.pack(len(sealed) | (_LAST if last else 0)) + nonce + sealed)


def decrypt_stream(source: IO[bytes], target: IO[bytes]) -> None:
    """Write the plaintext of an encrypted file; raises ValueError on any tampering."""
    if source.read(len(MAGIC)) != MAGIC:
        raise ValueError("not an encrypted file")
    kid = source.read(source.read(1)[0]).decode()
    ring = crypto._keyring()[1]
    if kid not in ring:
        raise ImproperlyConfigured(f"PII key {kid} is not configured")
    aead = AESGCM(ring[kid])
    index, finished = 0, False
    while True:
        header = source.read(_LENGTH.size)
        if not header:
            break
        if finished:
            raise ValueError("data after the last chunk")
        (word,) = _LENGTH.unpack(header)
        finished, length = bool(word & _LAST), word & ~_LAST
        if length > CHUNK + 16:
            raise ValueError("chunk too long")
        nonce, sealed = source.read(12), source.read(length)
        try:
            target.write(aead.decrypt(nonce, sealed, _aad(kid, index, finished)))
        except InvalidTag as exc:
            raise ValueError("the file was altered") from exc
        index += 1
    if not finished:
        raise ValueError("the file was cut short")


def key_of(path: str) -> str | None:
    """The key id an encrypted file was written with; None for a plaintext file."""
    with open(path, "rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            return None
        return fh.read(fh.read(1)[0]).decode()


class EncryptedStorage(FileSystemStorage):
    """MEDIA_ROOT with every file sealed under the current PII key."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def _save(self, name: str, content: Any) -> str:
        sealed = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 (closed below)
        try:
            content.seek(0)
            encrypt_stream(content, sealed)
            sealed.seek(0)
            return super()._save(name, File(sealed, name=name))  # type: ignore[misc]
        finally:
            sealed.close()

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("encrypted files are written through save(), never opened to write")
        plain = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 (the File owns it)
        try:
            with open(self.path(name), "rb") as stored:
                if stored.read(len(MAGIC)) == MAGIC:
                    stored.seek(0)
                    decrypt_stream(stored, plain)
                else:  # written before encryption (the migration seals these)
                    logger.warning("plaintext file in encrypted storage: %s", name)
                    stored.seek(0)
                    while block := stored.read(CHUNK):
                        plain.write(block)
        except BaseException:
            plain.close()  # a missing file or a failed decryption must not leak the spool
            raise
        plain.seek(0)
        return File(plain, name=name)

    def size(self, name: str) -> int:
        with self._open(name) as fh:
            fh.seek(0, os.SEEK_END)
            return int(fh.tell())

    def seal_in_place(self, name: str) -> bool:
        """Encrypt a stored file under the current key (a plaintext one from before, or one
        under an old key); False when it already is under the current key."""
        path = self.path(name)
        if key_of(path) == crypto.current_key_id():
            return False
        with self._open(name) as plain:
            sealed_path = f"{path}.sealing"
            fd = os.open(sealed_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as sealed:
                encrypt_stream(plain, sealed)
        os.replace(sealed_path, path)
        return True


_private = EncryptedStorage()


def private_storage() -> EncryptedStorage:
    """The storage of every FileField that may hold personal data (a callable, so migrations
    name it instead of freezing its settings)."""
    return _private


def seal_stored_files(model: Any, *fields: str) -> int:
    """Encrypt in place the files of ``model``'s ``fields`` written before they were private
    (a data migration's step; missing files are skipped). Returns the files sealed."""
    storage = private_storage()
    sealed = 0
    rows = model._default_manager.values_list(*fields)
    for names in rows.iterator(chunk_size=500):
        for name in names:
            if name and storage.exists(name) and storage.seal_in_place(name):
                sealed += 1
    return sealed


def reseal_all_files(_old_key_ids: list[str]) -> int:
    """Key rotation (``gonghui rotate_keys``): every private file under the current key.
    FileFields on this storage are found by introspection, so a new module's files come too."""
    from django.apps import apps

    sealed = 0
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if getattr(field, "storage", None) is _private
        ]
        if fields:
            sealed += seal_stored_files(model, *fields)
    return sealed
