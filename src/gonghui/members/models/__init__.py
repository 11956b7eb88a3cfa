"""State and invariants of the members app, one module per area (docs/architecture.md).

Django finds the models here; the names below are the ones other modules import
from ``gonghui.members.models`` (explicitly, no star imports)."""

from gonghui.members.models.members import (
    ActivationCode,
    ApplicationStatus,
    Card,
    CardSequence,
    CardStatus,
    ChangeKind,
    CorrectionRequest,
    CorrectionStatus,
    Gender,
    JoinApplication,
    Member,
    MemberConsent,
    MembershipChange,
    MemberStatus,
    Transfer,
    TransferStatus,
)

__all__ = [
    "ActivationCode",
    "ApplicationStatus",
    "Card",
    "CardSequence",
    "CardStatus",
    "ChangeKind",
    "CorrectionRequest",
    "CorrectionStatus",
    "Gender",
    "JoinApplication",
    "Member",
    "MemberConsent",
    "MemberStatus",
    "MembershipChange",
    "Transfer",
    "TransferStatus",
]
