"""State and invariants of the accounts app, one module per area (docs/architecture.md).

Django finds the models here; the names below are the ones other modules import
from ``gonghui.accounts.models`` (explicitly, no star imports)."""

from gonghui.accounts.models.users import (
    PHONE_RE,
    AccountType,
    ApiToken,
    OfficerActivation,
    User,
    normalize_phone,
    phone_index,
)

__all__ = [
    "PHONE_RE",
    "AccountType",
    "ApiToken",
    "OfficerActivation",
    "User",
    "normalize_phone",
    "phone_index",
]
