"""Issue 15 deliverable 4: the superuser's 定时任务 page — every job, its schedule in words,
last run and outcome with the error, next run — and 立即运行 (POST, CSRF, audited). The page
does not exist for anyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.audit import AuditEvent
from gonghui.core.models import JobRun, JobRunStatus
from gonghui.core.schedule import periodic_jobs
from tests import factories
from tests.conftest import Cast
from tests.core.conftest import FAILS

pytestmark = pytest.mark.django_db


def admin_client() -> tuple[Client, Any]:
    admin = factories.superuser()
    client = Client()
    client.force_login(admin)
    return client, admin


def test_the_superuser_sees_every_job_with_schedule_last_outcome_and_next_run(
    recorder_job: str,
) -> None:
    JobRun.objects.create(
        job=recorder_job,
        status=JobRunStatus.FAILED,
        error="Traceback (most recent call last):\n  ...\nRuntimeError: 数据源暂时不可用\n",
    )
    client, _ = admin_client()
    page = client.get(reverse("core:schedule")).content.decode()
    for job in periodic_jobs():
        assert f'data-job="{job.name}"' in page
        assert str(job.description) in page
        assert job.schedule_text() in page
    assert "每 15 分钟" in page and "每天 03:30" in page
    assert "RuntimeError: 数据源暂时不可用" in page and "失败" in page
    assert "尚未运行" in page  # the jobs with no run yet
    assert page.count("立即运行") >= len(periodic_jobs())
    detail = client.get(reverse("core:schedule_job", args=[recorder_job])).content.decode()
    assert "数据源暂时不可用" in detail and "测试任务" in detail


def test_run_now_enqueues_the_job_records_who_asked_and_audits_it(
    recorder_job: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client, admin = admin_client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:schedule_run", args=[recorder_job]))
    assert response.status_code == 302
    run = JobRun.objects.get(job=recorder_job)
    assert run.manual and run.triggered_by == admin and run.scheduled_for is None
    assert run.status == JobRunStatus.SUCCEEDED  # the test backend runs it at once
    event = AuditEvent.objects.get(action="core.schedule.run_requested")
    assert event.actor == admin and event.target_label == recorder_job
    page = client.get(reverse("core:schedule")).content.decode()
    assert "手动运行" in page and "成功" in page


def test_run_now_needs_a_post_with_the_csrf_token(recorder_job: str) -> None:
    admin = factories.superuser()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    url = reverse("core:schedule_run", args=[recorder_job])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not JobRun.objects.exists()


def test_the_pages_do_not_exist_for_officers_and_log_in_anonymous_users(
    cast: Cast,
    recorder_job: str,
) -> None:
    urls = [
        reverse("core:schedule"),
        reverse("core:schedule_job", args=[recorder_job]),
    ]
    client = Client()
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(cast.province_officer)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("core:schedule_run", args=[recorder_job])).status_code == 404
    assert not JobRun.objects.exists()
    assert "定时任务" not in client.get(reverse("core:home")).content.decode()
    admin_client_, _ = admin_client()
    assert "定时任务" in admin_client_.get(reverse("core:home")).content.decode()


def test_an_unknown_job_is_a_404() -> None:
    client, _ = admin_client()
    assert client.get(reverse("core:schedule_job", args=["nope.nothing"])).status_code == 404
    assert client.post(reverse("core:schedule_run", args=["nope.nothing"])).status_code == 404
    assert FAILS["left"] == 0
