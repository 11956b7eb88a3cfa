"""Issue 15 deliverable 2: what each of today's periodic jobs does, once — overdue reminders,
the counter check that reports and never corrects, audit retention in batches, the monthly
snapshot, 公示 ends, agreement reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.assistance.models import CaseStatus, StepKind
from gonghui.assistance.services import cases as assistance
from gonghui.benefits.services import merchants as benefits
from gonghui.core import counters, registry
from gonghui.core.audit import AuditEvent, prune_audit
from gonghui.core.models import Notification, OrgCounter
from gonghui.core.reminders import Notice, notify_overdue
from gonghui.core.workflow import history_of
from gonghui.orgs.selectors import org_path_sample
from gonghui.stats.models import Snapshot
from gonghui.stats.tasks import month_just_ended, stats_monthly_snapshot
from gonghui.voice.models import Appeal
from gonghui.voice.services import appeals as voice
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import apply, signed_merchant

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def inbox(user: object) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


# --- overdue deadlines on the to-do panel ---------------------------------------------------------


def overdue_appeal(cast: Cast) -> Appeal:
    appeal = voice.appeal_enter(
        actor=fresh(cast.grassroots_officer),
        org=cast.grassroots,
        category=voice.category_get("wage"),
        channel="hotline",
        title="工资条不清楚",
        content="工资条上没有加班时数。",
        contact_name="来电人",
    )
    Appeal.objects.filter(pk=appeal.pk).update(accept_due=TODAY - dt.timedelta(days=1))
    return appeal


def test_an_appeal_turning_overdue_is_told_once_to_its_union(cast: Cast) -> None:
    appeal = overdue_appeal(cast)
    assert notify_overdue() == 1
    [message] = inbox(cast.grassroots_officer)
    assert message.subject == "1项待办已逾期"
    assert appeal.title in message.body and message.url == appeal.get_absolute_url()
    assert notify_overdue() == 0  # once
    assert len(inbox(cast.grassroots_officer)) == 1
    # A new deadline that passes is a new reminder.
    Appeal.objects.filter(pk=appeal.pk).update(accept_due=TODAY - dt.timedelta(days=2))
    assert notify_overdue() == 1


def test_each_officer_gets_one_message_per_run_and_unions_without_officers_reach_up(
    cast: Cast,
) -> None:
    def source(*, since: dt.date, today: dt.date) -> list[Notice]:
        due = today - dt.timedelta(days=1)
        mine = [
            Notice(f"g{i}", cast.grassroots.path, "orgs.view", f"事项{i}", due) for i in range(3)
        ]
        return [*mine, Notice("w1", cast.sibling_grassroots.path, "orgs.view", "西山事项", due)]

    registry.register_overdue_source("tests.fake", source)
    try:
        assert notify_overdue() == 4
    finally:
        registry._overdue_sources[:] = [
            (n, s) for n, s in registry._overdue_sources if n != "tests.fake"
        ]
    [mine] = inbox(cast.grassroots_officer)
    assert mine.subject == "3项待办已逾期" and mine.body.count("（期限") == 3
    [west] = inbox(cast.sibling_officer)  # 西山物流 has no officer: its county is told
    assert "西山事项" in west.body


# --- the counter check ----------------------------------------------------------------------------


def test_a_counter_drift_is_reported_once_and_never_corrected(cast: Cast) -> None:
    counters.rebuild_counters()
    admin = factories.superuser()
    paths = org_path_sample(1000)
    assert cast.grassroots.path in paths
    assert counters.counters_check(paths) == []
    assert not AuditEvent.objects.filter(action__startswith="core.counters").exists()

    row = OrgCounter.objects.filter(org_path=cast.grassroots.path).first()
    assert row is not None
    OrgCounter.objects.filter(pk=row.pk).update(value=row.value + 5)
    [drift] = counters.counters_check(paths)
    assert (drift.org_path, drift.key, drift.stored) == (row.org_path, row.key, row.value + 5)
    assert OrgCounter.objects.get(pk=row.pk).value == row.value + 5  # not corrected
    event = AuditEvent.objects.get(action=counters.DRIFT_ACTION)
    assert event.org_path == row.org_path
    assert event.after == {"drift": {row.key: {"stored": row.value + 5, "computed": row.value}}}
    [alert] = inbox(admin)
    assert "1个组织" in alert.subject and row.key in alert.body

    counters.counters_check(paths)  # the same drift again: nothing new
    assert AuditEvent.objects.filter(action=counters.DRIFT_ACTION).count() == 1
    assert len(inbox(admin)) == 1

    counters.rebuild_counters()  # an admin fixed it
    counters.counters_check(paths)
    assert AuditEvent.objects.filter(action=counters.CLEARED_ACTION).count() == 1
    OrgCounter.objects.filter(org_path=row.org_path, key=row.key).update(value=row.value + 5)
    counters.counters_check(paths)  # it came back: reported again
    assert AuditEvent.objects.filter(action=counters.DRIFT_ACTION).count() == 2
    assert len(inbox(admin)) == 2


def test_the_sample_is_of_distinct_existing_orgs(cast: Cast) -> None:
    every = set(org_path_sample(1000))
    assert len(every) == 7
    some = org_path_sample(3)
    assert len(some) == len(set(some)) == 3 and set(some) <= every


# --- retention, snapshot ------------------------------------------------------------------------


def test_audit_retention_deletes_in_batches_and_keeps_recent_rows() -> None:
    old = [AuditEvent.objects.create(action="tests.old") for _ in range(5)]
    recent = AuditEvent.objects.create(action="tests.recent")
    AuditEvent.objects.filter(pk__in=[e.pk for e in old]).update(
        created_at=timezone.now() - dt.timedelta(days=4 * 365)
    )
    assert prune_audit(batch=2, max_batches=2) == 4  # bounded: the rest at the next run
    assert prune_audit(batch=2) == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_monthly_snapshot_is_taken_once_for_the_month_just_ended() -> None:
    assert month_just_ended(dt.date(2026, 3, 1)) == "2026-02"
    assert month_just_ended(dt.date(2026, 1, 15)) == "2025-12"
    label = month_just_ended(TODAY)
    assert stats_monthly_snapshot.call() == f"{label} taken"
    assert stats_monthly_snapshot.call() == f"{label} exists"
    assert Snapshot.objects.filter(label=label).count() == 1


# --- 公示 ends ------------------------------------------------------------------------------------


def in_publicity(cast: Cast, number: str | None = None) -> object:
    officer = fresh(cast.grassroots_officer)
    case = apply(cast) if number is None else apply(cast, number=number)
    case = assistance.case_visit(actor=officer, case=case, opinion="入户核实")
    return assistance.case_review(
        actor=officer, case=case, passed=True, opinion="同意", publicity_days=5
    )


def test_a_notice_period_ended_without_upheld_objection_goes_on_to_approval(cast: Cast) -> None:
    from tests.factories import resident

    quiet = in_publicity(cast)
    contested = in_publicity(cast, number=resident("41010519800202123"))
    running = in_publicity(cast, number=resident("41010519810303123"))
    assistance.case_objection(
        actor=fresh(cast.grassroots_officer), case=contested, content="收入不实", upheld=True
    )
    from gonghui.assistance.models import HardshipCase

    HardshipCase.objects.filter(pk__in=[quiet.pk, contested.pk]).update(
        publicity_end=TODAY - dt.timedelta(days=1)
    )
    assert assistance.cases_end_publicity_due() == 1
    assert assistance.cases_end_publicity_due() == 0
    statuses = dict(
        HardshipCase.objects.filter(pk__in=[quiet.pk, contested.pk, running.pk]).values_list(
            "pk", "status"
        )
    )
    assert statuses == {
        quiet.pk: CaseStatus.PENDING_APPROVAL,
        contested.pk: CaseStatus.PUBLICITY,  # the officers decide
        running.pk: CaseStatus.PUBLICITY,
    }
    quiet_case = HardshipCase.objects.get(pk=quiet.pk)
    step = history_of(quiet_case).get(transition=StepKind.PUBLICITY_ENDED)
    assert step.actor is None and "系统" in step.reason
    titles = [str(i.title) for i in registry.todo_items(fresh(cast.grassroots_officer))]
    assert any("异议成立，待作出决定" in t for t in titles)


# --- merchant agreements --------------------------------------------------------------------------


def test_agreement_reminders_come_once_before_the_end_and_once_after(cast: Cast) -> None:
    from gonghui.benefits.models import Merchant

    merchant = signed_merchant(cast)
    Merchant.objects.filter(pk=merchant.pk).update(agreement_end=TODAY + dt.timedelta(days=10))
    assert benefits.merchants_remind_agreements() == 1
    assert benefits.merchants_remind_agreements() == 0
    [soon] = inbox(cast.grassroots_officer)
    assert merchant.name in soon.body and "将于" in soon.body
    Merchant.objects.filter(pk=merchant.pk).update(agreement_end=TODAY - dt.timedelta(days=1))
    assert benefits.merchants_remind_agreements() == 1
    assert "已于" in inbox(cast.grassroots_officer)[-1].body
    assert benefits.merchants_remind_agreements() == 0
