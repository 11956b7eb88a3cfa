"""A periodic job for the scheduler tests: registered for the test only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tasks import task

from gonghui.core.audit import AuditEvent, audit_record, register_audit_actions
from gonghui.core.schedule import register_periodic, unregister_periodic

RECORDER = "tests.recorder"
TODAYS_JOBS = {  # issue 15: the periodic duties the platform had when the scheduler came
    "voice.escalate_overdue",
    "assistance.end_publicity",
    "benefits.agreement_reminders",
    "core.notify_overdue",
    "stats.monthly_snapshot",
    "core.prune_audit",
    "orgs.counters_check",
}
FAILS = {"left": 0}
register_audit_actions({"tests.schedule.ran": "测试任务已运行"})


@task()
def record_a_run() -> str:
    """One audit row per execution; raises while ``FAILS["left"]`` is above zero."""
    if FAILS["left"] > 0:
        FAILS["left"] -= 1
        raise RuntimeError("数据源暂时不可用")
    audit_record(action="tests.schedule.ran", actor=None, target_label="ran")
    return "ran"


def ran() -> int:
    return AuditEvent.objects.filter(action="tests.schedule.ran").count()


@pytest.fixture
def recorder_job() -> Iterator[str]:
    register_periodic(RECORDER, record_a_run, cron="*/5 * * * *", description="测试任务")
    FAILS["left"] = 0
    yield RECORDER
    unregister_periodic(RECORDER)
    FAILS["left"] = 0
