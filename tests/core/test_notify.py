"""core.notify: templates, backends by setting, delivery on commit through the task queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import override_settings

from gonghui.accounts.models import User
from gonghui.core import notify
from gonghui.core.models import Notification, NotificationStatus
from tests import factories

BACKENDS = {
    "inbox": "gonghui.core.notify.DatabaseBackend",
    "console": "gonghui.core.notify.ConsoleBackend",
}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class RecordingSmsBackend(notify.SmsBackend):
    """A deployment's gateway, as plugged in by setting."""

    sent: list[tuple[str, str, int]] = []

    def send_sms(self, *, phone: str, text: str) -> None:
        self.sent.append((phone, text, 0))


class BrokenGateway(notify.BaseBackend):
    def send(self, notification: Notification) -> None:
        raise ConnectionError("gateway timeout 504")


@pytest.fixture(autouse=True)
def _templates() -> Iterator[None]:
    saved = dict(notify._templates)
    notify.register_template("tests.greeting", "您好，{name}", "{org}于{day:%Y年%m月%d日}通知您。")
    notify.register_template("tests.plain", "通知", "{text}")
    RecordingSmsBackend.sent = []
    yield
    notify._templates.clear()
    notify._templates.update(saved)


@pytest.fixture
def user(db: None) -> User:
    return factories.make_account(username="notified")


def send(capture: Any, **kwargs: Any) -> Notification:
    with capture(execute=True), transaction.atomic():
        n = notify.notify(**kwargs)
    n.refresh_from_db()
    return n


