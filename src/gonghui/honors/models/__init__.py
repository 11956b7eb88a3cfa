"""State and invariants of the honours app, one module per area (docs/architecture.md).

Django finds the models here; the names below are the ones other modules import
from ``gonghui.honors.models`` (explicitly, no star imports)."""

from gonghui.honors.models.catalogue import (
    AwardCycle,
    AwardType,
    CompositionRule,
    ConferringLevel,
    RecipientKind,
)
from gonghui.honors.models.roster import Honour, HonourStatus
from gonghui.honors.models.selection import (
    AwardCall,
    CallStatus,
    Consultation,
    ConsultedBody,
    Evidence,
    Nomination,
    NominationStatus,
    Objection,
    Quota,
    Submission,
    evidence_path,
)

__all__ = [
    "AwardCall",
    "AwardCycle",
    "AwardType",
    "CallStatus",
    "CompositionRule",
    "ConferringLevel",
    "Consultation",
    "ConsultedBody",
    "Evidence",
    "Honour",
    "HonourStatus",
    "Nomination",
    "NominationStatus",
    "Objection",
    "Quota",
    "RecipientKind",
    "Submission",
    "evidence_path",
]

# --- hon2 (aftercare: terms, care, revocations, studios) appends its imports below ---
from gonghui.honors.models.care import (
    CARE_FUND,
    AllowancePayable,
    AllowanceRate,
    CareKind,
    CareProfile,
    CareRecord,
    PayableStatus,
)
from gonghui.honors.models.revocations import (
    Revocation,
    RevocationCause,
    RevocationState,
)
from gonghui.honors.models.studios import (
    Studio,
    StudioEvaluation,
    StudioLevel,
    StudioMember,
    StudioReport,
    StudioSuggestion,
)
from gonghui.honors.models.terms import Assessment, TermRule, Verdict

__all__ += [
    "CARE_FUND",
    "AllowancePayable",
    "AllowanceRate",
    "Assessment",
    "CareKind",
    "CareProfile",
    "CareRecord",
    "PayableStatus",
    "Revocation",
    "RevocationCause",
    "RevocationState",
    "Studio",
    "StudioEvaluation",
    "StudioLevel",
    "StudioMember",
    "StudioReport",
    "StudioSuggestion",
    "TermRule",
    "Verdict",
]
