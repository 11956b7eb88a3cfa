"""Issue 17.2 / ADR 0021: each app's old history rows are carried into core's one history table
by its data migration, with their time, actor and comment, and copied back on reverse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from gonghui.assistance.services import campaigns
from gonghui.core import ledger
from gonghui.core.models import HistoryEntry
from gonghui.core.workflow import history_of
from gonghui.members.services.corrections import correction_approve, correction_request
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import chair

WHEN = timezone.make_aware(dt.datetime(2024, 5, 6, 7, 8, 9))


def _latest() -> list[tuple[str, str]]:
    return list(MigrationLoader(connection).graph.leaf_nodes())


def _trail(app_label: str, model: str) -> list[tuple[Any, ...]]:
    return list(
        HistoryEntry.objects.unscoped(reason="test")
        .filter(content_type__app_label=app_label, content_type__model=model)
        .order_by("created_at", "id")
        .values_list(
            "object_id", "org_path", "transition", "from_state", "to_state", "actor_id",
            "reason", "created_at",
        )
    )  # fmt: skip


def _steps(old: Any, model: str, *fields: str) -> list[tuple[Any, ...]]:
    return list(old.get_model(*model.split(".")).objects.order_by("id").values_list(*fields))


def _round_trip(
    before: tuple[str, str],
    build: Callable[[Any], list[tuple[Any, ...]]],
    read_old: Callable[[Any], list[tuple[Any, ...]]],
    app_label: str,
    model: str,
) -> None:
    """Build old rows at ``before``, migrate forward (the trail must equal what ``build``
    returned), back (the old table must hold its rows again), then to the latest state."""
    latest = _latest()
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old_apps = executor.loader.project_state([before]).apps
        expected = build(old_apps)
        old_rows = read_old(old_apps)
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        assert _trail(app_label, model) == expected
        executor = MigrationExecutor(connection)
        executor.migrate([before])
        assert read_old(executor.loader.project_state([before]).apps) == old_rows
        assert _trail(app_label, model) == []
    finally:
        MigrationExecutor(connection).migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_merchant_history_is_carried_into_core_and_back(cast: Cast) -> None:
    def build(old: Any) -> list[tuple[Any, ...]]:
        org = old.get_model("orgs", "Org").objects.get(code="EAST-G1")
        merchant = old.get_model("benefits", "Merchant").objects.create(
            name="迁移超市", uscc="92410105MA0000001X", category="shopping", address="路1号",
            region_code="410105", contact_name="王", contact_phone="13712345678",
            agreement_start=dt.date(2024, 1, 1), agreement_end=dt.date(2030, 1, 1),
            org_id=org.pk, org_path=org.path, status="signed",
        )  # fmt: skip
        step = old.get_model("benefits", "MerchantHistory").objects.create(
            merchant=merchant, from_status="pending", to_status="signed",
            actor_id=cast.grassroots_officer.pk, comment="签约",
        )  # fmt: skip
        type(step).objects.filter(pk=step.pk).update(at=WHEN)
        return [
            (merchant.pk, org.path, "sign", "pending", "signed", cast.grassroots_officer.pk,
             "签约", WHEN),
        ]  # fmt: skip

    def read_old(old: Any) -> list[tuple[Any, ...]]:
        fields = ("merchant_id", "from_status", "to_status", "actor_id", "comment", "at")
        return _steps(old, "benefits.MerchantHistory", *fields)

    _round_trip(("benefits", "0001_initial"), build, read_old, "benefits", "merchant")


@pytest.mark.django_db(transaction=True)
def test_report_steps_are_carried_into_core_and_back(cast: Cast) -> None:
    officer = cast.county_officer.pk

    def build(old: Any) -> list[tuple[Any, ...]]:
        org = old.get_model("orgs", "Org").objects.get(code="EAST-G1")
        snapshot = old.get_model("stats", "Snapshot").objects.create(label="1999", taken_at=WHEN)
        period = old.get_model("stats", "ReportPeriod").objects.create(
            year=1999, snapshot=snapshot, frozen_at=WHEN
        )
        report = old.get_model("stats", "OrgReport").objects.create(
            period=period, org_id=org.pk, org_path=org.path, status="returned"
        )
        step = old.get_model("stats", "ReportStep")
        for n, (before, after, comment) in enumerate(
            [("draft", "submitted", ""), ("submitted", "returned", "漏报")]
        ):
            row = step.objects.create(
                report=report, from_status=before, to_status=after, actor_id=officer,
                comment=comment,
            )  # fmt: skip
            step.objects.filter(pk=row.pk).update(at=WHEN + dt.timedelta(minutes=n))
        return [
            (report.pk, org.path, "submit", "draft", "submitted", officer, "", WHEN),
            (report.pk, org.path, "send_back", "submitted", "returned", officer, "漏报",
             WHEN + dt.timedelta(minutes=1)),
        ]  # fmt: skip

    def read_old(old: Any) -> list[tuple[Any, ...]]:
        fields = ("report_id", "from_status", "to_status", "actor_id", "comment", "at")
        return _steps(old, "stats.ReportStep", *fields)

    _round_trip(("stats", "0003_snapshot_subtree"), build, read_old, "stats", "orgreport")


@pytest.mark.django_db(transaction=True)
def test_state_logs_are_carried_to_their_models_and_back(cast: Cast) -> None:
    """StateLog named its object by kind: each row lands on its model, with the transition
    recovered from the states (a motion reopened is not a motion assigned)."""
    officer = cast.grassroots_officer.pk
    path = cast.grassroots.path

    def build(old: Any) -> list[tuple[Any, ...]]:
        log = old.get_model("democracy", "StateLog")
        moves = [
            ("session", 7, "", "planned", ""),
            ("motion", 8, "accepted", "assigned", "后勤部"),
            ("motion", 8, "replied", "assigned", "不满意"),
            ("question", 9, "asked", "answered", ""),
        ]
        for n, (kind, pk, before, after, comment) in enumerate(moves):
            row = log.objects.create(
                kind=kind, object_id=pk, org_path=path, from_state=before, to_state=after,
                comment=comment, actor_id=officer,
            )  # fmt: skip
            log.objects.filter(pk=row.pk).update(at=WHEN + dt.timedelta(minutes=n))
        return [
            (8, path, "assign", "accepted", "assigned", officer, "后勤部",
             WHEN + dt.timedelta(minutes=1)),
            (8, path, "reopen", "replied", "assigned", officer, "不满意",
             WHEN + dt.timedelta(minutes=2)),
        ]  # fmt: skip

    def read_old(old: Any) -> list[tuple[Any, ...]]:
        fields = ("kind", "object_id", "from_state", "to_state", "comment", "actor_id", "at")
        return sorted(_steps(old, "democracy.StateLog", *fields), key=lambda row: row[-1])

    before = ("democracy", "0005_backfill_due_confirmed")
    _round_trip(before, build, read_old, "democracy", "motion")
    # Carried forward again by the final migrate: each kind on its own model.
    assert [row[2] for row in _trail("democracy", "session")] == ["created"]
    assert [row[2] for row in _trail("democracy", "disclosurequestion")] == ["answer"]


@pytest.mark.django_db(transaction=True)
def test_appeal_steps_are_carried_keeping_an_anonymous_submitter_unlinked(cast: Cast) -> None:
    officer = cast.grassroots_officer.pk
    path = cast.grassroots.path

    def build(old: Any) -> list[tuple[Any, ...]]:
        org = old.get_model("orgs", "Org").objects.get(code="EAST-G1")
        category = old.get_model("voice", "AppealCategory").objects.get_or_create(
            code="migration", defaults={"name": "迁移测试"}
        )[0]
        appeal = old.get_model("voice", "Appeal").objects.create(
            category=category, channel="phone",
            title="匿名诉求", content="内容", anonymous=True, org_id=org.pk, org_path=org.path,
            origin_path=org.path, received_on=WHEN.date(), accept_due=WHEN.date(),
            reply_due=WHEN.date(), escalate_due=WHEN.date(), status="accepted",
        )  # fmt: skip
        step = old.get_model("voice", "AppealStep")
        rows = [
            ("submitted", None, "提出人（匿名）", "", "submitted", ""),
            ("accepted", officer, "主席", "submitted", "accepted", "受理"),
        ]
        for n, (action, actor, label, before, after, opinion) in enumerate(rows):
            row = step.objects.create(
                appeal=appeal, action=action, actor_id=actor, actor_label=label,
                org_name=org.name, from_status=before, to_status=after, opinion=opinion,
            )  # fmt: skip
            step.objects.filter(pk=row.pk).update(created_at=WHEN + dt.timedelta(minutes=n))
        return [
            (appeal.pk, path, "submitted", "", "submitted", None, "", WHEN),
            (appeal.pk, path, "accepted", "submitted", "accepted", officer, "受理",
             WHEN + dt.timedelta(minutes=1)),
        ]  # fmt: skip

    def read_old(old: Any) -> list[tuple[Any, ...]]:
        fields = ("appeal_id", "action", "actor_id", "actor_label", "org_name", "opinion")
        return _steps(old, "voice.AppealStep", *fields, "created_at")

    _round_trip(("voice", "0005_seed_appeal_categories"), build, read_old, "voice", "appeal")
    labels = HistoryEntry.objects.unscoped(reason="test").values_list("actor_label", "data")
    assert ("提出人（匿名）", {"org_name": cast.grassroots.name}) in list(labels)


@pytest.mark.django_db(transaction=True)
def test_case_steps_are_carried_with_the_acting_union_and_back(cast: Cast) -> None:
    """A CaseStep kept the union that took the step (the county for an approval): it lands in
    the row's data beside the step's own, and comes back on reverse."""
    officer = cast.county_officer.pk

    def build(old: Any) -> list[tuple[Any, ...]]:
        org = old.get_model("orgs", "Org").objects.get(code="EAST-G1")
        county = old.get_model("orgs", "Org").objects.get(code="EAST")
        case = old.get_model("assistance", "HardshipCase").objects.create(
            org_id=org.pk, org_path=org.path, name="迁移户", id_number="x", id_index="i",
            household_size=1, annual_income=0, consent_purpose="帮扶", consent_at=WHEN,
            status="archived",
        )  # fmt: skip
        step = old.get_model("assistance", "CaseStep")
        rows = [
            ("visited", "applied", "visited", None, org, {"visitors": "张"}, "走访"),
            ("approved", "pending_approval", "archived", officer, county, {}, "同意"),
        ]
        for n, (kind, before, after, actor, acting, data, opinion) in enumerate(rows):
            row = step.objects.create(
                case=case, kind=kind, from_status=before, to_status=after, actor_id=actor,
                org_id=acting.pk, org_path=org.path, data=data, opinion=opinion,
            )  # fmt: skip
            step.objects.filter(pk=row.pk).update(at=WHEN + dt.timedelta(minutes=n))
        return [
            (case.pk, org.path, "visited", "applied", "visited", None, "走访", WHEN),
            (case.pk, org.path, "approved", "pending_approval", "archived", officer, "同意",
             WHEN + dt.timedelta(minutes=1)),
        ]  # fmt: skip

    def read_old(old: Any) -> list[tuple[Any, ...]]:
        fields = ("case_id", "kind", "actor_id", "org_id", "org_path", "data", "opinion", "at")
        return _steps(old, "assistance.CaseStep", *fields)

    _round_trip(
        ("assistance", "0003_private_file_storage"), build, read_old, "assistance", "hardshipcase"
    )
    # After the final migrate: the acting union and the step's own data in the row's data.
    data = (
        HistoryEntry.objects.unscoped(reason="test")
        .order_by("created_at")
        .values_list("data", flat=True)
    )
    assert list(data)[-2:] == [
        {"visitors": "张", "org_id": cast.grassroots.pk, "org_name": cast.grassroots.name},
        {"org_id": cast.county.pk, "org_name": cast.county.name},
    ]


@pytest.mark.django_db(transaction=True)
def test_decided_corrections_get_their_decision_row_and_lose_it_on_reverse(cast: Cast) -> None:
    """The request kept its decision in decided_by/decided_at/decision_note: the migration
    writes it as the request's history row; the reverse drops the row and keeps the fields."""
    member = factories.register(cast, account=cast.member)
    correction = correction_request(actor=cast.member, member=member, values={"name": "张卫"})
    officer = fresh(cast.grassroots_officer)
    correction = correction_approve(actor=officer, correction=correction, note="已核对")

    def build(old: Any) -> list[tuple[Any, ...]]:
        row = old.get_model("members", "CorrectionRequest").objects.get(pk=correction.pk)
        return [
            (row.pk, row.org_path, "approve", "pending", "approved", officer.pk, "已核对",
             row.decided_at),
        ]  # fmt: skip

    def read_old(old: Any) -> list[tuple[Any, ...]]:
        fields = ("status", "decided_by_id", "decided_at", "decision_note")
        return _steps(old, "members.CorrectionRequest", *fields)

    _round_trip(
        ("members", "0004_path_and_id_index_diet"), build, read_old, "members", "correctionrequest"
    )


