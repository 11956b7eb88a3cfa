"""Correction requests move through core.workflow (issue 17, ADR 0021): approval and rejection
are declared transitions with their history row and audit row (masked values only); the wrong
state, a missing capability and a union outside the subtree are refused and write nothing; two
approvals of one request at once: one wins (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.core.models import AuditEvent
from gonghui.core.workflow import history_of
from gonghui.members.models import CorrectionRequest, CorrectionStatus, Member
from gonghui.members.services.corrections import (
    correction_approve,
    correction_reject,
    correction_request,
)
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import ZHENGZHOU_1970, at_once, register, resident

CORRECT_ID = resident("41010519750612123")


@pytest.fixture
def member(cast: Cast) -> Member:
    return register(cast, account=cast.member)


def _decisions() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action__in=["members.correction.approved", "members.correction.rejected"]
        )
    )


def test_approval_is_a_declared_move_with_history_and_masked_audit(
    cast: Cast, member: Member
) -> None:
    correction = correction_request(
        actor=cast.member, member=member, values={"id_number": CORRECT_ID}
    )
    officer = fresh(cast.grassroots_officer)
    approved = correction_approve(actor=officer, correction=correction, note="已核对户口簿")
    step = history_of(approved).get()
    assert (step.transition, step.from_state, step.to_state, step.actor_id, step.reason) == (
        "approve", "pending", "approved", officer.pk, "已核对户口簿",
    )  # fmt: skip
    assert step.org_path == member.org_path
    old, new = step.data["changes"]["id_number"]
    assert ZHENGZHOU_1970 not in old + new and CORRECT_ID not in old + new
    assert old.startswith("4101") and "*" in new
    [event] = _decisions()
    assert (event.action, event.target_id, event.after["status"]) == (
        "members.correction.approved", str(approved.pk), "approved",
    )  # fmt: skip
    assert CORRECT_ID not in str(event.after) and ZHENGZHOU_1970 not in str(event.after)
    assert approved.decided_by_id == officer.pk and approved.decision_note == "已核对户口簿"


def test_rejection_is_a_declared_move_and_a_decided_request_moves_no_more(
    cast: Cast, member: Member
) -> None:
    correction = correction_request(actor=cast.member, member=member, values={"name": "张卫"})
    officer = fresh(cast.grassroots_officer)
    rejected = correction_reject(actor=officer, correction=correction, note="与户口簿不符")
    step = history_of(rejected).get()
    assert (step.transition, step.to_state, step.reason) == ("reject", "rejected", "与户口簿不符")
    with pytest.raises(ValidationError, match="已处理"):
        correction_approve(actor=officer, correction=rejected)
    with pytest.raises(ValidationError, match="已处理"):
        correction_reject(actor=officer, correction=rejected, note="再次")
    assert history_of(rejected).count() == 1 and len(_decisions()) == 1
    member.refresh_from_db()
    assert member.name == "张伟"


@pytest.mark.parametrize("who", ["member", "sibling_officer", "merchant"])
def test_a_decision_without_the_capability_there_is_refused(
    cast: Cast, member: Member, who: str
) -> None:
    correction = correction_request(actor=cast.member, member=member, values={"name": "张卫"})
    actor = fresh(getattr(cast, who))
    with pytest.raises(PermissionDenied):
        correction_approve(actor=actor, correction=correction)
    with pytest.raises(PermissionDenied):
        correction_reject(actor=actor, correction=correction, note="不同意")
    assert CorrectionRequest.objects.get().status == CorrectionStatus.PENDING
    assert not history_of(correction).exists() and _decisions() == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)
@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_request_at_once_exactly_one_wins(cast: Cast) -> None:
    member = register(cast, account=cast.member)
    correction = correction_request(actor=cast.member, member=member, values={"name": "张卫"})
    officers = [cast.grassroots_officer, factories.make_officer(cast.grassroots, "chair", "g1b")]

    def approve(officer: object) -> Callable[[], object]:
        return lambda: correction_approve(actor=fresh(officer), correction=correction)

    assert at_once([approve(o) for o in officers], ValidationError) == ["refused", "won"]
    assert history_of(correction).count() == 1 and len(_decisions()) == 1
