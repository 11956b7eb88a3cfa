"""State and invariants of the orgs app, one module per area (docs/architecture.md).

Django finds the models here; the names below are the ones other modules import
from ``gonghui.orgs.models`` (explicitly, no star imports)."""

from gonghui.orgs.models.orgs import (
    ALLOWED_PARENTS,
    FEDERATION_KINDS,
    GRASSROOTS_KINDS,
    PATH_ALPHABET,
    PATH_STEP,
    TREE_VERSION_KEY,
    CapabilityOverride,
    Employer,
    Level,
    Org,
    OrgKind,
    OrgStatus,
    OwnershipType,
    Post,
    PostRole,
    level_of,
)

__all__ = [
    "ALLOWED_PARENTS",
    "FEDERATION_KINDS",
    "GRASSROOTS_KINDS",
    "PATH_ALPHABET",
    "PATH_STEP",
    "TREE_VERSION_KEY",
    "CapabilityOverride",
    "Employer",
    "Level",
    "Org",
    "OrgKind",
    "OrgStatus",
    "OwnershipType",
    "Post",
    "PostRole",
    "level_of",
]
