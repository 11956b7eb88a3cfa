"""Models of the app (see DESIGN.md): appeals (诉求) and chairman's-mailbox letters with their
trail, categories with their deadlines as data, rationalization proposals and forums.

A signed appeal keeps its member's ``owner_key`` (an HMAC of the account id, see
``voice.identity``) for "my appeals". An anonymous appeal keeps no per-person value at all: its
author follows it with a random 查询码 of which only the hash, ``follow_digest``, is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.crypto import EncryptedTextField, mask_phone
from gonghui.core.scoping import ScopedManager
from gonghui.core.storage import private_storage
from gonghui.orgs.models import Org


class AppealCategory(models.Model):
    """A category with its deadlines (DESIGN.md rule 10: configuration is data)."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    accept_days = models.PositiveSmallIntegerField(_("受理时限（工作日）"), default=3)
    reply_days = models.PositiveSmallIntegerField(_("答复时限（工作日）"), default=15)
    escalate_days = models.PositiveSmallIntegerField(_("逾期移交上级（逾期后工作日）"), default=5)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class AppealKind(models.TextChoices):
    APPEAL = "appeal", _("诉求")
    LETTER = "letter", _("主席信箱")


class Channel(models.TextChoices):
    PHONE = "phone", _("会员手机端")
    HOTLINE = "hotline", _("12351热线")
    LETTER = "letter", _("来信")
    BOX = "box", _("意见箱")
    VISIT = "visit", _("来访")
    CONGRESS = "congress", _("职代会提案")
    FORUM = "forum", _("座谈会")


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    DECLINED = "declined", _("不予受理")


OPEN_STATES = (AppealStatus.SUBMITTED, AppealStatus.ACCEPTED)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Appeal(models.Model):
    kind = models.CharField(
        _("类型"), max_length=10, choices=AppealKind.choices, default=AppealKind.APPEAL
    )
    category = models.ForeignKey(
        AppealCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"))
    source = models.CharField(_("来源"), max_length=100, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    # Named appeals only: who raised it (a registered member, or a caller typed in by an officer).
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("提出人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    # The member's own link, signed appeals only (see the module docstring).
    owner_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # Anonymous appeals only: SHA-256 of the random 查询码 its author keeps.
    follow_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The officer who entered it on someone's behalf (hotline, letter, box).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    org = models.ForeignKey(
        Org, verbose_name=_("办理工会"), on_delete=models.PROTECT, related_name="+"
    )
    # Path ranges only (core.scoping.prefix_q): org_path is served by voice_appeal_path_status,
    # origin_path by a plain btree (db_index=True would add an unused pattern-ops twin).
    org_path = models.CharField(max_length=255)
    origin_path = models.CharField(max_length=255)
    department = models.CharField(_("转办部门"), max_length=100, blank=True)
    status = FSMField(
        _("状态"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED
    )
    received_on = models.DateField(_("收到日期"))
    accept_due = models.DateField(_("受理期限"))
    reply_due = models.DateField(_("答复期限"))
    escalate_due = models.DateField(_("移交上级期限"))
    deadline_rule = models.CharField(_("期限依据"), max_length=255, blank=True)
    deadline_confirmed = models.BooleanField(default=True)
    escalations = models.PositiveSmallIntegerField(_("移交上级次数"), default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("答复意见"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by_org = models.CharField(max_length=120, blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=300, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    on_time = models.BooleanField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        indexes = [
            models.Index(fields=["org_path", "status"], name="voice_appeal_path_status"),
            models.Index(fields=["status", "escalate_due"], name="voice_appeal_status_esc"),
            models.Index(fields=["origin_path"], name="voice_appeal_origin_path"),
        ]

    # The 查询码 in clear, set only on the instance the submitting service returns so that the
    # page can show it once; never a field, never stored.
    follow_code: str = ""

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("voice:detail", args=[self.pk])

    @property
    def number(self) -> str:
        prefix = "XX" if self.kind == AppealKind.LETTER else "SQ"
        return f"{prefix}{self.pk or 0:07d}"

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""

    @property
    def submitter_label(self) -> str:
        """What every officer's page shows as the submitter (never identity when anonymous)."""
        if self.anonymous:
            return str(_("匿名"))
        return self.contact_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def current_due(self) -> object:
        if self.status == AppealStatus.SUBMITTED:
            return self.accept_due
        if self.status == AppealStatus.ACCEPTED:
            return self.reply_due
        return None

    # --- transitions, called by services under a row lock ----------------------------------

    @transition(field=status, source=AppealStatus.SUBMITTED, target=AppealStatus.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=AppealStatus.SUBMITTED, target=AppealStatus.DECLINED)
    def decline(self) -> None:
        pass

    @transition(field=status, source=list(OPEN_STATES), target=AppealStatus.SUBMITTED)
    def transfer(self) -> None:
        """To another union: it starts again there, with fresh deadlines."""

    @transition(field=status, source=list(OPEN_STATES), target=AppealStatus.SUBMITTED)
    def escalate(self) -> None:
        """Overdue past the second deadline: it passes to the parent union."""

    @transition(field=status, source=list(OPEN_STATES), target=AppealStatus.REPLIED)
    def answer(self) -> None:
        pass

    @transition(field=status, source=AppealStatus.REPLIED, target=AppealStatus.CLOSED)
    def close(self) -> None:
        pass

    @transition(
        field=status,
        source=[AppealStatus.REPLIED, AppealStatus.CLOSED],
        target=AppealStatus.ACCEPTED,
        conditions=[lambda a: a.reopened < 1],  # type: ignore[attr-defined]
    )
    def reopen(self) -> None:
        pass


class StepAction(models.TextChoices):
    SUBMITTED = "submitted", _("提出")
    ENTERED = "entered", _("代为登记")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理")
    TRANSFERRED = "transferred", _("转办")
    DEPARTMENT = "department", _("转交部门")
    ESCALATED = "escalated", _("逾期移交上级")
    REPLIED = "replied", _("书面答复")
    RATED = "rated", _("评价")
    REOPENED = "reopened", _("重新办理")
    HANDED_OFF = "handed_off", _("提案转入")


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="voice/%Y/%m/", storage=private_storage)
    name = models.CharField(_("文件名"), max_length=120)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


__all__ = [
    "Appeal",
    "AppealAttachment",
    "AppealCategory",
    "AppealKind",
    "AppealStatus",
    "Channel",
    "Rating",
    "StepAction",
]
