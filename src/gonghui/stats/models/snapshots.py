"""The annual report (统计年报): a frozen snapshot of every org's counters at the period end,
and one report per reporting org that is checked, submitted and reviewed level by level."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Org


class Snapshot(models.Model):
    """Every org's counters as they were at one moment: a month's end (``2026-11``, taken by
    ``gonghui stats_snapshot``) or a frozen report year (``2026``)."""

    label = models.CharField(_("期间"), max_length=7, unique=True)
    taken_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        ordering = ["-label"]

    def __str__(self) -> str:
        return self.label


class ReportPeriod(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    snapshot = models.OneToOneField(Snapshot, on_delete=models.PROTECT, related_name="period")
    frozen_at = models.DateTimeField(_("冻结时间"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("统计年度")
        verbose_name_plural = _("统计年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class SnapshotCounter(models.Model):
    """An ``OrgCounter`` row as it was when the snapshot was taken."""

    # No index of its own: ``stats_snapshot_subtree`` leads with it, and a second index on the
    # key alone let the planner pick it and filter the path (tests/test_scoped_plans.py).
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="counters", db_index=False
    )
    org_path = models.CharField(max_length=255)
    key = models.CharField(max_length=64)
    value = models.BigIntegerField()
    # A dimension's buckets ({"1985": 3}) when ``key`` is a dimension (core.spreads); else null.
    spread = models.JSONField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("年报快照")
        verbose_name_plural = _("年报快照")
        indexes = [
            models.Index(
                fields=["snapshot", "org_path"],  # the path as a range: default operators
                include=["key", "value"],
                name="stats_snapshot_subtree",
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.org_path} {self.key}={self.value}"


class SnapshotSubtree(models.Model):
    """A ``SubtreeCounter`` row as it was when the snapshot was taken (computed from the
    snapshot's own ``SnapshotCounter`` rows): the trend and the year-ago comparison read a
    subtree's figures at a snapshot from O(keys) rows."""

    # No index of its own: ``stats_snapshot_descendants`` leads with it.
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="subtrees", db_index=False
    )
    org_path = models.CharField(max_length=255)
    key = models.CharField(max_length=64)
    value = models.BigIntegerField()
    # A dimension's buckets ({"1985": 3}) when ``key`` is a dimension (core.spreads); else null.
    spread = models.JSONField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("快照下级汇总")
        verbose_name_plural = _("快照下级汇总")
        indexes = [
            models.Index(
                fields=["snapshot", "org_path", "key"],
                include=["value"],
                name="stats_snapshot_descendants",
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.org_path}/* {self.key}={self.value}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("待上报")
    SUBMITTED = "submitted", _("已上报")
    ACCEPTED = "accepted", _("已审核")
    RETURNED = "returned", _("已退回")


class OrgReport(models.Model):
    """One org's annual report. A grassroots union's figures come from the snapshot and may be
    corrected before submission; a federation's are its own plus its children's reports."""

    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="reports")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    status = FSMField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    figures = models.JSONField(_("数字"), default=dict)
    note = models.TextField(_("填报说明"), blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("统计年报")
        verbose_name_plural = _("统计年报")
        ordering = ["org_path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "org"], name="stats_one_report_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.org}"

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @transition(
        field=status,
        source=[ReportStatus.DRAFT, ReportStatus.RETURNED],
        target=ReportStatus.SUBMITTED,
    )
    def submit(self) -> None:
        pass

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.RETURNED)
    def send_back(self) -> None:
        pass
