"""State and invariants of the benefits app, one module per area (docs/architecture.md).

Django finds the models here; the names below are the ones other modules import
from ``gonghui.benefits.models`` (explicitly, no star imports)."""

from gonghui.benefits.models.benefits import (
    Campaign,
    CampaignSignup,
    Category,
    Complaint,
    ComplaintStatus,
    Merchant,
    MerchantStaff,
    MerchantStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Redemption,
)

__all__ = [
    "Campaign",
    "CampaignSignup",
    "Category",
    "Complaint",
    "ComplaintStatus",
    "Merchant",
    "MerchantStaff",
    "MerchantStatus",
    "Offer",
    "OfferKind",
    "OfferStatus",
    "Redemption",
]
