"""State and invariants of the governance app, one module per area (docs/architecture.md).

Django finds the models here; the names below are the ones other modules import
from ``gonghui.governance.models`` (explicitly, no star imports)."""

from gonghui.governance.models.committees import (
    ChosenBy,
    Committee,
    CommitteeKind,
    CommitteeSeat,
    CommitteeStatus,
    Postponement,
    SeatRole,
)
from gonghui.governance.models.elections import (
    OPEN_ELECTION_STATES,
    Candidate,
    Election,
    ElectionRule,
    ElectionState,
    ElectorateKind,
)
from gonghui.governance.models.formation import FormationApproval

__all__ = [
    "OPEN_ELECTION_STATES",
    "Candidate",
    "ChosenBy",
    "Committee",
    "CommitteeKind",
    "CommitteeSeat",
    "CommitteeStatus",
    "Election",
    "ElectionRule",
    "ElectionState",
    "ElectorateKind",
    "FormationApproval",
    "Postponement",
    "SeatRole",
]
# --- dues (会费, 经费, 经审): imports of models/dues.py, funds.py, audits.py go below ---
from gonghui.governance.models.audits import FundReview, ReviewFinding, ReviewSample
from gonghui.governance.models.dues import (
    DuesEducation,
    DuesMonth,
    DuesPayment,
    LevelShare,
    SplitRule,
)
from gonghui.governance.models.funds import FundsMonth, FundsReceipt, FundsReminder

__all__ += [
    "DuesEducation",
    "DuesMonth",
    "DuesPayment",
    "FundReview",
    "FundsMonth",
    "FundsReceipt",
    "FundsReminder",
    "LevelShare",
    "ReviewFinding",
    "ReviewSample",
    "SplitRule",
]
