"""The selection engine (评选): a call cascades down with quotas, unions nominate, each level
recommends upward within its quota, the conferring level publishes (公示), answers objections and
approves. Every step is dated; moves go through core.workflow (honors.services.moves)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.crypto import EncryptedTextField, mask_id_number
from gonghui.core.scoping import ScopedManager
from gonghui.core.storage import private_storage
from gonghui.honors.models.catalogue import AwardType, CompositionRule, RecipientKind
from gonghui.members.models import Gender
from gonghui.orgs.models import Employer, Org


class CallStatus(models.TextChoices):
    OPEN = "open", _("推荐中")
    REVIEW = "review", _("审核中")
    PUBLICITY = "publicity", _("公示中")
    APPROVED = "approved", _("已表彰")
    CANCELLED = "cancelled", _("已撤销")


class AwardCall(models.Model):
    """评选: one cycle of one award type, issued by the conferring org (or, for a national
    award, by the province that recommends to the national level)."""

    award_type = models.ForeignKey(
        AwardType, verbose_name=_("荣誉类型"), on_delete=models.PROTECT, related_name="calls"
    )
    org = models.ForeignKey(
        Org, verbose_name=_("组织评选的工会"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("评选年度"))
    title = models.CharField(_("评选名称"), max_length=120)
    seats = models.PositiveIntegerField(_("表彰名额"))
    rule = models.ForeignKey(
        CompositionRule,
        verbose_name=_("人选结构要求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = FSMField(_("状态"), max_length=12, choices=CallStatus.choices, default=CallStatus.OPEN)
    issued_on = models.DateField(_("发布日期"))
    nominations_due = models.DateField(_("推荐截止"))
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    approved_on = models.DateField(_("表彰日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("评选")
        verbose_name_plural = _("评选")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title

    @transition(field=status, source=CallStatus.OPEN, target=CallStatus.REVIEW)
    def close_nominations(self) -> None:
        """推荐截止: the conferring level reviews the lists it received."""

    @transition(field=status, source=CallStatus.REVIEW, target=CallStatus.PUBLICITY)
    def publish(self) -> None:
        """公示 starts."""

    @transition(field=status, source=CallStatus.PUBLICITY, target=CallStatus.APPROVED)
    def approve(self) -> None:
        """The conferring level approves: certificates are numbered, honours enter the roster."""

    @transition(
        field=status,
        source=[CallStatus.OPEN, CallStatus.REVIEW, CallStatus.PUBLICITY],
        target=CallStatus.CANCELLED,
    )
    def cancel(self) -> None:
        pass


class Quota(models.Model):
    """The seats one org may recommend upward in a call; an org with seats cascades them to
    its children (their sum never above its own)."""

    call = models.ForeignKey(AwardCall, on_delete=models.CASCADE, related_name="quotas")
    org = models.ForeignKey(Org, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    seats = models.PositiveIntegerField(_("推荐名额"))
    given_by = models.ForeignKey(
        Org, verbose_name=_("分配单位"), on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("分配日期"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")
        ordering = ["org_path"]
        constraints = [
            models.UniqueConstraint(fields=["call", "org"], name="honors_one_quota_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.org_id}: {self.seats}"


class Submission(models.Model):
    """推荐上报: the list an org sends to its parent in a call, with the composition check's
    result and, when it did not hold, the audited override and its written reason."""

    call = models.ForeignKey(AwardCall, on_delete=models.CASCADE, related_name="submissions")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    to_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("上报日期"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    composition = models.JSONField(_("结构核验"), default=dict)
    override_reason = models.TextField(_("结构未达标说明"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("推荐上报")
        verbose_name_plural = _("推荐上报")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "org"], name="honors_one_submission_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.org_id}"


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("拟推荐")
    PROPOSED = "proposed", _("已上报")
    NOT_RECOMMENDED = "not_recommended", _("未被推荐")
    PUBLICITY = "publicity", _("公示中")
    CONFERRED = "conferred", _("已授予")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Nomination(models.Model):
    """A candidate: a person (from the member registry, or a non-member worker identified by
    ID), a team (an org) or a unit (an employer). ``org`` is the nominating union; ``at_org``
    the level whose list holds it now (it climbs one level per recommendation)."""

    call = models.ForeignKey(AwardCall, on_delete=models.CASCADE, related_name="nominations")
    org = models.ForeignKey(
        Org, verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255)
    at_org = models.ForeignKey(
        Org, verbose_name=_("当前层级"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("推荐对象"), max_length=8, choices=RecipientKind.choices)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("姓名/名称"), max_length=120)
    id_number = EncryptedTextField(
        _("身份证号码"), blank=True, default="", index_field="id_index", index_kind="id"
    )
    id_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    team = models.ForeignKey(
        Org,
        verbose_name=_("集体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField(_("职务/职称"), max_length=60, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    # The composition categories (DOMAIN.md §4).
    enterprise = models.BooleanField(_("企业人选"), default=False)
    front_line = models.BooleanField(_("一线职工"), default=False)
    enterprise_head = models.BooleanField(_("企业负责人"), default=False)
    farmer = models.BooleanField(_("农民"), default=False)
    migrant_worker = models.BooleanField(_("农民工"), default=False)
    deeds = models.TextField(_("主要事迹"))
    status = FSMField(
        _("状态"), max_length=16, choices=NominationStatus.choices, default=NominationStatus.DRAFT
    )
    nominated_on = models.DateField(_("推荐日期"))
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("推荐人选")
        verbose_name_plural = _("推荐人选")
        ordering = ["id"]
        indexes = [models.Index(fields=["org_path", "status"], name="honors_nom_path_status")]
        constraints = [
            # One candidacy per person per call (withdrawn ones aside).
            models.UniqueConstraint(
                fields=["call", "id_index"],
                condition=~models.Q(id_index="") & ~models.Q(status="withdrawn"),
                name="honors_one_candidacy_per_call",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    @transition(field=status, source=NominationStatus.DRAFT, target=NominationStatus.PROPOSED)
    def propose(self) -> None:
        """The nominating union sends it up on its list."""

    @transition(field=status, source=NominationStatus.PROPOSED, target=NominationStatus.PROPOSED)
    def recommend(self) -> None:
        """A level recommends it on to its parent (``at_org`` climbs)."""

    @transition(
        field=status,
        source=[NominationStatus.DRAFT, NominationStatus.PROPOSED],
        target=NominationStatus.NOT_RECOMMENDED,
    )
    def drop(self) -> None:
        """A level does not recommend it (over its quota, or not up to the award)."""

    @transition(
        field=status,
        source=[NominationStatus.DRAFT, NominationStatus.PROPOSED],
        target=NominationStatus.PUBLICITY,
    )
    def publish(self) -> None:
        """On the conferring level's list (its own candidates or those sent up to it)."""

    @transition(field=status, source=NominationStatus.PUBLICITY, target=NominationStatus.CONFERRED)
    def confer(self) -> None:
        pass

    @transition(
        field=status,
        source=[NominationStatus.PROPOSED, NominationStatus.PUBLICITY],
        target=NominationStatus.REJECTED,
    )
    def reject(self) -> None:
        pass

    @transition(
        field=status,
        source=[NominationStatus.DRAFT, NominationStatus.PROPOSED],
        target=NominationStatus.WITHDRAWN,
    )
    def withdraw(self) -> None:
        pass


