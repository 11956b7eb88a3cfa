"""工会经费 (DOMAIN.md §2.4): an employer's payroll per month, the 2 % due, the receipts
(税务代收 or direct) and the reminders (催缴函) sent for arrears."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.models_ledger import MONEY
from gonghui.core.scoping import ScopedManager


class PayrollSource(models.TextChoices):
    ENTERED = "entered", _("手工录入")
    IMPORTED = "imported", _("导入")
    TAX = "tax", _("税务代收清单")


class FundsMonth(models.Model):
    """One employer's month: the payroll total (全部职工工资总额), the 2 % due and what was
    received so far (the receipts' sum, kept by the services in the same transaction)."""

    employer = models.ForeignKey("orgs.Employer", on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    month = models.DateField(_("月份"))
    payroll_total = models.DecimalField(_("工资总额"), **MONEY)
    due = models.DecimalField(_("应拨缴经费"), **MONEY)
    received = models.DecimalField(_("已收"), default=0, **MONEY)
    due_on = models.DateField(_("缴纳期限"))
    source = models.CharField(_("来源"), max_length=10, choices=PayrollSource.choices)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("工会经费月度")
        verbose_name_plural = _("工会经费月度")
        ordering = ["-month", "employer_id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "month"], name="gov_funds_one_per_month"),
            models.CheckConstraint(
                condition=models.Q(payroll_total__gte=0), name="gov_funds_payroll_nonneg"
            ),
        ]
        indexes = [models.Index(fields=["org_path", "month"], name="gov_funds_path_month")]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.month:%Y-%m}"

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.received, Decimal(0))


class ReceiptChannel(models.TextChoices):
    TAX = "tax", _("税务代收")
    DIRECT = "direct", _("单位直接拨缴")


class FundsReceipt(models.Model):
    month = models.ForeignKey(FundsMonth, on_delete=models.PROTECT, related_name="receipts")
    org_path = models.CharField(max_length=255)
    receipt_no = models.CharField(_("收据编号"), max_length=32, unique=True)
    channel = models.CharField(_("缴纳渠道"), max_length=8, choices=ReceiptChannel.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    received_on = models.DateField(_("到账日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("工会经费收据")
        verbose_name_plural = _("工会经费收据")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["org_path", "id"], name="gov_fundsrec_path")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="gov_fundsrec_positive")
        ]

    def __str__(self) -> str:
        return self.receipt_no


class FundsReminder(models.Model):
    """A 催缴函 issued to an employer for its overdue months (printable, numbered)."""

    employer = models.ForeignKey("orgs.Employer", on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    number = models.CharField(_("文号"), max_length=40, unique=True)
    issued_on = models.DateField(_("发函日期"))
    outstanding = models.DecimalField(_("欠缴金额"), **MONEY)
    months = models.JSONField(_("欠缴月份"), default=list)
    payment_order_hint = models.BooleanField(_("可申请支付令"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("催缴函")
        verbose_name_plural = _("催缴函")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number
