"""State and invariants of the voice app, one module per area (docs/architecture.md).

Django finds the models here; the names below are the ones other modules import
from ``gonghui.voice.models`` (explicitly, no star imports)."""

from gonghui.voice.models.appeals import (
    OPEN_STATES,
    Appeal,
    AppealAttachment,
    AppealCategory,
    AppealKind,
    AppealStatus,
    Channel,
    Rating,
    StepAction,
)
from gonghui.voice.models.proposals import (
    BenefitKind,
    Forum,
    ForumItem,
    Proposal,
    ProposalCampaign,
    ProposalField,
    ProposalReview,
    ProposalStatus,
)

__all__ = [
    "OPEN_STATES",
    "Appeal",
    "AppealAttachment",
    "AppealCategory",
    "AppealKind",
    "AppealStatus",
    "BenefitKind",
    "Channel",
    "Forum",
    "ForumItem",
    "Proposal",
    "ProposalCampaign",
    "ProposalField",
    "ProposalReview",
    "ProposalStatus",
    "Rating",
    "StepAction",
]