class ConsultedBody(models.TextChoices):
    EMPLOYER = "employer", _("所在单位")
    PARTY = "party", _("党委(组织部门)")
    HR = "hr", _("人力资源社会保障部门")
    SAFETY = "safety", _("应急管理(安监)部门")
    POLICE = "police", _("公安部门")
    ENVIRONMENT = "environment", _("生态环境部门")
    TAX = "tax", _("税务部门")
    OTHER = "other", _("其他部门")


class Consultation(models.Model):
    """征求意见: one body's answer about a candidate, yes/no with its date."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="consultations"
    )
    body = models.CharField(_("征求意见单位"), max_length=12, choices=ConsultedBody.choices)
    agreed = models.BooleanField(_("同意"))
    answered_on = models.DateField(_("回复日期"))
    note = models.CharField(_("意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "body"], name="honors_one_answer_per_body"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}:{self.body}"


def evidence_path(instance: Any, filename: str) -> str:
    """A random name outside any public URL: files are served only by the scoped view."""
    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"honors/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """An evidence file of a candidate's deeds, encrypted at rest (core.storage)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to=evidence_path, storage=private_storage)
    original_name = models.CharField(_("文件名"), max_length=200)
    org_path = models.CharField(max_length=255, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("事迹材料")
        verbose_name_plural = _("事迹材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    """An objection received during 公示 (anonymous allowed: no author then, only the random
    follow-up code's hash); each must be answered before the call is approved."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")
    org_path = models.CharField(max_length=255, db_index=True)
    content = models.TextField(_("异议内容"))
    anonymous = models.BooleanField(_("匿名"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    follow_up_hash = models.CharField(max_length=64, blank=True)
    received_on = models.DateField(_("收到日期"))
    answer = models.TextField(_("核查答复"), blank=True)
    upheld = models.BooleanField(_("异议成立"), default=False)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.content[:20]

    @property
    def answered(self) -> bool:
        return self.answered_on is not None
