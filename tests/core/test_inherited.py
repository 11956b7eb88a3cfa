"""core.inherited: the one nearest_rule / rule_save for rules inherited down the tree (issue
17.3). Nearest first: the org's own row, then its parent's, ... up to the root."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.assistance.models.rules import IdentificationRule
from gonghui.assistance.services.identification import rule_for as identification_rule_for
from gonghui.core.inherited import nearest_rule, rule_save
from gonghui.core.models import AuditEvent
from gonghui.democracy.models import CompositionRule
from gonghui.democracy.models.ballots import BallotRule
from gonghui.democracy.services import rules
from gonghui.democracy.services.ballots import ballot_rule_for
from tests.conftest import Cast
from tests.factories import superuser


def _set(org: object, **values: object) -> CompositionRule:
    return rule_save(
        CompositionRule, actor=superuser(), org=org, action="democracy.rule.saved", values=values
    )


def test_nearest_ancestor_wins_over_the_root(cast: Cast) -> None:
    # A walk from the root down would answer the province's row for the grassroots union.
    _set(cast.province, min_delegates=50)
    _set(cast.county, min_delegates=40)
    found = nearest_rule(CompositionRule, cast.grassroots.path)
    assert found is not None and found.org == cast.county
    assert rules.rule_for(cast.grassroots).min_delegates == 40
    assert rules.rule_for(cast.city).min_delegates == 50


def test_the_orgs_own_row_wins_and_a_sibling_subtree_is_not_an_ancestor(cast: Cast) -> None:
    _set(cast.county, min_delegates=40)
    _set(cast.grassroots, min_delegates=35)
    _set(cast.sibling_county, min_delegates=60)
    assert rules.rule_for(cast.grassroots).min_delegates == 35
    assert rules.rule_for(cast.town).min_delegates == 40
    assert nearest_rule(CompositionRule, cast.sibling_grassroots.path).org == cast.sibling_county  # type: ignore[union-attr]


def test_no_row_on_the_chain_falls_back_to_the_national_default(cast: Cast) -> None:
    assert nearest_rule(CompositionRule, cast.grassroots.path) is None
    assert rules.rule_for(cast.grassroots).min_delegates == 30  # the built-in default
    CompositionRule.objects.create(org=None, org_path="", min_delegates=33)
    assert nearest_rule(CompositionRule, cast.grassroots.path) is None  # not an org's row
    assert rules.rule_for(cast.grassroots).min_delegates == 33


def test_ballot_rules_inherit_the_same_way(cast: Cast) -> None:
    rule_save(
        BallotRule,
        actor=superuser(),
        org=cast.province,
        action="democracy.ballot_rule.saved",
        values={},
    )
    rule_save(
        BallotRule,
        actor=superuser(),
        org=cast.county,
        action="democracy.ballot_rule.saved",
        values={},
    )
    assert ballot_rule_for(cast.grassroots).org == cast.county


def test_rule_save_updates_the_orgs_row_validates_and_audits(cast: Cast) -> None:
    _set(cast.county, min_delegates=40)
    _set(cast.county, min_delegates=45)
    assert CompositionRule.objects.filter(org=cast.county).count() == 1
    event = AuditEvent.objects.filter(action="democracy.rule.saved").order_by("pk").last()
    assert event is not None and event.before == {"min_delegates": 40}
    with pytest.raises(ValidationError):
        _set(cast.county, min_delegates=-1)
    assert CompositionRule.objects.get(org=cast.county).min_delegates == 45


def _identification(org: object, start: dt.date, urban: str) -> None:
    IdentificationRule.objects.create(
        org=org,
        org_path=org.path,  # type: ignore[attr-defined]
        urban_line=Decimal(urban),
        rural_line=Decimal("500"),
        effective_from=start,
    )


def test_identification_rule_nearest_org_then_newest_in_force(cast: Cast) -> None:
    _identification(cast.province, dt.date(2024, 1, 1), "700")
    _identification(cast.county, dt.date(2024, 1, 1), "800")
    _identification(cast.county, dt.date(2025, 1, 1), "850")
    _identification(cast.county, dt.date(2030, 1, 1), "999")  # not yet in force
    on = dt.date(2026, 6, 1)
    assert identification_rule_for(cast.grassroots.path, on).urban_line == Decimal("850")
    assert identification_rule_for(cast.city.path, on).urban_line == Decimal("700")
    assert identification_rule_for(cast.grassroots.path, dt.date(2024, 6, 1)).urban_line == (
        Decimal("800")
    )
