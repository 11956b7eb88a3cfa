"""DESIGN.md rule 3: files with personal data are encrypted at rest, 0600, and refuse to open
when altered (core.storage)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from gonghui.core import crypto
from gonghui.core.storage import CHUNK, EncryptedStorage, key_of

ID_NUMBER = b"41010519900307123X"


@pytest.fixture
def storage(tmp_path: Path) -> EncryptedStorage:
    return EncryptedStorage(location=str(tmp_path / "media"))


@pytest.mark.parametrize("size", [0, 17, CHUNK, 2 * CHUNK + 5])
def test_a_file_reads_back_as_written_and_is_ciphertext_on_disk(
    storage: EncryptedStorage, size: int
) -> None:
    content = (ID_NUMBER * (size // len(ID_NUMBER) + 1))[:size]
    name = storage.save("imports/roster.xlsx", ContentFile(content))
    with storage.open(name) as fh:
        assert fh.read() == content
    on_disk = Path(storage.path(name)).read_bytes()
    assert on_disk.startswith(b"GHF1") and (size == 0 or ID_NUMBER not in on_disk)
    assert storage.size(name) == size


def test_files_and_their_folders_are_private_to_the_service_account(
    storage: EncryptedStorage,
) -> None:
    name = storage.save("imports/2026/12/roster.xlsx", ContentFile(ID_NUMBER))
    path = Path(storage.path(name))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def _chunks(blob: bytes) -> tuple[bytes, list[bytes]]:
    """Split a stored file into its header and its framed chunks."""
    head_len = 4 + 1 + blob[4]
    head, rest, chunks = blob[:head_len], blob[head_len:], []
    while rest:
        length = int.from_bytes(rest[:4], "big") & 0x7FFF_FFFF
        chunks.append(rest[: 4 + 12 + length])
        rest = rest[4 + 12 + length :]
    return head, chunks


@pytest.mark.parametrize("attack", ["flip a byte", "drop the last chunk", "swap chunks", "cut"])
def test_an_altered_file_refuses_to_open(storage: EncryptedStorage, attack: str) -> None:
    name = storage.save("exports/x.csv", ContentFile(os.urandom(2 * CHUNK + 100)))
    path = Path(storage.path(name))
    head, chunks = _chunks(path.read_bytes())
    assert len(chunks) == 3
    if attack == "flip a byte":
        middle = bytearray(chunks[1])
        middle[40] ^= 1
        chunks[1] = bytes(middle)
    elif attack == "drop the last chunk":
        chunks = chunks[:2]
    elif attack == "swap chunks":
        chunks[0], chunks[1] = chunks[1], chunks[0]
    else:
        chunks[2] = chunks[2][:-10]
    path.write_bytes(head + b"".join(chunks))
    with pytest.raises(ValueError):
        storage.open(name)


def test_a_file_from_before_encryption_is_sealed_in_place(storage: EncryptedStorage) -> None:
    path = Path(storage.path("voice/old.pdf"))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF " + ID_NUMBER)
    assert key_of(str(path)) is None
    with storage.open("voice/old.pdf") as fh:  # still readable before the migration
        assert fh.read() == b"%PDF " + ID_NUMBER
    assert storage.seal_in_place("voice/old.pdf")
    assert ID_NUMBER not in path.read_bytes() and key_of(str(path)) == crypto.current_key_id()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not storage.seal_in_place("voice/old.pdf")  # idempotent
    with storage.open("voice/old.pdf") as fh:
        assert fh.read() == b"%PDF " + ID_NUMBER


def test_files_are_rekeyed_to_the_current_key(storage: EncryptedStorage, settings) -> None:
    name = storage.save("imports/roster.csv", ContentFile(ID_NUMBER))
    old_kid = key_of(storage.path(name))
    new_key = crypto.base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings.GONGHUI_PII_OLD_KEYS = [settings.GONGHUI_PII_KEY]
    settings.GONGHUI_PII_KEY = new_key
    crypto.reset_keyring()
    try:
        assert storage.seal_in_place(name)
        assert key_of(storage.path(name)) == crypto.current_key_id() != old_kid
        with storage.open(name) as fh:
            assert fh.read() == ID_NUMBER
    finally:
        settings.GONGHUI_PII_KEY = settings.GONGHUI_PII_OLD_KEYS[0]
        settings.GONGHUI_PII_OLD_KEYS = []
        crypto.reset_keyring()


def test_opening_to_write_is_refused(storage: EncryptedStorage) -> None:
    name = storage.save("x.bin", ContentFile(b"x"))
    with pytest.raises(ValueError):
        storage.open(name, "wb")
