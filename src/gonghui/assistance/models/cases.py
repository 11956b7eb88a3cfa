"""Models of 困难职工帮扶 (DOMAIN.md §3): the household archive and its workflow live here; the
identification rules, funds, campaigns and cross-checks in the modules imported at the end."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.crypto import (
    EncryptedDecimalField,
    EncryptedJSONField,
    EncryptedTextField,
    mask_bank_account,
    mask_id_number,
    mask_phone,
)
from gonghui.core.scoping import ScopedManager
from gonghui.core.storage import private_storage
from gonghui.orgs.models import Org

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")
    NONE = "none", _("不符合困难标准")


class Area(models.TextChoices):
    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class QualifyingEvent(models.TextChoices):
    NONE = "", _("无")
    DISASTER = "disaster", _("重大自然灾害")
    ACCIDENT = "accident", _("意外事故")
    EPIDEMIC = "epidemic", _("重大疫情")
    ILLNESS = "illness", _("大病支出超过家庭年收入80%")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOLING = "schooling", _("因学")
    DISASTER = "disaster", _("因灾")
    ACCIDENT = "accident", _("因意外")
    UNEMPLOYMENT = "unemployment", _("因失业")
    LOW_WAGE = "low_wage", _("收入低")
    OTHER = "other", _("其他")


class CaseStatus(models.TextChoices):
    APPLIED = "applied", _("待入户走访")
    VISITED = "visited", _("待基层审核")
    PUBLICITY = "publicity", _("公示中")
    PENDING_APPROVAL = "pending_approval", _("待上级审批")
    ARCHIVED = "archived", _("已建档")
    EXIT_PROPOSED = "exit_proposed", _("拟解困脱困")
    EXITED = "exited", _("已解困脱困")
    CLOSED = "closed", _("已销档")
    REJECTED = "rejected", _("未通过")


OPEN_STATUSES = (CaseStatus.ARCHIVED, CaseStatus.EXIT_PROPOSED)


class CloseReason(models.TextChoices):
    RETIREMENT = "retirement", _("退休")
    TRANSFER = "transfer", _("调离")
    DEATH = "death", _("死亡")


class HardshipCase(models.Model):
    """困难职工档案, one per household (一户一档). Money fields are yuan per year unless named
    monthly; identification results are stored with the rule that produced them."""

    org = models.ForeignKey(
        Org, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hardship_cases",
    )
    name = models.CharField(_("户主姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号码"), index_field="id_index", index_kind="id")
    id_index = models.CharField(max_length=64, editable=False, db_index=True)
    phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    area = models.CharField(_("户籍类别"), max_length=8, choices=Area.choices, default=Area.URBAN)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    annual_income = models.DecimalField(_("家庭年度可支配收入"), **MONEY)
    # Health data (DESIGN.md rule 3): medical spending and the causes (因病, 因残) are stored
    # encrypted; figures by cause come from the counters (assistance.counters).
    rigid_medical = EncryptedDecimalField(_("刚性支出：医疗"), default=Decimal(0))
    rigid_schooling = models.DecimalField(_("刚性支出：教育"), default=Decimal(0), **MONEY)
    rigid_other = models.DecimalField(_("刚性支出：其他"), default=Decimal(0), **MONEY)
    event = models.CharField(
        _("致困事件"), max_length=10, choices=QualifyingEvent.choices, blank=True, default=""
    )
    event_costs = models.DecimalField(_("年度致困支出"), default=Decimal(0), **MONEY)
    causes = EncryptedJSONField(_("致困原因"), default=list, blank=True)
    housing = models.CharField(_("住房情况"), max_length=200, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account = EncryptedTextField(_("银行账号"), blank=True, default="")
    # Identification: the computed result, the rule behind it, and an audited override.
    per_capita = models.DecimalField(_("月人均纯收入"), null=True, **MONEY)
    computed_category = models.CharField(
        _("测算类别"), max_length=10, choices=Category.choices, blank=True
    )
    computation = models.JSONField(_("测算过程"), default=dict, blank=True)
    category = models.CharField(_("困难类别"), max_length=10, choices=Category.choices, blank=True)
    override_reason = models.CharField(_("人工调整理由"), max_length=200, blank=True)
    status = FSMField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.APPLIED
    )
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    archived_on = models.DateField(_("建档日期"), null=True, blank=True)
    ended_on = models.DateField(_("脱困/销档日期"), null=True, blank=True)
    close_reason = models.CharField(
        _("销档原因"), max_length=12, choices=CloseReason.choices, blank=True
    )
    keep_until = models.DateField(_("档案保存至"), null=True, blank=True)
    consent_purpose = models.CharField(_("收集目的"), max_length=200)
    consent_at = models.DateTimeField(_("同意时间"))
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-id"]
        indexes = [models.Index(fields=["org_path", "status"], name="assist_case_path_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def rigid_total(self) -> Decimal:
        return self.rigid_medical + self.rigid_schooling + self.rigid_other

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_bank_account(self) -> str:
        return mask_bank_account(self.bank_account)

    def cause_labels(self) -> list[str]:
        labels = dict(Cause.choices)
        return [str(labels.get(c, c)) for c in self.causes]

    # --- workflow (DOMAIN.md §3): moved by assistance.services.moves through core.workflow ---

    @transition(field=status, source=CaseStatus.APPLIED, target=CaseStatus.VISITED)
    def visit(self) -> None:
        """入户走访 recorded."""

    @transition(field=status, source=CaseStatus.VISITED, target=CaseStatus.PUBLICITY)
    def pass_review(self) -> None:
        """基层审核 passed: the public notice starts."""

    @transition(field=status, source=CaseStatus.PUBLICITY, target=CaseStatus.PENDING_APPROVAL)
    def end_publicity(self) -> None:
        """公示 ended without an upheld objection: to the upper level."""

    @transition(field=status, source=CaseStatus.PENDING_APPROVAL, target=CaseStatus.ARCHIVED)
    def approve(self) -> None:
        """上级审批 passed: 建档."""

    @transition(
        field=status,
        source=[
            CaseStatus.APPLIED,
            CaseStatus.VISITED,
            CaseStatus.PUBLICITY,
            CaseStatus.PENDING_APPROVAL,
        ],
        target=CaseStatus.REJECTED,
    )
    def reject(self) -> None:
        pass

    @transition(field=status, source=CaseStatus.ARCHIVED, target=CaseStatus.EXIT_PROPOSED)
    def propose_exit(self) -> None:
        pass

    @transition(field=status, source=CaseStatus.EXIT_PROPOSED, target=CaseStatus.EXITED)
    def confirm_exit(self) -> None:
        pass

    @transition(field=status, source=CaseStatus.EXIT_PROPOSED, target=CaseStatus.ARCHIVED)
    def keep(self) -> None:
        """The proposal to exit was not confirmed: the household stays in the archive."""

    @transition(field=status, source=list(OPEN_STATUSES), target=CaseStatus.CLOSED)
    def close(self) -> None:
        pass


class Relation(models.TextChoices):
    SELF = "self", _("本人")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    OTHER = "other", _("其他")


class HouseholdPerson(models.Model):
    """A household member: ID, health, disability and schooling are personal data (rule 3)."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与户主关系"), max_length=8, choices=Relation.choices)
    id_number = EncryptedTextField(
        _("身份证号码"), blank=True, default="", index_field="id_index", index_kind="id"
    )
    id_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    annual_income = models.DecimalField(_("年收入"), default=Decimal(0), **MONEY)
    health = EncryptedTextField(_("健康状况"), blank=True, default="")
    disability = EncryptedTextField(_("残疾类别及等级"), blank=True, default="")
    schooling = EncryptedTextField(_("就学情况"), blank=True, default="")

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class IncomeSource(models.Model):
    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="incomes")
    kind = models.CharField(_("收入来源"), max_length=40)
    amount = models.DecimalField(_("年收入"), **MONEY)

    class Meta:
        verbose_name = _("收入来源")
        verbose_name_plural = _("收入来源")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.kind


