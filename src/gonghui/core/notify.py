"""Notifications (站内信, SMS, WeChat templates): one call for services, one backend per channel.

A service calls, inside its transaction::

    notify(template="members.join.approved", data={"org": org.name}, to_user=user, url=...)

which renders the subject and body from the message template registry, stores a
``Notification`` row, and enqueues its delivery *on commit* through the task queue
(``gonghui.core.tasks.deliver_notification``): a rolled-back transaction sends nothing.

The delivery task calls the backend of the row's channel, chosen by the setting
``GONGHUI_NOTIFY_BACKENDS`` (channel → dotted path of a class with ``send(notification)``), and
records the outcome on the row (``status``, ``sent_at``, ``error``). A failing backend marks the
row failed; it never raises into the caller.

Templates are registered by apps in ``AppConfig.ready()``::

    register_template("members.join.approved", _("入会申请已通过"), _("您已加入{org}。"))

They use ``str.format`` fields filled from ``data``. Rendered text is plain text: SMS sends it as
is, and the inbox page escapes it (Django autoescaping), so data never becomes HTML.

One-time codes go in ``secret`` instead of ``data``: the row (and the task queue, which stores
its arguments) keeps ``******`` in their place, and the message is delivered in-process right
after the commit, with the real text held in memory only (``notification.secret_text`` and
``notification.secret_data`` on the instance handed to the backend). The console backend prints
the real text only in demo mode (not ``GONGHUI_ENV=production``); a failed send is not retried
(the person asks for a new code).
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from gonghui.core.crypto import mask_phone
from gonghui.core.models import Notification, NotificationStatus
from gonghui.core.scoping import Actor

__all__ = [
    "BaseBackend",
    "ConsoleBackend",
    "DatabaseBackend",
    "MessageTemplate",
    "Notification",
    "NotificationStatus",
    "Notifier",
    "SmsBackend",
    "WeChatTemplateBackend",
    "deliver",
    "get_backend",
    "inbox_for",
    "notification_mark_all_read",
    "notification_mark_read",
    "notify",
    "register_template",
    "unread_count",
]

logger = logging.getLogger(__name__)

INBOX = "inbox"
SECRET_SHOWN = "******"  # what rows, logs and the inbox show of a one-time code


# --- backends ------------------------------------------------------------------------------------


class Notifier(Protocol):
    """A delivery backend: ``send`` delivers one notification or raises on failure."""

    def send(self, notification: Notification) -> None: ...


class BaseBackend:
    """Base class of the delivery backends. Instantiated once per delivery, without arguments;
    deployment settings (gateway URL, keys) are read from ``django.conf.settings``."""

    def send(self, notification: Notification) -> None:
        raise NotImplementedError(f"{type(self).__name__}.send() is not implemented")

    @staticmethod
    def plain_text(notification: Notification) -> str:
        """Subject and body on one line, as stored (one-time codes shown as ``******``)."""
        parts = [notification.subject, notification.body]
        return " ".join(" ".join(p.split()) for p in parts if p)

    @classmethod
    def text_to_send(cls, notification: Notification) -> str:
        """The text for the recipient: with its one-time codes, which only memory holds."""
        parts = getattr(notification, "secret_text", None)
        if parts is None:
            return cls.plain_text(notification)
        return " ".join(" ".join(p.split()) for p in parts if p)


class DatabaseBackend(BaseBackend):
    """站内信: the row itself is the message, shown on the recipient's inbox page."""

    def send(self, notification: Notification) -> None:
        if notification.recipient_id is None:
            raise ValueError("an inbox notification needs a recipient user")


class ConsoleBackend(BaseBackend):
    """Development: one line on stderr, the phone number masked; one-time codes only in demo
    mode, where the console stands in for the phone."""

    def send(self, notification: Notification) -> None:
        demo = not getattr(settings, "PRODUCTION", False)
        text = self.text_to_send(notification) if demo else self.plain_text(notification)
        if notification.recipient_id is not None:
            to = f"user:{notification.recipient_id}"
        else:
            to = mask_phone(notification.phone)
        sys.stderr.write(f"[notify] #{notification.pk} {notification.channel} to {to}: {text}\n")


