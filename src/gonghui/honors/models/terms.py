"""The term engine (非终身制): each province's thresholds (data, inherited down the tree) and the
annual assessment of a holder by their union (deeds and a 民主评议 on the ballot engine)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Org


class TermRule(models.Model):
    """An org's assessment thresholds; its subtree inherits them (core.inherited)."""

    org = models.ForeignKey(Org, verbose_name=_("制定单位"), on_delete=models.CASCADE)
    org_path = models.CharField(max_length=255, db_index=True)
    warning_pct = models.DecimalField(
        _("满意率警示线(%)"), max_digits=5, decimal_places=2, default=Decimal("60")
    )
    consecutive_years = models.PositiveSmallIntegerField(_("连续低于警示线几年提请撤销"), default=2)
    reminder_days = models.PositiveSmallIntegerField(_("管理期满前提醒天数"), default=90)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("劳模管理考核标准")
        verbose_name_plural = _("劳模管理考核标准")
        constraints = [models.UniqueConstraint(fields=["org"], name="honors_one_term_rule")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.warning_pct}%"


class Verdict(models.TextChoices):
    PENDING = "pending", _("待评议")
    PASS = "pass", _("合格")
    WARNING = "warning", _("警示")
    PROPOSE_REVOCATION = "propose_revocation", _("提请撤销")


class Assessment(models.Model):
    """One year's assessment of a holder: deeds written by the holder's union, a 民主评议 among
    named colleagues on the ballot engine, and the verdict from its published satisfaction."""

    honour = models.ForeignKey(
        "honors.Honour",
        verbose_name=_("荣誉"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    org = models.ForeignKey(Org, verbose_name=_("考核单位"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    deeds = models.TextField(_("年度事迹"), blank=True)
    ballot_id = models.PositiveBigIntegerField(_("民主评议投票"), null=True, blank=True)
    voters = models.PositiveIntegerField(_("参评人数"), default=0)
    satisfaction_pct = models.DecimalField(
        _("满意率(%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    verdict = models.CharField(
        _("结论"), max_length=20, choices=Verdict.choices, default=Verdict.PENDING
    )
    reasons = models.TextField(_("判定依据"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(_("判定时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("劳模年度考核")
        verbose_name_plural = _("劳模年度考核")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["honour", "year"], name="honors_one_assessment_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.honour_id} {self.year}"
