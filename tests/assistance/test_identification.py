"""DOMAIN.md §3 worked examples: categories from per-capita net income, rules as org data
inherited down the tree, and the 解困脱困 count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.assistance.models import Category
from gonghui.assistance.models.rules import IdentificationRule
from gonghui.assistance.rules import NATIONAL_DEFAULT, Rule, identify, months_above
from gonghui.assistance.services.identification import rule_for
from tests.conftest import Cast

QINGDAO = Rule(Decimal(800), Decimal(800), Decimal(2), False, "QD", "青岛", None)


def run(rule: Rule, size: int, income: int, rigid: int, **kw: object) -> tuple[str, Decimal]:
    result = identify(
        rule=rule,
        area="urban",
        annual_income=Decimal(income),
        rigid=Decimal(rigid),
        household_size=size,
        **kw,  # type: ignore[arg-type]
    )
    return result.category, result.per_capita


def test_example_1_deep_hardship() -> None:
    assert run(QINGDAO, 4, 36000, 6000) == (Category.DEEP, Decimal("625.00"))


def test_example_2_relative_hardship() -> None:
    assert run(QINGDAO, 3, 60000, 12000) == (Category.RELATIVE, Decimal("1333.33"))


def test_example_3_not_in_hardship_without_an_event() -> None:
    assert run(QINGDAO, 3, 72000, 0) == (Category.NONE, Decimal("2000.00"))
    assert run(QINGDAO, 3, 72000, 0, event="disaster")[0] == Category.ACCIDENT


def test_accident_by_illness_costs_above_80_percent_of_income() -> None:
    assert run(QINGDAO, 3, 72000, 0, event="illness", event_costs=Decimal(57600))[0] == (
        Category.NONE
    )
    assert run(QINGDAO, 3, 72000, 0, event="illness", event_costs=Decimal(57601))[0] == (
        Category.ACCIDENT
    )


def test_example_4_inclusive_bounds_and_multiplier() -> None:
    yuyao = Rule(Decimal(625), Decimal(625), Decimal("1.5"), True, "YY", "余姚", None)
    assert run(yuyao, 4, 36000, 6000)[0] == Category.DEEP
    # With "below" the same household is only 相对困难 (625 < 937.50).
    below = Rule(Decimal(625), Decimal(625), Decimal("1.5"), False, "YY", "余姚", None)
    assert run(below, 4, 36000, 6000)[0] == Category.RELATIVE


def test_example_5_exit_count_restarts_on_a_month_at_the_line() -> None:
    line = Decimal(800)
    months = [dt.date(2025, m, 1) for m in range(1, 13)]
    above = [(m, Decimal(900)) for m in months[:6]]
    assert months_above(above, line) == 6
    broken = above[:5] + [(months[5], Decimal(800))] + [(m, Decimal(900)) for m in months[6:11]]
    assert months_above(broken, line) == 5
    assert months_above([*broken, (months[11], Decimal(801))], line) == 6
    # A missing month breaks the run too.
    gap = [(m, Decimal(900)) for m in months[:3] + months[4:9]]
    assert months_above(gap, line) == 5


def test_rule_is_inherited_down_the_tree_with_national_default(cast: Cast) -> None:
    today = dt.date(2026, 6, 1)
    assert rule_for(cast.grassroots.path, today) == NATIONAL_DEFAULT
    IdentificationRule.objects.create(
        org=cast.city,
        org_path=cast.city.path,
        urban_line=Decimal(900),
        rural_line=Decimal(700),
        relative_multiplier=Decimal("1.5"),
        inclusive=True,
        effective_from=dt.date(2026, 1, 1),
    )
    rule = rule_for(cast.grassroots.path, today)
    assert (rule.source, rule.urban_line, rule.inclusive) == ("CITY", Decimal(900), True)
    IdentificationRule.objects.create(
        org=cast.county,
        org_path=cast.county.path,
        urban_line=Decimal(950),
        rural_line=Decimal(700),
        effective_from=dt.date(2026, 7, 1),
    )
    assert rule_for(cast.grassroots.path, today).source == "CITY"  # not yet in force
    assert rule_for(cast.grassroots.path, dt.date(2026, 7, 1)).source == "EAST"
    assert rule_for(cast.sibling_grassroots.path, dt.date(2026, 7, 1)).source == "CITY"


@pytest.mark.parametrize("size", [0, -1])
def test_household_size_must_be_positive(size: int) -> None:
    with pytest.raises(ValueError):
        run(QINGDAO, size, 1, 0)
