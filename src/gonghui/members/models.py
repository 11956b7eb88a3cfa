"""The member registry: one real-name record per person in the installation (DOMAIN.md §2.6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.crypto import EncryptedTextField, mask_id_number, mask_phone
from gonghui.core.identifiers import IdType
from gonghui.orgs.models import Employer, Org


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    RETAINED = "retained", _("保留会籍")
    WITHDRAWN = "withdrawn", _("已退会")
    EXPELLED = "expelled", _("已开除")


class Member(models.Model):
    """A union member. ID and phone are encrypted; their blind indexes serve exact lookup and
    uniqueness (one person = one record, by ID type and number)."""

    id_type = models.CharField(_("证件类型"), max_length=12, choices=IdType.choices)
    id_number = EncryptedTextField(_("证件号码"), index_field="id_index", index_kind="id")
    id_index = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=20, blank=True)
    skill_level = models.CharField(_("技能等级"), max_length=20, blank=True)
    household_type = models.CharField(_("户籍类型"), max_length=20, blank=True)
    household_place = models.CharField(_("户籍所在地"), max_length=100, blank=True)
    employment_status = models.CharField(_("就业状况"), max_length=20, blank=True)
    migrant_worker = models.BooleanField(_("农民工"), default=False)
    new_employment = models.CharField(_("新就业形态"), max_length=20, blank=True)
    phone = EncryptedTextField(
        _("手机号码"), blank=True, default="", index_field="phone_index", index_kind="phone"
    )
    phone_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    union = models.ForeignKey(
        Org, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="members"
    )
    org_path = models.CharField(max_length=255)
    joined_on = models.DateField(_("入会时间"))
    card_no = models.CharField(_("会员卡号"), max_length=24, null=True, blank=True, unique=True)
    status = models.CharField(
        _("会籍状态"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    consent_at = models.DateTimeField(_("同意时间"))
    consent_purpose = models.CharField(_("收集目的"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["id_type", "id_index"], name="members_one_person")
        ]
        indexes = [
            # Scoped lists walk (org_path prefix, id) for keyset pagination at millions of rows.
            models.Index(fields=["org_path", "id"], name="members_path_id"),
            models.Index(fields=["name", "org_path"], name="members_name_path"),
            models.Index(fields=["id_index"], name="members_id_index"),
            models.Index(fields=["phone_index"], name="members_phone_index"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