class SmsBackend(BaseBackend):
    """Short messages through a deployment's gateway (运营商 or a cloud SMS service).

    A deployment subclasses it, implements ``send_sms`` with its gateway's client and points the
    ``sms`` channel at the subclass: ``GONGHUI_NOTIFY_BACKENDS["sms"] = "mysite.sms.Backend"``.
    Gateways that need pre-approved templates (短信模板) can override ``send`` instead and map
    ``notification.template`` and ``notification.data`` (with ``notification.secret_data``
    when present: the one-time code) to their template id and parameters.
    Raise on any failure: the row is marked failed with the error.
    """

    def send(self, notification: Notification) -> None:
        phone = notification.phone or getattr(notification.recipient, "phone", "")
        if not phone:
            raise ValueError("no phone number to send the short message to")
        self.send_sms(phone=phone, text=self.text_to_send(notification))

    def send_sms(self, *, phone: str, text: str) -> None:
        raise NotImplementedError("configure an SmsBackend subclass for the 'sms' channel")


class WeChatTemplateBackend(BaseBackend):
    """WeChat template messages (公众号模板消息 / 小程序订阅消息).

    A deployment subclasses it and implements ``send``: map ``notification.template`` to its
    WeChat template id, ``notification.data`` to the template's keywords, find the recipient's
    openid in its own binding table, and call the WeChat API; ``notification.url`` is the page to
    open. Configure it with ``GONGHUI_NOTIFY_BACKENDS["wechat"] = "mysite.wechat.Backend"``.
    Raise on any failure: the row is marked failed with the error.
    """

    def send(self, notification: Notification) -> None:
        raise NotImplementedError("configure a WeChatTemplateBackend subclass for 'wechat'")


def get_backend(channel: str) -> Notifier:
    backends: dict[str, str] = getattr(settings, "GONGHUI_NOTIFY_BACKENDS", {})
    try:
        path = backends[channel]
    except KeyError:
        raise ImproperlyConfigured(
            f"no backend for notification channel {channel!r} in GONGHUI_NOTIFY_BACKENDS"
        ) from None
    backend: Notifier = import_string(path)()
    return backend


# --- message templates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageTemplate:
    code: str
    subject: str | Promise
    body: str | Promise

    def render(self, data: dict[str, Any]) -> tuple[str, str]:
        """Subject and body in the active language, ``str.format`` fields filled from data."""
        try:
            return str(self.subject).format_map(data), str(self.body).format_map(data)
        except (KeyError, IndexError, AttributeError) as exc:
            raise ValueError(f"message template {self.code!r} needs data: {exc}") from exc


_templates: dict[str, MessageTemplate] = {}


def register_template(code: str, subject: str | Promise, body: str | Promise) -> None:
    """Register (or replace: idempotent by code) a message template; call from ``ready()``."""
    _templates[code] = MessageTemplate(code, subject, body)


def get_template(code: str) -> MessageTemplate:
    try:
        return _templates[code]
    except KeyError:
        raise LookupError(f"no message template {code!r}: register it in ready()") from None


# --- sending -------------------------------------------------------------------------------------


