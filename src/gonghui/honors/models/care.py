"""Care (关心关爱) of holders: allowance rates per province (data), monthly allowance payables
paid through a 劳模 care fund of the core ledger, each holder's care profile (bank account,
pension supplement reference), and dated care records (困难劳模 help, 体检, 疗休养, 慰问)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.crypto import EncryptedTextField, mask_tail
from gonghui.core.models_ledger import MONEY
from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Org

CARE_FUND = "honors_care"  # the fund purpose registered with core.ledger


class AllowanceRate(models.Model):
    """荣誉津贴 a month for one level key (AwardType.allowance_key) set by an org (a province,
    江苏: 100 / 80 / 60); the nearest org on the holder's chain with a row for the key applies."""

    org = models.ForeignKey(Org, verbose_name=_("制定单位"), on_delete=models.CASCADE)
    org_path = models.CharField(max_length=255, db_index=True)
    level_key = models.CharField(_("津贴标准"), max_length=20)
    monthly = models.DecimalField(_("每月金额(元)"), **MONEY)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("荣誉津贴标准")
        verbose_name_plural = _("荣誉津贴标准")
        ordering = ["org_path", "level_key"]
        constraints = [
            models.UniqueConstraint(fields=["org", "level_key"], name="honors_one_rate_per_key"),
            models.CheckConstraint(condition=models.Q(monthly__gte=0), name="honors_rate_sign"),
        ]

    def __str__(self) -> str:
        return f"{self.level_key} {self.monthly}"


class PayableStatus(models.TextChoices):
    PENDING = "pending", _("待发放")
    PAID = "paid", _("已发放")
    CANCELLED = "cancelled", _("已停发")


class AllowancePayable(models.Model):
    """The allowance of one holder for one month: generated once (unique), paid through the
    care fund, cancelled when the honour is revoked or lapses before it is paid."""

    honour = models.ForeignKey(
        "honors.Honour", verbose_name=_("荣誉"), on_delete=models.PROTECT, related_name="payables"
    )
    month = models.DateField(_("月份"))  # the first day of the month
    amount = models.DecimalField(_("金额"), **MONEY)
    rate = models.ForeignKey(AllowanceRate, null=True, on_delete=models.SET_NULL, related_name="+")
    fund = models.ForeignKey(
        "core.Fund", verbose_name=_("资金来源"), null=True, blank=True, on_delete=models.PROTECT
    )
    org = models.ForeignKey(Org, verbose_name=_("所在工会"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    status = FSMField(
        _("状态"), max_length=10, choices=PayableStatus.choices, default=PayableStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)

    objects = ScopedManager()
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("荣誉津贴")
        verbose_name_plural = _("荣誉津贴")
        ordering = ["-month", "org_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["honour", "month"], name="honors_allowance_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="honors_payable_pos"),
        ]
        indexes = [models.Index(fields=["fund", "status"], name="honors_payable_fund")]

    def __str__(self) -> str:
        return f"{self.honour_id} {self.month:%Y-%m}"

    @transition(field=status, source=PayableStatus.PENDING, target=PayableStatus.PAID)
    def pay(self) -> None:
        """发放: the care fund is debited in the same transaction."""

    @transition(field=status, source=PayableStatus.PENDING, target=PayableStatus.CANCELLED)
    def cancel(self) -> None:
        """停发: the honour was revoked or lapsed before this month."""


class CareProfile(models.Model):
    """A holder's care data: the account the allowance goes to (encrypted, shown by its last 4
    digits) and the pension supplement reference (5–15 %, 工人退休暂行办法 §4)."""

    honour = models.OneToOneField(
        "honors.Honour", on_delete=models.CASCADE, related_name="care_profile"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account = EncryptedTextField(_("银行账号"), blank=True, default="")
    retired = models.BooleanField(_("已退休"), default=False)
    pension_supplement_pct = models.DecimalField(
        _("退休费提高比例(%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    pension_note = models.CharField(_("退休待遇说明"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("劳模关爱档案")
        verbose_name_plural = _("劳模关爱档案")

    def __str__(self) -> str:
        return str(self.honour_id)

    @property
    def masked_account(self) -> str:
        return mask_tail(self.bank_account) if self.bank_account else ""


class CareKind(models.TextChoices):
    HARDSHIP_HELP = "hardship", _("困难劳模帮扶")
    CHECKUP = "checkup", _("健康体检")
    SANATORIUM = "sanatorium", _("疗休养")
    BIRTHDAY = "birthday", _("生日慰问")
    FESTIVAL = "festival", _("节日慰问")


class CareRecord(models.Model):
    """One act of care for a holder; money (困难劳模 help) is paid from the care fund at once."""

    honour = models.ForeignKey(
        "honors.Honour", verbose_name=_("荣誉"), on_delete=models.PROTECT, related_name="care"
    )
    kind = models.CharField(_("关爱类型"), max_length=12, choices=CareKind.choices)
    on = models.DateField(_("日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("金额(元)"), null=True, blank=True, **MONEY)
    fund = models.ForeignKey(
        "core.Fund", verbose_name=_("资金来源"), null=True, blank=True, on_delete=models.PROTECT
    )
    place = models.CharField(_("地点/机构"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    org = models.ForeignKey(Org, verbose_name=_("登记单位"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("关爱记录")
        verbose_name_plural = _("关爱记录")
        ordering = ["-on", "-id"]
        constraints = [
            # 困难劳模 help is yearly: once per holder per year.
            models.UniqueConstraint(
                fields=["honour", "year"],
                condition=models.Q(kind="hardship"),
                name="honors_hardship_help_yearly",
            )
        ]

    def __str__(self) -> str:
        return f"{self.honour_id} {self.kind} {self.on}"
