"""The one money ledger (ADR 0022): funds of any purpose and their entries.

A purpose (帮扶专项资金, 送温暖资金, 劳模 care, activities ...) is a code a module registers with
``core.ledger``; an entry names what it pays by model label and id, so core imports no module."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedManager

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Fund(models.Model):
    """A fund of one org. ``balance`` changes only with a ledger entry, in the same transaction,
    under the fund's row lock; the check constraint is the last line against overdrawing."""

    # A string reference: money belongs to a real org (PROTECT), without core importing orgs.
    org = models.ForeignKey("orgs.Org", verbose_name=_("管理单位"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("资金名称"), max_length=100)
    purpose = models.CharField(_("资金类型"), max_length=40)
    balance = models.DecimalField(_("余额"), default=Decimal(0), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("资金")
        verbose_name_plural = _("资金")
        ordering = ["org_path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="core_fund_never_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def purpose_label(self) -> str:
        from gonghui.core.ledger import purpose_label

        return purpose_label(self.purpose)


class EntryDirection(models.TextChoices):
    IN = "in", _("收入")
    OUT = "out", _("支出")


class LedgerEntry(models.Model):
    """One line of a fund's ledger (收入 or 支出) with the balance after it and, for a payment or
    its reversal, the row it pays (``ref_model`` "app_label.ModelName", ``ref_id``)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    direction = models.CharField(_("收支"), max_length=3, choices=EntryDirection.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    balance_after = models.DecimalField(_("余额"), **MONEY)
    memo = models.CharField(_("摘要"), max_length=200)
    ref_model = models.CharField(_("支付对象类型"), max_length=100, blank=True, default="")
    ref_id = models.PositiveBigIntegerField(_("支付对象编号"), null=True, blank=True)
    # A reversal names the payment it takes back; one-to-one: a payment is reversed once.
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("资金台账")
        verbose_name_plural = _("资金台账")
        ordering = ["id"]
        indexes = [models.Index(fields=["ref_model", "ref_id"], name="core_ledger_ref")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="core_entry_positive")
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.direction} {self.amount}"
