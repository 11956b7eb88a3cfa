"""The roster (荣誉库): one row per honour held, linked to the member record when the holder
is a member. Status changes (lapse at the end of the term, revocation) go through
core.workflow; the rows stay, so the roster keeps the history."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.crypto import EncryptedTextField, mask_id_number
from gonghui.core.scoping import ScopedManager
from gonghui.honors.models.catalogue import AwardType, ConferringLevel, RecipientKind
from gonghui.members.models import Gender
from gonghui.orgs.models import Employer, Org


class HonourStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    LAPSED = "lapsed", _("期满未确认")
    REVOKED = "revoked", _("已撤销")


class Honour(models.Model):
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("荣誉类型"), on_delete=models.PROTECT, related_name="honours"
    )
    # Copied from the type when conferred, so that the database itself refuses the same
    # national award twice to one person (the constraint below cannot join the type).
    level = models.CharField(_("层级"), max_length=10, choices=ConferringLevel.choices)
    national = models.BooleanField(_("全国性荣誉"), default=False)
    kind = models.CharField(_("授予对象"), max_length=8, choices=RecipientKind.choices)
    nomination = models.OneToOneField(
        "honors.Nomination",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="honour",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("姓名/名称"), max_length=120)
    id_number = EncryptedTextField(
        _("身份证号码"), blank=True, default="", index_field="id_index", index_kind="id"
    )
    id_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    front_line = models.BooleanField(_("一线职工"), default=False)
    migrant_worker = models.BooleanField(_("农民工"), default=False)
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
    # The holder's union: the roster is read through its subtree.
    org = models.ForeignKey(
        Org, verbose_name=_("所在工会"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255)
    conferring_org = models.ForeignKey(
        Org,
        verbose_name=_("授予机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conferring_body = models.CharField(_("授予机关名称"), max_length=120, blank=True)
    conferred_on = models.DateField(_("授予日期"))
    year = models.PositiveSmallIntegerField(_("评选年度"))
    certificate_no = models.CharField(_("证书编号"), max_length=40, unique=True)
    status = FSMField(
        _("状态"), max_length=10, choices=HonourStatus.choices, default=HonourStatus.ACTIVE
    )
    term_ends_on = models.DateField(_("管理期至"), null=True, blank=True)
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    # 困难劳模: shared with 困难职工帮扶 through the segment registry.
    in_hardship = models.BooleanField(_("困难劳模"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉库")
        ordering = ["-conferred_on", "-id"]
        indexes = [models.Index(fields=["org_path", "status"], name="honors_honour_path_status")]
        constraints = [
            # Not twice the same national award (DOMAIN.md §4), whatever became of the first.
            models.UniqueConstraint(
                fields=["award_type", "id_index"],
                condition=models.Q(national=True) & ~models.Q(id_index=""),
                name="honors_national_award_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.award_type}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    @transition(field=status, source=HonourStatus.ACTIVE, target=HonourStatus.LAPSED)
    def lapse(self) -> None:
        """The term ended without confirmation (非终身制)."""

    @transition(
        field=status, source=[HonourStatus.ACTIVE, HonourStatus.LAPSED], target=HonourStatus.REVOKED
    )
    def revoke(self) -> None:
        """撤销: decided by the conferring level; benefits stop from the decision date."""
