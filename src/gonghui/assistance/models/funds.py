"""Assistance records, campaigns (送温暖, 金秋助学), civil-affairs lists; the funds they pay from
are the core ledger's (gonghui.core.ledger, ADR 0022)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.crypto import EncryptedTextField, mask_student_id
from gonghui.core.models_ledger import MONEY
from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Org


class FundKind(models.TextChoices):
    """The fund purposes this module registers with the core ledger (apps.py)."""

    SPECIAL = "special", _("困难职工帮扶专项资金")
    DONATION = "donation", _("社会捐赠")
    CAMPAIGN = "campaign", _("送温暖资金")
    STUDENT = "student", _("金秋助学资金")


class CampaignKind(models.TextChoices):
    WARMTH = "warmth", _("送温暖")
    STUDENT = "student", _("金秋助学")


class Campaign(models.Model):
    """送温暖 or 金秋助学 of one year, launched by an org for its subtree."""

    kind = models.CharField(_("活动类型"), max_length=8, choices=CampaignKind.choices)
    name = models.CharField(_("活动名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    org = models.ForeignKey(Org, verbose_name=_("发起单位"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    # 金秋助学 amounts by stage × 建档 status (DOMAIN.md §3, 天门 2024), editable per campaign.
    rates = models.JSONField(_("资助标准"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("帮扶活动")
        verbose_name_plural = _("帮扶活动")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name


class Allotment(models.Model):
    """The budget an org holds in a campaign: the root's from the launching org, each other
    from its parent's allotment. ``allotted`` (passed to children) + ``spent`` ≤ ``amount``."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="allotments")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    amount = models.DecimalField(_("分配额度"), **MONEY)
    allotted = models.DecimalField(_("已下拨"), default=Decimal(0), **MONEY)
    spent = models.DecimalField(_("已发放"), default=Decimal(0), **MONEY)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("经费分配")
        verbose_name_plural = _("经费分配")
        ordering = ["org_path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="assist_one_allotment"),
            models.CheckConstraint(
                condition=models.Q(
                    allotted__gte=0,
                    spent__gte=0,
                    amount__gte=models.F("allotted") + models.F("spent"),
                ),
                name="assist_allotment_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.org_id}"

    @property
    def available(self) -> Decimal:
        return self.amount - self.allotted - self.spent


class AidKind(models.TextChoices):
    CASH = "cash", _("资金帮扶")
    GOODS = "goods", _("物资帮扶")
    MEDICAL = "medical", _("医疗救助")
    SCHOOLING = "schooling", _("助学")
    EMPLOYMENT = "employment", _("就业帮扶")


class WarmthGroup(models.TextChoices):
    """送温暖 recipient groups of the 2020 全总 notice (DOMAIN.md §3)."""

    HARDSHIP = "hardship", _("困难职工家庭")
    ILLNESS = "illness", _("患重病或遭受灾害的职工")
    WAGES = "wages", _("工资被降低或拖欠的职工")
    INJURY = "injury", _("工伤致残职工和因公牺牲职工家属")
    FRONTLINE = "frontline", _("一线艰苦岗位职工")
    HOLIDAY = "holiday", _("春节坚守岗位职工")


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("待发放")
    PAID = "paid", _("已发放")
    CANCELLED = "cancelled", _("已取消")


class AssistanceRecord(models.Model):
    """帮扶记录: one help given to a household (or a student) from a fund, maybe in a campaign.
    Duplicates across levels within a campaign are flagged before payment (RecipientKey)."""

    case = models.ForeignKey(
        "HardshipCase", null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    recipient_name = models.CharField(_("领取人"), max_length=50)
    kind = models.CharField(_("帮扶方式"), max_length=10, choices=AidKind.choices)
    group = models.CharField(
        _("慰问对象类别"), max_length=10, choices=WarmthGroup.choices, blank=True, default=""
    )
    amount = models.DecimalField(_("金额（物资折价）"), **MONEY)
    description = models.CharField(_("内容"), max_length=200, blank=True)
    fund = models.ForeignKey("core.Fund", verbose_name=_("资金来源"), on_delete=models.PROTECT)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    org = models.ForeignKey(Org, verbose_name=_("发放单位"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    status = FSMField(
        _("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_cleared = models.CharField(_("重复核实说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)

    objects = ScopedManager()
    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="assist_record_positive")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.amount}"

    @property
    def flagged(self) -> bool:
        return self.duplicate_of_id is not None and not self.duplicate_cleared

    # --- moved by assistance.services.funds through core.workflow (ADR 0021) ----------------

    @transition(field=status, source=RecordStatus.PENDING, target=RecordStatus.PAID)
    def pay(self) -> None:
        """发放: the fund is debited in the same transaction."""

    @transition(field=status, source=RecordStatus.PENDING, target=RecordStatus.CANCELLED)
    def cancel(self) -> None:
        pass


class RecipientKey(models.Model):
    """Blind indexes of the people a record helps (the head and the household members): the
    cross-check finds the same person in another record of the campaign, at any level."""

    record = models.ForeignKey(AssistanceRecord, on_delete=models.CASCADE, related_name="keys")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    index = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["campaign", "index"], name="assist_recipient_key")]

    def __str__(self) -> str:
        return self.index[:8]


class Stage(models.TextChoices):
    HIGHER = "higher", _("高等教育")
    SENIOR = "senior", _("高中阶段")


class Exclusion(models.TextChoices):
    NONE = "", _("无")
    MILITARY = "military", _("军事院校")
    FREE_TEACHER = "free_teacher", _("公费师范生")
    DIRECTED = "directed", _("定向生")
    FUNDED = "funded", _("已获其他资助")
    PRIVATE_FEES = "private_fees", _("高收费民办学校")


class StudentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已核定")
    EXCLUDED = "excluded", _("不予资助")
    PAID = "paid", _("已发放")


class StudentApplication(models.Model):
    """金秋助学 application: the amount follows stage × the parent's 建档 status."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="students")
    case = models.ForeignKey(
        "HardshipCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    parent_name = models.CharField(_("职工姓名"), max_length=50)
    student_name = models.CharField(_("学生姓名"), max_length=50)
    student_id = EncryptedTextField(_("学生身份证号"), index_field="student_index", index_kind="id")
    student_index = models.CharField(max_length=64, db_index=True)
    school = EncryptedTextField(_("学校"))
    stage = models.CharField(_("学段"), max_length=8, choices=Stage.choices)
    tuition = models.DecimalField(_("学费"), **MONEY)
    archived = models.BooleanField(_("建档职工子女"), default=False)
    amount = models.DecimalField(_("资助金额"), default=Decimal(0), **MONEY)
    exclusion = models.CharField(
        _("排除情形"), max_length=14, choices=Exclusion.choices, blank=True, default=""
    )
    status = FSMField(
        _("状态"), max_length=10, choices=StudentStatus.choices, default=StudentStatus.PENDING
    )
    record = models.ForeignKey(
        AssistanceRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("金秋助学申请")
        verbose_name_plural = _("金秋助学申请")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.student_name

    @property
    def masked_student_id(self) -> str:
        return mask_student_id(self.student_id)

    # --- moved by assistance.services.campaigns through core.workflow (ADR 0021) --------------

    @transition(field=status, source=StudentStatus.PENDING, target=StudentStatus.APPROVED)
    def approve(self) -> None:
        """核定: the union confirms the application and its amount."""

    @transition(
        field=status,
        source=[StudentStatus.PENDING, StudentStatus.APPROVED],
        target=StudentStatus.EXCLUDED,
    )
    def refuse(self, exclusion: str) -> None:
        """不予资助: an exclusion found after the application; nothing is paid."""
        self.exclusion, self.amount = exclusion, Decimal(0)

    @transition(
        field=status,
        source=[StudentStatus.PENDING, StudentStatus.APPROVED],
        target=StudentStatus.PAID,
    )
    def pay(self) -> None:
        """发放: the application's record is paid through the ledger in the same transaction."""


class CivilListKind(models.TextChoices):
    DIBAO = "dibao", _("低保")
    TEKUN = "tekun", _("特困")


class CivilList(models.Model):
    """A civil-affairs (民政) list as imported: only blind indexes are kept, never raw IDs."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("名单类型"), max_length=6, choices=CivilListKind.choices)
    original_name = models.CharField(_("文件名"), max_length=200)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    bad_rows = models.PositiveIntegerField(_("无效行"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("民政名单")
        verbose_name_plural = _("民政名单")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.original_name


class CivilListEntry(models.Model):
    civil_list = models.ForeignKey(CivilList, on_delete=models.CASCADE, related_name="entries")
    index = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return self.index[:8]


__all__ = [
    "AidKind",
    "Allotment",
    "AssistanceRecord",
    "Campaign",
    "CampaignKind",
    "CivilList",
    "CivilListEntry",
    "CivilListKind",
    "Exclusion",
    "FundKind",
    "RecipientKey",
    "RecordStatus",
    "Stage",
    "StudentApplication",
    "StudentStatus",
    "WarmthGroup",
]
