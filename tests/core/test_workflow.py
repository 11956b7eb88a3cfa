"""The one transition service (issue 17.2, ADR 0021, DESIGN.md rule 4): lock, capability, the
declared move, one history row and one audit row in one transaction; nothing on refusal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection

from gonghui.accounts.models import User
from gonghui.benefits.models import Merchant, MerchantStatus
from gonghui.core.audit import AuditEvent, request_ip
from gonghui.core.workflow import HistoryEntry, history_of, register_workflow, transition
from gonghui.orgs.models import Org, OrgKind
from tests import factories
from tests.conftest import Cast, fresh

MANAGE = "benefits.manage"


def _pending(org: Org, officer: User) -> Merchant:
    return factories.pending_merchant(org, officer, "流转测试商户")


def _written(merchant: Merchant) -> tuple[int, int]:
    audits = AuditEvent.objects.filter(target_type="benefits.merchant", target_id=str(merchant.pk))
    return history_of(merchant).count(), audits.exclude(action="benefits.merchant.created").count()


def test_transition_moves_and_writes_exactly_one_history_and_one_audit_row(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    merchant = _pending(cast.grassroots, officer)
    with request_ip("10.0.0.7"):
        moved = transition(
            merchant, "sign", actor=officer, capability=MANAGE, reason="协议已签", data={"n": 1}
        )
    assert moved.status == MerchantStatus.SIGNED
    assert Merchant.objects.get(pk=merchant.pk).status == MerchantStatus.SIGNED
    assert _written(merchant) == (1, 1)
    step = history_of(merchant).get()
    assert (step.transition, step.from_state, step.to_state) == ("sign", "pending", "signed")
    assert (step.actor_id, step.reason, step.data) == (officer.pk, "协议已签", {"n": 1})
    assert step.org_path == merchant.org_path
    audit = AuditEvent.objects.get(action="benefits.merchant.sign", target_id=str(merchant.pk))
    assert audit.before == {"status": "pending"}
    assert audit.after == {"status": "signed", "reason": "协议已签", "n": 1}
    assert (audit.actor_id, audit.ip) == (officer.pk, "10.0.0.7")


def test_transition_refuses_a_move_the_current_state_does_not_allow(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    merchant = _pending(cast.grassroots, officer)
    with pytest.raises(ValidationError) as refused:
        transition(merchant, "suspend", actor=officer, capability=MANAGE)
    assert "普惠商户当前为“待审核”，不能办理此项（暂停商户）" in refused.value.messages[0]
    assert Merchant.objects.get(pk=merchant.pk).status == MerchantStatus.PENDING
    assert _written(merchant) == (0, 0)


def test_transition_refuses_an_actor_without_the_capability(cast: Cast) -> None:
    merchant = _pending(cast.grassroots, fresh(cast.grassroots_officer))
    with pytest.raises(PermissionDenied):
        transition(merchant, "sign", actor=fresh(cast.sibling_officer), capability=MANAGE)
    assert Merchant.objects.get(pk=merchant.pk).status == MerchantStatus.PENDING
    assert _written(merchant) == (0, 0)


def test_transition_refusal_by_the_apps_check_writes_nothing(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    merchant = _pending(cast.grassroots, officer)

    def expired(locked: Merchant) -> None:
        raise ValidationError({"agreement_end": "协议已到期"})

    with pytest.raises(ValidationError):
        transition(merchant, "sign", actor=officer, capability=MANAGE, check=expired)
    assert Merchant.objects.get(pk=merchant.pk).status == MerchantStatus.PENDING
    assert _written(merchant) == (0, 0)


def test_transition_refuses_a_name_that_is_not_registered(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    merchant = _pending(cast.grassroots, officer)
    with pytest.raises(ImproperlyConfigured):
        transition(merchant, "delete", actor=officer, capability=MANAGE)
    assert _written(merchant) == (0, 0)


def test_anonymous_transition_links_no_person_in_history_or_audit(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    merchant = _pending(cast.grassroots, officer)
    with request_ip("10.0.0.8"):
        transition(
            merchant, "sign", actor=officer, capability=None, anonymous=True, actor_label="匿名"
        )
    step = history_of(merchant).get()
    assert (step.actor_id, step.actor_label) == (None, "匿名")
    audit = AuditEvent.objects.get(action="benefits.merchant.sign", target_id=str(merchant.pk))
    assert (audit.actor_id, audit.actor_label, audit.ip) == (None, "", None)


def test_transition_names_the_history_step_and_the_audit_target_as_the_app_asks(
    cast: Cast,
) -> None:
    officer = fresh(cast.grassroots_officer)
    merchant = _pending(cast.grassroots, officer)
    transition(
        merchant, "sign", actor=officer, capability=MANAGE, step="signed", target_label="SH-1"
    )
    assert history_of(merchant).get().transition == "signed"
    audit = AuditEvent.objects.get(action="benefits.merchant.sign", target_id=str(merchant.pk))
    assert audit.target_label == "SH-1"


def test_transition_files_history_and_audit_at_the_path_after_the_move(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    merchant = _pending(cast.grassroots, officer)

    def hand_over(row: Merchant) -> None:
        row.org, row.org_path = cast.sibling_grassroots, cast.sibling_grassroots.path

    transition(merchant, "sign", actor=officer, capability=MANAGE, apply=hand_over)
    assert history_of(merchant).get().org_path == cast.sibling_grassroots.path
    audit = AuditEvent.objects.get(action="benefits.merchant.sign", target_id=str(merchant.pk))
    assert audit.org_path == cast.sibling_grassroots.path


def test_on_move_writes_the_domain_record_in_the_same_transaction(cast: Cast) -> None:
    officer = fresh(cast.grassroots_officer)
    merchant = _pending(cast.grassroots, officer)
    seen: list[tuple[str, str, int]] = []

    def record(row: Merchant, entry: HistoryEntry) -> None:
        seen.append((row.status, entry.transition, entry.object_id))

    transition(merchant, "sign", actor=officer, capability=MANAGE, on_move=record)
    assert seen == [(MerchantStatus.SIGNED, "sign", merchant.pk)]

    def refuse(row: Merchant, entry: HistoryEntry) -> None:
        raise ValidationError("domain record refused")

    with pytest.raises(ValidationError):
        transition(merchant, "suspend", actor=officer, capability=MANAGE, on_move=refuse)
    # The refusing writer undoes the move, its history row and its audit row.
    assert Merchant.objects.get(pk=merchant.pk).status == MerchantStatus.SIGNED
    assert _written(merchant) == (1, 1)


def test_register_workflow_refuses_a_method_that_is_not_a_transition() -> None:
    with pytest.raises(ImproperlyConfigured):
        register_workflow(Merchant, {"masked_phone": "benefits.merchant.sign"})


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_of_one_row_leave_one_move() -> None:
    province = factories.make_org(None, OrgKind.PROVINCE, code="WF")
    union = factories.make_org(province, OrgKind.GRASSROOTS, code="WF-G")
    officers = [factories.make_officer(union, "chair", f"wf_{i}") for i in range(2)]
    merchant = _pending(union, fresh(officers[0]))

    def sign(officer: User) -> Callable[[], object]:
        return lambda: transition(merchant, "sign", actor=fresh(officer), capability=MANAGE)

    outcomes = factories.at_once([sign(o) for o in officers], ValidationError)
    assert outcomes == ["refused", "won"]
    assert HistoryEntry.objects.unscoped(reason="test").filter(object_id=merchant.pk).count() == 1
    assert _written(merchant) == (1, 1)
