"""经审 (issue 24 item 7): the 经费审查委员会's annual review of a union's funds, the ledger
entries sampled for checking, findings and their rectification."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedManager


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("审查中")
    REPORTED = "reported", _("已出具审查报告")


class FundReview(models.Model):
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    summary = models.TextField(_("审查结论"), blank=True)
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("经费审查")
        verbose_name_plural = _("经费审查")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["union", "year"], name="gov_review_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.union_id} {self.year}"


class ReviewSample(models.Model):
    """A ledger entry drawn with ``secrets`` for checking, and what the check found."""

    review = models.ForeignKey(FundReview, on_delete=models.CASCADE, related_name="samples")
    entry = models.ForeignKey("core.LedgerEntry", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    checked = models.BooleanField(_("已核对"), default=False)
    note = models.CharField(_("核对情况"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("抽查凭证")
        verbose_name_plural = _("抽查凭证")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["review", "entry"], name="gov_sample_once")]

    def __str__(self) -> str:
        return f"{self.review_id} {self.entry_id}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改")


class ReviewFinding(models.Model):
    review = models.ForeignKey(FundReview, on_delete=models.CASCADE, related_name="findings")
    org_path = models.CharField(max_length=255)
    text = models.CharField(_("发现的问题"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    rectification = models.CharField(_("整改情况"), max_length=500, blank=True)
    rectified_on = models.DateField(_("整改日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("审查发现")
        verbose_name_plural = _("审查发现")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:30]
