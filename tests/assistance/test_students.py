"""金秋助学 applications move through core.workflow (issue 17, ADR 0021): 核定, 不予资助 and
发放 are declared transitions; each writes its history row and audit row in one transaction;
the wrong state, a missing capability or a union outside the officer's subtree is refused and
writes nothing; two payments of one application at once: one wins (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.assistance.models.funds import RecordStatus, StudentApplication, StudentStatus
from gonghui.assistance.services import campaigns
from gonghui.core import ledger
from gonghui.core.models import AuditEvent, Fund, HistoryEntry
from gonghui.core.workflow import history_of
from tests.conftest import Cast, fresh
from tests.factories import CHILD_ID, at_once, chair, resident


def _fund(cast: Cast, amount: str = "20000") -> tuple[Fund, object]:
    boss = chair(cast.county, "east_chair")
    fund = ledger.fund_create(
        actor=fresh(boss), org=cast.county, name="助学资金", purpose="special"
    )
    ledger.fund_deposit(actor=fresh(boss), fund=fund, amount=amount, memo="年度预算")
    return fund, boss


def _application(cast: Cast, number: str = CHILD_ID, org: object = None) -> StudentApplication:
    boss = chair(cast.county, "east_chair")
    aid = campaigns.campaign_create(
        actor=fresh(boss), org=cast.county, kind="student", name="金秋助学", year=2026,
        budget="100000",
    )  # fmt: skip
    return campaigns.student_apply(
        actor=fresh(cast.grassroots_officer), campaign=aid, org=org or cast.grassroots,
        parent_name="家长", school="郑州大学", tuition="5000", student_name="甲",
        student_id=number, stage="higher",
    )  # fmt: skip


def _audit(code: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=code))


def test_approve_then_pay_each_a_declared_move_with_history_and_audit(cast: Cast) -> None:
    application = _application(cast)
    officer = fresh(cast.grassroots_officer)
    approved = campaigns.student_approve(actor=officer, application=application)
    assert approved.status == StudentStatus.APPROVED
    fund, boss = _fund(cast)
    paid = campaigns.student_pay(actor=fresh(boss), application=approved, fund=fund)
    assert paid.status == StudentStatus.PAID and paid.record.status == RecordStatus.PAID
    fund.refresh_from_db()
    assert fund.balance == Decimal(20000) - Decimal(4000)
    trail = list(history_of(paid).values_list("transition", "from_state", "to_state", "actor"))
    assert trail == [
        ("approve", "pending", "approved", officer.pk),
        ("pay", "approved", "paid", boss.pk),
    ]
    assert history_of(paid).last().data["record"] == paid.record_id
    [event] = _audit("assistance.student.paid")
    assert (event.target_id, event.before, event.after["status"]) == (
        str(paid.pk), {"status": "approved"}, "paid",
    )  # fmt: skip
    assert len(_audit("assistance.student.approved")) == 1


def test_refuse_records_the_exclusion_and_pays_nothing(cast: Cast) -> None:
    application = _application(cast)
    refused = campaigns.student_refuse(
        actor=fresh(cast.grassroots_officer), application=application, exclusion="funded",
        reason="已获国家助学金",
    )  # fmt: skip
    assert (refused.status, refused.exclusion, refused.amount) == ("excluded", "funded", 0)
    step = history_of(refused).get()
    assert (step.transition, step.reason, step.data) == (
        "refuse", "已获国家助学金", {"exclusion": "funded"},
    )  # fmt: skip
    assert _audit("assistance.student.refused")[0].after["reason"] == "已获国家助学金"
    fund, boss = _fund(cast)
    with pytest.raises(ValidationError, match="不予资助"):  # the wrong state
        campaigns.student_pay(actor=fresh(boss), application=refused, fund=fund)
    with pytest.raises(ValidationError, match="排除情形"):
        campaigns.student_refuse(
            actor=fresh(cast.grassroots_officer), application=_application(
                cast, resident("41010520080808004")), exclusion="",
        )  # fmt: skip
    assert history_of(refused).count() == 1 and not _audit("assistance.student.paid")


def test_a_paid_application_cannot_be_paid_approved_or_refused_again(cast: Cast) -> None:
    fund, boss = _fund(cast)
    paid = campaigns.student_pay(actor=fresh(boss), application=_application(cast), fund=fund)
    officer = fresh(cast.grassroots_officer)
    for move in (
        lambda: campaigns.student_pay(actor=fresh(boss), application=paid, fund=fund),
        lambda: campaigns.student_approve(actor=officer, application=paid),
        lambda: campaigns.student_refuse(actor=officer, application=paid, exclusion="funded"),
    ):
        with pytest.raises(ValidationError, match="已发放"):
            move()
    assert history_of(paid).count() == 1
    assert Fund.objects.get(pk=fund.pk).balance == Decimal(16000)  # paid once


def test_missing_capability_and_outside_subtree_are_refused(cast: Cast) -> None:
    application = _application(cast)
    fund, _boss = _fund(cast)
    with pytest.raises(PermissionDenied):  # a member holds no assistance capability
        campaigns.student_approve(actor=fresh(cast.member), application=application)
    with pytest.raises(PermissionDenied):  # the sibling county's officer: outside the subtree
        campaigns.student_refuse(
            actor=fresh(cast.sibling_officer), application=application, exclusion="funded"
        )
    with pytest.raises(PermissionDenied):  # the grassroots officer holds no fund capability
        campaigns.student_pay(actor=fresh(cast.grassroots_officer), application=application,
                              fund=fund)  # fmt: skip
    application.refresh_from_db()
    assert application.status == StudentStatus.PENDING and application.record_id is None
    assert not history_of(application).exists()
    assert (
        not AuditEvent.objects.filter(action__startswith="assistance.student.")
        .exclude(action="assistance.student.applied")
        .exists()
    )


def test_the_page_approves_and_refuses(cast: Cast, client: object) -> None:
    application = _application(cast)
    other = StudentApplication.objects.unscoped(reason="test").get(pk=_application(
        cast, resident("41010520080808004")).pk)  # fmt: skip
    client.force_login(cast.grassroots_officer)  # type: ignore[attr-defined]
    page = client.get(f"/assistance/campaigns/{application.campaign_id}/")  # type: ignore[attr-defined]
    assert f"/assistance/students/{application.pk}/approve/" in page.content.decode()
    client.post(f"/assistance/students/{application.pk}/approve/")  # type: ignore[attr-defined]
    client.post(  # type: ignore[attr-defined]
        f"/assistance/students/{other.pk}/refuse/", {"exclusion": "directed", "reason": "定向生"}
    )
    application.refresh_from_db()
    other.refresh_from_db()
    assert (application.status, other.status, other.exclusion) == (
        "approved", "excluded", "directed",
    )  # fmt: skip


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: the in-memory SQLite test database has one",
)
@pytest.mark.django_db(transaction=True)
def test_two_payments_of_one_application_at_once_exactly_one_wins(cast: Cast) -> None:
    application = _application(cast)
    fund, boss = _fund(cast)
    other = chair(cast.county, "east_chair2")

    def pay(officer: object) -> Callable[[], object]:
        return lambda: campaigns.student_pay(
            actor=fresh(officer), application=application, fund=fund
        )

    assert at_once([pay(boss), pay(other)], ValidationError) == ["refused", "won"]
    assert (
        HistoryEntry.objects.unscoped(reason="test")
        .filter(content_type__model="studentapplication", transition="pay")
        .count()
        == 1
    )
    assert Fund.objects.get(pk=fund.pk).balance == Decimal(16000)
    assert len(_audit("assistance.student.paid")) == 1
