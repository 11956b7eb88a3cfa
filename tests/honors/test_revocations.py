"""Revocation (撤销): causes as data; proposed by the holder's union, reviewed above it,
decided by the conferring level only; the honour revoked with history, 收缴 recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.workflow import history_of
from gonghui.honors.models import HonourStatus, RevocationCause, RevocationState
from gonghui.honors.services import revocations
from tests.conftest import Cast
from tests.factories import fresh
from tests.honors.aftercare_helpers import city_chair, holder, province_chair


@pytest.mark.django_db
def test_causes_are_seeded_data() -> None:
    names = set(RevocationCause.objects.values_list("name", flat=True))
    assert {"受刑事处罚", "受留用察看及以上处分", "主要模范事迹严重失实", "评选中弄虚作假"} <= names
    assert "被开除" in names


@pytest.mark.django_db
def test_proposed_reviewed_decided_by_the_conferring_level_with_history(cast: Cast) -> None:
    honour = holder(cast)
    grass = fresh(cast.grassroots_officer)
    cause = RevocationCause.objects.get(code="fraud")
    proposal = revocations.revocation_propose(
        actor=grass, honour=honour, cause=cause, facts="推荐材料中业绩数据虚报"
    )
    with pytest.raises(ValidationError, match="未办结"):
        revocations.revocation_propose(actor=grass, honour=honour, cause=cause, facts="重复")
    with pytest.raises(PermissionDenied):  # the proposing union does not review itself
        revocations.revocation_review(actor=grass, revocation=proposal, opinion="同意")
    proposal = revocations.revocation_review(
        actor=city_chair(cast), revocation=proposal, opinion="经核查属实"
    )
    assert proposal.state == RevocationState.REVIEWED and proposal.reviewed_on
    with pytest.raises(PermissionDenied):  # the city did not confer the title
        revocations.revocation_decide(
            actor=city_chair(cast), revocation=proposal, decision_no="市总〔2026〕9号"
        )
    boss = province_chair(cast)
    with pytest.raises(ValidationError, match="文号"):
        revocations.revocation_decide(actor=boss, revocation=proposal, decision_no="")
    decided = revocations.revocation_decide(
        actor=boss, revocation=proposal, decision_no="省总〔2026〕12号"
    )
    honour.refresh_from_db()
    assert decided.state == RevocationState.DECIDED
    assert honour.status == HonourStatus.REVOKED
    assert honour.status_changed_on == timezone.localdate()
    assert [h.transition for h in history_of(decided)] == ["review", "decide"]
    assert history_of(honour).get().transition == "revoke"  # the roster keeps the history
    assert AuditEvent.objects.filter(action="honors.honour.revoked").count() == 1


@pytest.mark.django_db
def test_recovery_of_medal_and_certificate_is_recorded_after_the_decision(cast: Cast) -> None:
    honour = holder(cast)
    grass = fresh(cast.grassroots_officer)
    proposal = revocations.revocation_propose(
        actor=grass,
        honour=honour,
        cause=RevocationCause.objects.get(code="criminal"),
        facts="判处有期徒刑三年",
    )
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="决定作出后"):
        revocations.revocation_recover(
            actor=grass, revocation=proposal, medal_on=today, certificate_on=None
        )
    proposal = revocations.revocation_review(
        actor=city_chair(cast), revocation=proposal, opinion="属实"
    )
    proposal = revocations.revocation_decide(
        actor=province_chair(cast), revocation=proposal, decision_no="省总〔2026〕3号"
    )
    with pytest.raises(ValidationError, match="收缴日期"):
        revocations.revocation_recover(
            actor=grass,
            revocation=proposal,
            medal_on=today + dt.timedelta(days=1),
            certificate_on=None,
        )
    done = revocations.revocation_recover(
        actor=grass, revocation=proposal, medal_on=today, certificate_on=today, note="本人交回"
    )
    assert done.medal_recovered_on == today and done.certificate_recovered_on == today
    assert AuditEvent.objects.filter(action="honors.revocation.recovered").exists()


@pytest.mark.django_db
def test_a_dismissed_proposal_leaves_the_title(cast: Cast) -> None:
    honour = holder(cast)
    proposal = revocations.revocation_propose(
        actor=fresh(cast.grassroots_officer),
        honour=honour,
        cause=RevocationCause.objects.get(code="false-deeds"),
        facts="群众反映事迹失实",
    )
    revocations.revocation_dismiss(
        actor=province_chair(cast), revocation=proposal, opinion="经核实事迹属实"
    )
    honour.refresh_from_db()
    assert honour.status == HonourStatus.ACTIVE
    with pytest.raises(PermissionDenied):
        revocations.revocation_propose(
            actor=fresh(cast.sibling_officer),
            honour=honour,
            cause=RevocationCause.objects.get(code="criminal"),
            facts="x",
        )
