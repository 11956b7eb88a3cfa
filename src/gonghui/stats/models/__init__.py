"""State and invariants of the stats app, one module per area (docs/architecture.md).

Django finds the models here; the names below are the ones other modules import
from ``gonghui.stats.models`` (explicitly, no star imports)."""

from gonghui.stats.models.snapshots import (
    OrgReport,
    ReportPeriod,
    ReportStatus,
    Snapshot,
    SnapshotCounter,
    SnapshotSubtree,
)

__all__ = [
    "OrgReport",
    "ReportPeriod",
    "ReportStatus",
    "Snapshot",
    "SnapshotCounter",
    "SnapshotSubtree",
]
