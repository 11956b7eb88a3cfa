"""Motions (提案) and their handling: co-signers, 承办部门, reply, rating, milestones."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.scoping import ScopedManager
from gonghui.democracy.models.congress import Congress, Delegate, Session
from gonghui.orgs.models import Org

__all__ = [
    "Department",
    "Milestone",
    "Motion",
    "MotionSigner",
    "MotionState",
    "Rating",
]


class Department(models.Model):
    """A department of the enterprise that handles (承办) motions."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="democracy_departments")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("部门名称"), max_length=80)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("承办部门")
        verbose_name_plural = _("承办部门")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="democracy_department_unique")
        ]

    def __str__(self) -> str:
        return self.name


class MotionState(models.TextChoices):
    DRAFT = "draft", _("征集附议")
    SUBMITTED = "submitted", _("待审查")
    ACCEPTED = "accepted", _("已立案")
    RETURNED = "returned", _("已退回")
    CONVERTED = "converted", _("转意见建议")
    ASSIGNED = "assigned", _("承办中")
    REPLIED = "replied", _("已答复")
    IMPLEMENTING = "implementing", _("落实中")
    COMPLETED = "completed", _("已落实")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Motion(models.Model):
    """一事一议: one matter per motion. Changed only by services in motions.py (row lock + log)."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="motions")
    session = models.ForeignKey(
        Session,
        verbose_name=_("会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="motions",
    )
    org_path = models.CharField(max_length=255, db_index=True)
    number = models.PositiveIntegerField(_("立案号"), null=True, blank=True)
    title = models.CharField(_("案由"), max_length=150)
    content = models.TextField(_("理由和建议"))
    proposer = models.ForeignKey(
        Delegate, verbose_name=_("提案人"), on_delete=models.RESTRICT, related_name="motions"
    )
    state = FSMField(
        _("状态"), max_length=16, choices=MotionState.choices, default=MotionState.DRAFT
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    appeal_ref = models.CharField(_("转办诉求"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="motions",
    )
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    due_rule = models.CharField(_("期限依据"), max_length=300, blank=True)
    # False when the due date ran over a year whose holidays are not published yet (rule 5).
    due_confirmed = models.BooleanField(default=True)
    reply = models.TextField(_("答复"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True once a reply was judged on time; the first reply counts for the on-time rate.
    replied_on_time = models.BooleanField(null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    reopened = models.BooleanField(_("已重新办理"), default=False)
    progress = models.PositiveSmallIntegerField(_("落实进度(%)"), default=0)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        if self.number:
            return str(_("第%(n)d号") % {"n": self.number})
        return str(_("草稿%(pk)d") % {"pk": self.pk})

    @transition(field=state, source=MotionState.DRAFT, target=MotionState.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=state, source=MotionState.SUBMITTED, target=MotionState.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=state, source=MotionState.SUBMITTED, target=MotionState.RETURNED)
    def return_(self) -> None:
        pass

    @transition(field=state, source=MotionState.SUBMITTED, target=MotionState.CONVERTED)
    def convert(self) -> None:
        pass

    @transition(field=state, source=MotionState.ACCEPTED, target=MotionState.ASSIGNED)
    def assign(self) -> None:
        pass

    @transition(field=state, source=MotionState.ASSIGNED, target=MotionState.REPLIED)
    def answer(self) -> None:
        pass

    @transition(field=state, source=MotionState.REPLIED, target=MotionState.IMPLEMENTING)
    def close_rating(self) -> None:
        pass

    @transition(field=state, source=MotionState.REPLIED, target=MotionState.ASSIGNED)
    def reopen(self) -> None:
        pass

    @transition(field=state, source=MotionState.IMPLEMENTING, target=MotionState.COMPLETED)
    def complete(self) -> None:
        pass


class MotionSigner(models.Model):
    """A co-signer (附议人)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="signers")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="seconded")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["motion", "delegate"], name="democracy_signer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.motion_id}/{self.delegate_id}"


class Milestone(models.Model):
    """A step of implementing an accepted motion, with the share of the work done after it."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("落实事项"), max_length=150)
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"))
    done_on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_on", "pk"]

    def __str__(self) -> str:
        return self.title
