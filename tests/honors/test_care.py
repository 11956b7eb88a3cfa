"""Care (关心关爱): allowance by level from a province's table, the months it is owed, and the
ranges of the pension supplement and the 困难劳模 help."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gonghui.honors import rules

D = dt.date
JIANGSU = {"national": Decimal("100"), "provincial": Decimal("80"), "municipal": Decimal("60")}


def test_allowance_by_level_from_the_province_table() -> None:
    assert rules.allowance_amount("national", JIANGSU).code == "100.00"
    assert rules.allowance_amount("municipal", JIANGSU).code == "60.00"
    assert rules.allowance_amount("county", JIANGSU).code == ""


def test_allowance_months_start_after_conferral_and_stop_after_the_decision() -> None:
    conferred = D(2025, 4, 28)
    assert (
        rules.allowance_due(month=D(2025, 4, 1), conferred_on=conferred, stop_month=None).code == ""
    )
    assert (
        rules.allowance_due(month=D(2025, 5, 1), conferred_on=conferred, stop_month=None).code
        == "due"
    )
    stop = rules.allowance_stop_month(D(2026, 3, 17))
    assert stop == D(2026, 4, 1)
    assert rules.allowance_due(month=D(2026, 3, 1), conferred_on=conferred, stop_month=stop).code
    refused = rules.allowance_due(month=D(2026, 4, 1), conferred_on=conferred, stop_month=stop)
    assert refused.code == "" and "2026-04" in refused.reasons[0]
    assert rules.allowance_stop_month(D(2026, 12, 31)) == D(2027, 1, 1)


def test_pension_supplement_and_hardship_help_ranges() -> None:
    assert rules.in_range(Decimal("5"), rules.PENSION_SUPPLEMENT_RANGE)
    assert rules.in_range(Decimal("15"), rules.PENSION_SUPPLEMENT_RANGE)
    assert not rules.in_range(Decimal("15.5"), rules.PENSION_SUPPLEMENT_RANGE)
    assert not rules.in_range(Decimal("499"), rules.HARDSHIP_HELP_RANGE)