class StepKind(models.TextChoices):
    APPLIED = "applied", _("提出申请")
    VISITED = "visited", _("入户走访")
    REVIEWED = "reviewed", _("基层审核")
    OBJECTION = "objection", _("公示异议")
    PUBLICITY_ENDED = "publicity_ended", _("公示期满")
    APPROVED = "approved", _("上级审批")
    REJECTED = "rejected", _("不予通过")
    OVERRIDDEN = "overridden", _("调整困难类别")
    REVIEW = "review", _("集中复核")
    EXIT_PROPOSED = "exit_proposed", _("提出解困脱困")
    EXITED = "exited", _("解困脱困")
    KEPT = "kept", _("继续帮扶")
    CLOSED = "closed", _("销档")


class Objection(models.Model):
    """An objection received during 公示, and how it was handled."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="objections")
    content = models.TextField(_("异议内容"))
    upheld = models.BooleanField(_("异议成立"), default=False)
    handling = models.TextField(_("处理意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField(_("收到日期"))

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.content[:20]


class AttachmentKind(models.TextChoices):
    INCOME = "income", _("收入证明")
    HUKOU = "hukou", _("户籍证明")
    MEDICAL = "medical", _("诊断证明及票据")
    SCHOOL = "school", _("学籍及学费证明")
    ADMISSION = "admission", _("录取通知书")
    OTHER = "other", _("其他材料")


def attachment_path(instance: Any, filename: str) -> str:
    """A random name outside any public URL: files are served only by the scoped view."""
    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"assistance/{uuid.uuid4().hex}.{ext}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("材料类型"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("文件名"), max_length=200)
    org_path = models.CharField(max_length=255, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class MonthlyIncome(models.Model):
    """The household's per-capita income of one month (动态管理; the exit count reads these)."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="monthly")
    month = models.DateField(_("月份"))  # the first day of the month
    per_capita = models.DecimalField(_("月人均收入"), **MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("月度收入")
        verbose_name_plural = _("月度收入")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["case", "month"], name="assist_one_income_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.month:%Y-%m}"


class ReviewBatch(models.Model):
    """集中复核: once a year per org, all its open cases, a share of them checked on the spot."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    spot_share = models.DecimalField(_("抽查比例"), max_digits=4, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("集中复核")
        verbose_name_plural = _("集中复核")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="assist_one_review_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}"


class ReviewResult(models.TextChoices):
    PENDING = "pending", _("待复核")
    CONFIRMED = "confirmed", _("维持")
    CHANGED = "changed", _("已调整")


class ReviewItem(models.Model):
    batch = models.ForeignKey(ReviewBatch, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="+")
    spot_check = models.BooleanField(_("抽查"), default=False)
    result = models.CharField(
        _("结果"), max_length=10, choices=ReviewResult.choices, default=ReviewResult.PENDING
    )
    note = models.CharField(_("复核意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.case_id}"