@pytest.mark.django_db(transaction=True)
def test_paid_student_applications_get_the_pay_row_of_their_record(cast: Cast) -> None:
    """An application paid before the move has no trail of its own: the migration writes its
    发放 row from the trail of the record that paid it (time and officer)."""
    boss = chair(cast.county, "east_chair")
    fund = ledger.fund_create(actor=fresh(boss), org=cast.county, name="助学", purpose="special")
    ledger.fund_deposit(actor=fresh(boss), fund=fund, amount="9000", memo="预算")
    aid = campaigns.campaign_create(
        actor=fresh(boss), org=cast.county, kind="student", name="金秋助学", year=2026,
        budget="9000",
    )  # fmt: skip
    student = campaigns.student_apply(
        actor=fresh(cast.grassroots_officer), campaign=aid, org=cast.grassroots,
        parent_name="家长", school="郑州大学", tuition="5000", student_name="甲",
        student_id=factories.CHILD_ID, stage="higher",
    )  # fmt: skip
    student = campaigns.student_pay(actor=fresh(boss), application=student, fund=fund)
    paid_at = history_of(student.record).get(transition="pay").created_at

    def build(old: Any) -> list[tuple[Any, ...]]:
        return [(student.pk, student.org_path, "pay", "pending", "paid", boss.pk, "", paid_at)]

    def read_old(old: Any) -> list[tuple[Any, ...]]:
        return _steps(old, "assistance.StudentApplication", "status", "record_id", "amount")

    _round_trip(
        ("assistance", "0006_funds_into_core_ledger"),
        build,
        read_old,
        "assistance",
        "studentapplication",
    )


