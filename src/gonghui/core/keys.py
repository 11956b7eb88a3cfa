"""Key rotation: re-encrypt every encrypted field under the current PII key and recompute
every blind index, batch by batch, without loss (DESIGN.md rule 3)."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from gonghui.core import crypto
from gonghui.core.audit import audit_record


def encrypted_fields() -> list[tuple[type[models.Model], list[crypto.EncryptedTextField]]]:
    found = []
    for model in apps.get_models():
        fields = [
            f for f in model._meta.concrete_fields if isinstance(f, crypto.EncryptedTextField)
        ]
        if fields:
            found.append((model, fields))
    return found


def _rotate_model(
    model: type[models.Model], fields: list[crypto.EncryptedTextField], batch: int
) -> int:
    manager = model._default_manager
    ids = list(manager.order_by("pk").values_list("pk", flat=True))
    columns = [f.attname for f in fields] + [f.index_field for f in fields if f.index_field]
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            rows = list(manager.select_for_update().filter(pk__in=ids[start : start + batch]))
            for row in rows:  # values were decrypted on load, with whichever key they carry
                for field in fields:
                    if field.index_field:
                        value = getattr(row, field.attname) or ""
                        index = crypto.blind_index(field.index_kind, value) if value else ""
                        setattr(row, field.index_field, index)
            manager.bulk_update(rows, columns)  # re-encrypted under the current key
    return len(ids)


Rekey = Callable[[list[str]], int]
_rekeys: dict[str, Rekey] = {}


def register_rekey(name: str, rekey: Rekey) -> None:
    """``rekey(old_key_ids)`` recomputes keyed hashes that are not an EncryptedTextField's index
    (e.g. the owner of an anonymous appeal) from the old keys to the current one."""
    _rekeys[name] = rekey


def rotate_all(*, batch: int = 500, progress: Callable[[str, int], None] | None = None) -> dict:
    """Re-encrypt everything under the current key; returns rows rewritten per model."""
    crypto.reset_keyring()
    done: dict[str, int] = {}
    for model, fields in encrypted_fields():
        done[model._meta.label_lower] = _rotate_model(model, fields, batch)
        if progress:
            progress(model._meta.label_lower, done[model._meta.label_lower])
    for name, rekey in _rekeys.items():
        with transaction.atomic():
            done[name] = rekey(crypto.old_key_ids())
        if progress:
            progress(name, done[name])
    audit_record(
        action="core.keys.rotated", actor=None, after={"key": crypto.current_key_id(), "rows": done}
    )
    return done


def install_new_demo_key(var_dir: Path) -> str:
    """Demo mode: make a new key current and keep the old one readable in var/pii_old_keys."""
    old = settings.GONGHUI_PII_KEY
    new = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with (var_dir / "pii_old_keys").open("a") as fh:
        os.chmod(var_dir / "pii_old_keys", 0o600)
        fh.write(old + "\n")
    temporary = var_dir / "pii_key.new"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(new + "\n")
    temporary.replace(var_dir / "pii_key")
    settings.GONGHUI_PII_OLD_KEYS = [*settings.GONGHUI_PII_OLD_KEYS, old]
    settings.GONGHUI_PII_KEY = new
    crypto.reset_keyring()
    return crypto.current_key_id()
