"""Issue 15 "Must show": every declared periodic job, run twice over the seeded demo province,
changes nothing the second time (DESIGN.md rule 11: idempotent); and the demo's overdue appeal
escalates when the escalation job runs."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from gonghui.assistance.models import CaseStatus, HardshipCase
from gonghui.core import scheduler
from gonghui.core.audit import AuditEvent
from gonghui.core.models import JobRun, JobRunStatus, OrgCounter
from gonghui.core.schedule import periodic_jobs
from gonghui.core.workflow import history_of
from gonghui.demo.generator import seed_demo
from gonghui.stats.models import Snapshot
from gonghui.stats.tasks import month_just_ended
from gonghui.voice.demo import GRASSROOTS, OVERDUE_TITLE
from gonghui.voice.models import Appeal, StepAction
from tests.core.conftest import TODAYS_JOBS

PROJECT_APPS = {
    "core",
    "orgs",
    "accounts",
    "members",
    "benefits",
    "assistance",
    "democracy",
    "voice",
    "stats",
    "governance",
}
# The fold's "as of" time: every run stamps when it looked, so the page can say 截至; it is a
# clock, not data, and the only row a second run may touch.
HEARTBEATS = {"core.RollupState"}
WORK_SET_UP = TODAYS_JOBS  # each finds something to do on its first run over the prepared demo


def state() -> dict[str, str]:
    """A digest of every row of every table of the project's apps."""
    digests = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.label in HEARTBEATS:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        digests[model._meta.label] = digest
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


def prepare_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every job something to do: an audit row past retention, a 公示 just ended, last
    month's snapshot missing, a drifted counter in the sample (the demo's appeal and merchant
    deadlines are seeded so)."""
    from gonghui.orgs import tasks as org_tasks

    old = AuditEvent.objects.create(action="tests.old", target_label="四年前")
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=4 * 365)
    )
    case = HardshipCase.objects.filter(status=CaseStatus.PUBLICITY).first()
    assert case is not None, "the demo has a case in 公示"
    HardshipCase.objects.filter(pk=case.pk).update(
        publicity_end=timezone.localdate() - dt.timedelta(days=1)
    )
    Snapshot.objects.filter(label=month_just_ended(timezone.localdate())).delete()
    counter = OrgCounter.objects.filter(key__startswith="members.").order_by("pk").first()
    assert counter is not None
    OrgCounter.objects.filter(pk=counter.pk).update(value=counter.value + 3)
    monkeypatch.setattr(org_tasks, "COUNTER_SAMPLE", 1_000_000)  # every org of the demo


@pytest.mark.django_db
def test_every_declared_job_run_twice_changes_nothing_the_second_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_demo(size="small", seed=7)
    prepare_work(monkeypatch)
    declared = {job.name for job in periodic_jobs()}
    assert declared >= WORK_SET_UP
    for job in periodic_jobs():
        before = state()
        first_result = job.task.call()
        after_first = state()
        second_result = job.task.call()
        after_second = state()
        if job.name in WORK_SET_UP:
            assert changed(before, after_first), f"{job.name} found nothing to do"
        assert changed(after_first, after_second) == [], (
            f"{job.name} changed {changed(after_first, after_second)} on its second run "
            f"({first_result!r} then {second_result!r})"
        )


@pytest.mark.django_db
def test_the_demo_overdue_appeal_escalates_when_the_escalation_job_runs(
    django_capture_on_commit_callbacks: Any,
) -> None:
    seed_demo(size="small", seed=7)
    appeal = Appeal.objects.select_related("org__parent").get(title=OVERDUE_TITLE)
    today = timezone.localdate()
    assert appeal.org.code == GRASSROOTS and appeal.status == "submitted"
    assert appeal.escalate_due < today  # past its second deadline, not yet passed up
    parent = appeal.org.parent
    assert parent is not None

    with django_capture_on_commit_callbacks(execute=True):
        # As the scheduler does at a cron time (here the latest one, whenever the test runs).
        run = scheduler.fire(
            "voice.escalate_overdue", lock=scheduler.RowLock(), within=scheduler.CATCH_UP
        )
    assert run is not None
    run.refresh_from_db()
    assert run.status == JobRunStatus.SUCCEEDED, run.error
    assert int(run.result) >= 1

    appeal.refresh_from_db()
    assert appeal.org_id == parent.pk and appeal.escalations == 1
    step = history_of(appeal).get(transition=StepAction.ESCALATED)
    assert parent.name in step.reason
    assert JobRun.objects.filter(job="voice.escalate_overdue").count() == 1