@pytest.mark.django_db(transaction=True)
def test_handled_complaints_get_their_row_from_the_audit_trail(cast: Cast) -> None:
    """A complaint kept only its reply; who answered it and when is in its audit row: the
    migration writes both as the complaint's 处理 row, the reverse drops it."""
    from gonghui.benefits.services import merchants
    from gonghui.core.models import AuditEvent

    merchant = factories.signed_merchant(cast)
    member = factories.register(cast, account=cast.member)
    complaint = merchants.complaint_submit(
        actor=fresh(cast.member), merchant=merchant, content="收银员拒绝会员卡优惠"
    )
    officer = fresh(cast.grassroots_officer)
    merchants.complaint_handle(actor=officer, complaint=complaint, reply="已约谈商户")
    assert member.pk
    handled_at = AuditEvent.objects.get(action="benefits.complaint.handled").created_at

    def build(old: Any) -> list[tuple[Any, ...]]:
        return [
            (complaint.pk, merchant.org_path, "handle", "open", "handled", officer.pk,
             "已约谈商户", handled_at),
        ]  # fmt: skip

    def read_old(old: Any) -> list[tuple[Any, ...]]:
        return _steps(old, "benefits.Complaint", "status", "reply")

    _round_trip(("benefits", "0002_history_in_core"), build, read_old, "benefits", "complaint")
