"""会费 (DOMAIN.md §2.3): a member's wage and dues per month, the receipts that pay them, the
education records the 自动退会 rule needs, and the level split rules (留成/上解 as data).

Wages are personal data: their parts and base are stored encrypted (core.crypto) and shown
masked; the dues amount stays plain, the union's own account that the 经审 sums."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.crypto import EncryptedDecimalField, EncryptedJSONField
from gonghui.core.models_ledger import MONEY
from gonghui.core.scoping import ScopedManager
from gonghui.governance.rules import StaffKind as StaffKindCode
from gonghui.governance.rules import UnitKind as UnitKindCode


class UnitKind(models.TextChoices):
    ENTERPRISE = UnitKindCode.ENTERPRISE, _("企业")
    GOVERNMENT = UnitKindCode.GOVERNMENT, _("机关")
    INSTITUTION = UnitKindCode.INSTITUTION, _("事业单位")


class StaffKind(models.TextChoices):
    CADRE = StaffKindCode.CADRE, _("干部、管理和专业技术人员")
    WORKER = StaffKindCode.WORKER, _("工人")


class DuesStatus(models.TextChoices):
    DUE = "due", _("应缴未缴")
    PAID = "paid", _("已缴")
    EXEMPT = "exempt", _("免缴（保留会籍）")


class PayMethod(models.TextChoices):
    PAYROLL = "payroll", _("工资代扣")
    CASH = "cash", _("现金")
    ONLINE = "online", _("网上缴纳")


class DuesPayment(models.Model):
    """A receipt (会费收据): one payment by one member covering one or more months."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="dues_payments"
    )
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    receipt_no = models.CharField(_("收据编号"), max_length=32, unique=True)
    method = models.CharField(_("缴纳方式"), max_length=10, choices=PayMethod.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    paid_on = models.DateField(_("缴纳日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("会费收据")
        verbose_name_plural = _("会费收据")
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["org_path", "id"], name="gov_duespay_path")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="gov_duespay_positive")
        ]

    def __str__(self) -> str:
        return self.receipt_no


class DuesMonth(models.Model):
    """A member's dues of one month: the wage it was computed from (encrypted), the amount due
    by rule and, once paid, the receipt."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues")
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    month = models.DateField(_("月份"))  # the first day of the month
    unit_kind = models.CharField(_("单位类型"), max_length=12, choices=UnitKind.choices)
    staff_kind = models.CharField(_("人员类别"), max_length=8, choices=StaffKind.choices)
    wage_parts = EncryptedJSONField(_("工资构成"), null=True, blank=True)
    wage_base = EncryptedDecimalField(_("会费基数"), null=True, blank=True)
    due = models.DecimalField(_("应缴会费"), **MONEY)
    status = models.CharField(
        _("状态"), max_length=8, choices=DuesStatus.choices, default=DuesStatus.DUE
    )
    payment = models.ForeignKey(
        DuesPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="months"
    )
    rule = models.CharField(_("计算依据"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("月度会费")
        verbose_name_plural = _("月度会费")
        ordering = ["-month", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="gov_dues_one_per_month"),
            models.CheckConstraint(condition=models.Q(due__gte=0), name="gov_dues_due_nonneg"),
        ]
        indexes = [
            models.Index(fields=["org_path", "month"], name="gov_dues_path_month"),
            models.Index(fields=["member", "month"], name="gov_dues_member_month"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"

    @property
    def masked_wage(self) -> str:
        return "****" if self.wage_base is not None else ""


class EducationOutcome(models.TextChoices):
    CORRECTED = "corrected", _("接受教育，已改正")
    REFUSED = "refused", _("经教育拒不改正")


class DuesEducation(models.Model):
    """谈心谈话 with a member who stopped paying: the record the 自动退会 rule needs."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="dues_educations"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    educated_on = models.DateField(_("教育日期"))
    outcome = models.CharField(_("结果"), max_length=10, choices=EducationOutcome.choices)
    note = models.CharField(_("情况记录"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("会费教育记录")
        verbose_name_plural = _("会费教育记录")
        ordering = ["-educated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.educated_on}"


class SplitKind(models.TextChoices):
    DUES = "dues", _("会费")
    FUNDS = "funds", _("工会经费")


class SplitRule(models.Model):
    """留成/上解 percentages an org sets for its subtree (DESIGN.md rule 10): ``shares`` is a
    list of [level label, percent], the first being the union's own 留成."""

    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True, blank=True, default="")
    kind = models.CharField(_("款项"), max_length=6, choices=SplitKind.choices)
    shares = models.JSONField(_("分成比例"))
    note = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("分成比例")
        verbose_name_plural = _("分成比例")
        ordering = ["org_path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["org", "kind"], name="gov_split_one_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.org_path} {self.kind}"

    def percents(self) -> list[tuple[str, Decimal]]:
        return [(str(level), Decimal(str(p))) for level, p in self.shares]


class LevelShare(models.Model):
    """One level's part of a receipt (会费 or 经费), computed by the split rule in force: the
    upward shares sent as data."""

    kind = models.CharField(_("款项"), max_length=6, choices=SplitKind.choices)
    receipt_id = models.PositiveBigIntegerField()
    org_path = models.CharField(max_length=255)
    level = models.CharField(_("层级"), max_length=40)
    percent = models.DecimalField(_("比例（%）"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("金额"), **MONEY)
    rule = models.CharField(_("分成依据"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("分成")
        verbose_name_plural = _("分成")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "receipt_id"], name="gov_share_receipt"),
            models.Index(fields=["org_path", "kind"], name="gov_share_path"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.receipt_id} {self.level}"