def notify(
    *,
    template: str,
    data: dict[str, Any],
    to_user: Actor | None = None,
    to_phone: str = "",
    channel: str = INBOX,
    url: str = "",
    secret: dict[str, Any] | None = None,
) -> Notification:
    """Store a notification and deliver it through ``channel`` once the transaction commits.

    ``secret``: template fields never stored (one-time codes), see the module docstring.
    Mistakes of the caller (unknown template or channel, missing data, no recipient, an
    absolute or ``javascript:`` url, a secret in the inbox) raise here, inside the caller's
    transaction.
    """
    if to_user is None and not to_phone:
        raise ValueError("a notification needs to_user or to_phone")
    if channel == INBOX and to_user is None:
        raise ValueError("an inbox notification needs to_user")
    if secret and channel == INBOX:
        raise ValueError("the inbox shows stored text: it cannot carry a secret")
    if url and not (
        url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    ):
        raise ValueError(f"notification url must be a local path: {url!r}")
    get_backend(channel)  # fail now, not in the worker, on an unknown channel
    message = get_template(template)
    subject, body = message.render({**data, **dict.fromkeys(secret or {}, SECRET_SHOWN)})
    notification = Notification.objects.create(
        recipient=to_user,
        phone=to_phone,
        channel=channel,
        template=template,
        data=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
        subject=subject[:200],
        body=body,
        url=url,
    )
    if secret:
        secret_text = message.render({**data, **secret})
        send = partial(_deliver_secret, notification.pk, dict(secret), secret_text)
        transaction.on_commit(send, robust=True)
    else:
        transaction.on_commit(partial(_enqueue_delivery, notification.pk), robust=True)
    return notification


def _deliver_secret(notification_id: int, secret: dict[str, Any], text: tuple[str, str]) -> None:
    deliver(notification_id, secret=secret, secret_text=text)


def _enqueue_delivery(notification_id: int) -> None:
    from gonghui.core.tasks import deliver_notification

    try:
        deliver_notification.enqueue(notification_id)
    except Exception as exc:  # the queue is down: the committed row must not stay silent
        logger.exception("could not enqueue notification %s", notification_id)
        Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.FAILED, error=f"enqueue: {exc!r}"[:2000]
        )


def deliver(
    notification_id: int,
    *,
    secret: dict[str, Any] | None = None,
    secret_text: tuple[str, str] | None = None,
) -> str:
    """Deliver one pending notification through its channel's backend; returns the new status.

    Called by the delivery task, or right after the commit for a message with one-time codes
    (``secret``, ``secret_text``: held in memory only). A failure is recorded on the row, never
    raised (nor logged with the real text). The final
    update is conditional on the row still being pending, so a duplicated task cannot turn a
    failure into a success or record two deliveries.
    """
    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=notification_id, status=NotificationStatus.PENDING)
        .first()
    )
    if notification is None:
        return "skipped"
    if secret_text is not None:
        notification.secret_data = secret or {}  # type: ignore[attr-defined]
        notification.secret_text = secret_text  # type: ignore[attr-defined]
    try:
        get_backend(notification.channel).send(notification)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        for value in (secret or {}).values():  # a gateway's error may echo the message
            error = error.replace(str(value), SECRET_SHOWN)
        logger.warning("notification %s failed: %s", notification_id, error)
        Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.FAILED, error=error[:2000]
        )
        return NotificationStatus.FAILED.value
    Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), error=""
    )
    return NotificationStatus.SENT.value


# --- the inbox -----------------------------------------------------------------------------------


def inbox_for(user: Any) -> QuerySet[Notification]:
    """The user's own 站内信, newest first. Fails closed: no user, no rows."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ValueError("inbox_for needs an authenticated user")
    return Notification.objects.filter(recipient=user, channel=INBOX).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def notification_mark_read(*, notification: Notification, actor: Actor) -> bool:
    """Mark one of the actor's own notifications read; returns whether it was unread.

    Not audited: reading one's own messages changes nothing of the union's records.
    """
    if notification.recipient_id != actor.pk:
        raise PermissionError("only the recipient may mark a notification read")
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    if changed:
        notification.read_at = now
    return bool(changed)


def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark all the actor's unread inbox notifications read; returns how many."""
    return inbox_for(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_read_for(*, actor: Actor, url: str) -> int:
    """Mark read the actor's unread notices that point at ``url``: opening the page a notice
    is about reads the notice (the member need not clear it again in the inbox)."""
    unread = inbox_for(actor).filter(url=url, read_at__isnull=True)
    return unread.update(read_at=timezone.now())
