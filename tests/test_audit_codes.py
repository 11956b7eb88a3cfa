"""Every code an f-string audit call can build is registered (issue 17.3): the finite sets the
services draw the suffix from, so that a new transition without a label fails here even before a
test happens to write it."""

from __future__ import annotations

from gonghui.benefits.services.merchants import TRANSITIONS
from gonghui.core.audit import audit_actions
from gonghui.members.services.members import STATUS_ACTIONS
from gonghui.stats.models import ReportStatus
from gonghui.voice.models import StepAction


def test_every_expansion_of_the_f_string_codes_is_registered() -> None:
    expected = {
        *(f"voice.appeal.{a}" for a in StepAction.values),
        *(f"members.member.{a}" for a in STATUS_ACTIONS),
        *(f"benefits.merchant.{a}" for a in TRANSITIONS),
        *(f"benefits.offer.{a}" for a in ("approve", "withdraw")),
        *(f"stats.report.{s}" for s in ReportStatus.values),
    }
    assert expected - set(audit_actions()) == set()
