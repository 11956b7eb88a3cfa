"""Innovation studios (劳模和工匠人才创新工作室): the evaluation rubric."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.honors import rules


def test_studio_rubric_total_and_band() -> None:
    full = {code: Decimal(m) for code, _l, m in rules.STUDIO_RUBRIC}
    assert rules.studio_score(full) == rules.Decision("excellent", ("100",))
    assert (
        rules.studio_score({"innovation": Decimal(30), "apprentices": Decimal(20)}).code == "fail"
    )
    assert rules.studio_score({**full, "patents": Decimal(0)}).code == "good"
    with pytest.raises(ValueError, match="patents"):
        rules.studio_score({"patents": Decimal(21)})