def test_notify_renders_the_template_and_delivers_to_the_inbox_on_commit(
    user: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            n = notify.notify(
                template="tests.greeting",
                data={"name": "张三", "org": "东区总工会", "day": dt.date(2026, 10, 9)},
                to_user=user,
                url="/m/",
            )
        assert n.status == NotificationStatus.PENDING
    assert (n.subject, n.body) == ("您好，张三", "东区总工会于2026年10月09日通知您。")
    assert n.data == {"name": "张三", "org": "东区总工会", "day": "2026-10-09"}
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: enqueue (the test queue runs it at once)
    n.refresh_from_db()
    assert n.status == NotificationStatus.SENT and n.sent_at is not None and n.error == ""
    assert (n.recipient, n.channel, n.url, n.read_at) == (user, "inbox", "/m/", None)


def test_a_rolled_back_transaction_sends_nothing(
    user: User, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        mock.patch.object(notify, "_enqueue_delivery") as enqueue,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify.notify(template="tests.plain", data={"text": "x"}, to_user=user)
        raise RuntimeError("the service failed after notifying")
    assert callbacks == []
    enqueue.assert_not_called()
    assert not Notification.objects.exists()


def test_delivery_goes_through_the_task_queue(
    user: User, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks import default_task_backend

    with override_settings(TASKS=DUMMY_TASKS):
        n = send(
            django_capture_on_commit_callbacks,
            template="tests.plain",
            data={"text": "x"},
            to_user=user,
        )
        results = default_task_backend.results  # type: ignore[attr-defined]
    assert [(r.task.name, r.args) for r in results] == [("deliver_notification", [n.pk])]
    assert n.status == NotificationStatus.PENDING  # the worker has not run yet


@override_settings(GONGHUI_NOTIFY_BACKENDS={**BACKENDS, "sms": f"{__name__}.RecordingSmsBackend"})
def test_a_backend_configured_by_setting_receives_the_notification(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    n = send(
        django_capture_on_commit_callbacks,
        template="tests.plain",
        data={"text": "您的帮扶申请已受理。"},
        to_phone="13912345678",
        channel="sms",
    )
    assert RecordingSmsBackend.sent == [("13912345678", "通知 您的帮扶申请已受理。", 0)]
    assert n.status == NotificationStatus.SENT
    assert n.phone == "13912345678"  # stored encrypted (EncryptedTextField)


@override_settings(GONGHUI_NOTIFY_BACKENDS={**BACKENDS, "sms": f"{__name__}.BrokenGateway"})
def test_a_failing_backend_marks_the_row_failed_without_raising_into_the_caller(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    n = send(
        django_capture_on_commit_callbacks,
        template="tests.plain",
        data={"text": "x"},
        to_phone="13912345678",
        channel="sms",
    )
    assert n.status == NotificationStatus.FAILED
    assert n.error == "ConnectionError: gateway timeout 504"
    assert n.sent_at is None


@override_settings(
    GONGHUI_NOTIFY_BACKENDS={
        **BACKENDS,
        "sms": "gonghui.core.notify.SmsBackend",
        "wechat": "gonghui.core.notify.WeChatTemplateBackend",
    }
)
@pytest.mark.parametrize("channel", ["sms", "wechat"])
def test_the_sms_and_wechat_base_classes_must_be_subclassed_by_a_deployment(
    user: User, django_capture_on_commit_callbacks: Any, channel: str
) -> None:
    n = send(
        django_capture_on_commit_callbacks,
        template="tests.plain",
        data={"text": "x"},
        to_user=user,
        to_phone="13912345678",
        channel=channel,
    )
    assert n.status == NotificationStatus.FAILED
    assert n.error.startswith("NotImplementedError")


def test_the_console_backend_writes_one_line_with_the_phone_masked(
    db: None, django_capture_on_commit_callbacks: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    n = send(
        django_capture_on_commit_callbacks,
        template="tests.plain",
        data={"text": "第一行\n第二行"},
        to_phone="13912345678",
        channel="console",
    )
    err = capsys.readouterr().err
    assert n.status == NotificationStatus.SENT
    assert err == f"[notify] #{n.pk} console to 139******78: 通知 第一行 第二行\n"
    assert "13912345678" not in err


def test_an_unreachable_queue_marks_the_row_failed_after_the_commit(
    user: User, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        override_settings(TASKS=DUMMY_TASKS),
        mock.patch(
            "django_tasks.backends.dummy.DummyBackend.enqueue",
            side_effect=ConnectionError("redis down"),
        ),
    ):
        n = send(
            django_capture_on_commit_callbacks,
            template="tests.plain",
            data={"text": "x"},
            to_user=user,
        )
    assert n.status == NotificationStatus.FAILED and "redis down" in n.error


def test_deliver_skips_what_is_no_longer_pending(user: User) -> None:
    n = Notification.objects.create(
        recipient=user, channel="inbox", template="t", status=NotificationStatus.SENT
    )
    assert notify.deliver(n.pk) == "skipped"
    assert notify.deliver(n.pk + 1000) == "skipped"


def test_an_inbox_row_without_recipient_fails_at_delivery(db: None) -> None:
    n = Notification.objects.create(phone="13912345678", channel="inbox", template="t")
    assert notify.deliver(n.pk) == "failed"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"template": "tests.plain", "data": {"text": "x"}}, ValueError),
        ({"template": "tests.plain", "data": {"text": "x"}, "to_phone": "139"}, ValueError),
        ({"template": "tests.nope", "data": {}, "to_user": True}, LookupError),
        ({"template": "tests.greeting", "data": {"name": "x"}, "to_user": True}, ValueError),
        (
            {"template": "tests.plain", "data": {"text": "x"}, "to_user": True, "channel": "fax"},
            ImproperlyConfigured,
        ),
        (
            {"template": "tests.plain", "data": {"text": "x"}, "to_user": True, "url": "//x.cn/"},
            ValueError,
        ),
        (
            {
                "template": "tests.plain",
                "data": {"text": "x"},
                "to_user": True,
                "url": "javascript:alert(1)",
            },
            ValueError,
        ),
    ],
)
def test_callers_mistakes_raise_in_the_callers_transaction(
    user: User, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    if kwargs.get("to_user") is True:
        kwargs["to_user"] = user
    with pytest.raises(error):
        notify.notify(**kwargs)
    assert not Notification.objects.exists()


def test_templates_are_idempotent_by_code() -> None:
    notify.register_template("tests.plain", "甲", "{text}")
    notify.register_template("tests.plain", "乙", "{text}")
    assert notify.get_template("tests.plain").render({"text": "正文"}) == ("乙", "正文")


def test_rendered_text_is_not_escaped_for_sms() -> None:
    assert notify.get_template("tests.plain").render({"text": "<b>A&B</b>"}) == (
        "通知",
        "<b>A&B</b>",
    )


def test_mark_read_and_mark_all_read_touch_only_the_actors_rows(user: User) -> None:
    other = factories.make_account()
    mine = [Notification.objects.create(recipient=user, channel="inbox") for _ in range(3)]
    theirs = Notification.objects.create(recipient=other, channel="inbox")
    assert notify.unread_count(user) == 3
    assert notify.notification_mark_read(notification=mine[0], actor=user) is True
    assert notify.notification_mark_read(notification=mine[0], actor=user) is False
    with pytest.raises(PermissionError):
        notify.notification_mark_read(notification=theirs, actor=user)
    assert notify.notification_mark_all_read(actor=user) == 2
    assert notify.unread_count(user) == 0
    assert notify.unread_count(other) == 1


CODE = "864209"


def send_secret(capture: Any, channel: str) -> Notification:
    return send(
        capture,
        template="tests.plain",
        data={},
        secret={"text": CODE},
        to_phone="13912345678",
        channel=channel,
    )


class EchoingGateway(notify.SmsBackend):
    def send_sms(self, *, phone: str, text: str) -> None:
        raise ConnectionError(f"rejected: {text}")


@override_settings(GONGHUI_NOTIFY_BACKENDS={**BACKENDS, "sms": f"{__name__}.RecordingSmsBackend"})
def test_a_secret_reaches_the_gateway_but_no_row_and_no_queue(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        override_settings(TASKS=DUMMY_TASKS),
        mock.patch("django_tasks.backends.dummy.DummyBackend.enqueue") as enqueue,
    ):
        n = send_secret(django_capture_on_commit_callbacks, "sms")
    assert RecordingSmsBackend.sent == [("13912345678", f"通知 {CODE}", 0)]
    assert n.status == NotificationStatus.SENT and not enqueue.called  # the queue stores args
    assert CODE not in f"{n.subject}{n.body}{n.data}{n.error}" and n.body == "******"


@override_settings(GONGHUI_NOTIFY_BACKENDS={**BACKENDS, "sms": f"{__name__}.EchoingGateway"})
def test_a_failing_gateway_s_error_never_records_or_logs_the_secret(
    db: None, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    n = send_secret(django_capture_on_commit_callbacks, "sms")
    assert n.status == NotificationStatus.FAILED and n.error.startswith("ConnectionError")
    assert CODE not in n.error and CODE not in caplog.text and "******" in caplog.text


@pytest.mark.parametrize(("production", "shown"), [(False, True), (True, False)])
def test_the_console_prints_a_secret_only_in_demo_mode(
    db: None,
    django_capture_on_commit_callbacks: Any,
    capsys: pytest.CaptureFixture[str],
    production: bool,
    shown: bool,
) -> None:
    with override_settings(PRODUCTION=production):
        send_secret(django_capture_on_commit_callbacks, "console")
    err = capsys.readouterr().err
    assert (CODE in err) is shown and ("通知 ******" in err) is not shown


def test_the_inbox_refuses_a_secret(user: User) -> None:
    with pytest.raises(ValueError, match="secret"):
        notify.notify(template="tests.plain", data={}, secret={"text": CODE}, to_user=user)
    assert not Notification.objects.exists()
