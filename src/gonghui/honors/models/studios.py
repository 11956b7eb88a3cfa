"""劳模和工匠人才创新工作室: registered by a union with a leader on the roster, its members, a
yearly report of results (adopted 合理化建议 arrive from the voice module through a
core.registry handoff) and a yearly evaluation on the rubric of honors.rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.models_ledger import MONEY
from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Employer, Org


class StudioLevel(models.TextChoices):
    NONE = "", _("未命名示范")
    CITY = "city", _("市级示范")
    PROVINCE = "province", _("省级示范")
    NATIONAL = "national", _("全国示范")


class Studio(models.Model):
    name = models.CharField(_("工作室名称"), max_length=100)
    leader = models.ForeignKey(
        "honors.Honour", verbose_name=_("领办人"), on_delete=models.PROTECT, related_name="studios"
    )
    field = models.CharField(_("专业领域"), max_length=60)
    employer = models.ForeignKey(
        Employer, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    level = models.CharField(
        _("示范级别"), max_length=10, choices=StudioLevel.choices, blank=True, default=""
    )
    org = models.ForeignKey(Org, verbose_name=_("登记工会"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    registered_on = models.DateField(_("命名日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("创新工作室")
        verbose_name_plural = _("创新工作室")
        ordering = ["org_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="honors_studio_name_per_union")
        ]

    def __str__(self) -> str:
        return self.name


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("岗位/职称"), max_length=60, blank=True)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("工作室成员")
        verbose_name_plural = _("工作室成员")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class StudioReport(models.Model):
    """The year's results as the studio reports them; adopted suggestions are counted from the
    handed-off rows (StudioSuggestion) and shown beside the reported figure."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    innovations = models.PositiveIntegerField(_("技术革新项目"), default=0)
    patents = models.PositiveIntegerField(_("专利"), default=0)
    savings = models.DecimalField(_("创造经济效益(元)"), default=0, **MONEY)
    apprentices = models.PositiveIntegerField(_("带徒人数"), default=0)
    summary = models.TextField(_("年度总结"), blank=True)
    org_path = models.CharField(max_length=255, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("工作室年度报告")
        verbose_name_plural = _("工作室年度报告")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "year"], name="honors_one_report_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.year}"


class StudioSuggestion(models.Model):
    """A 合理化建议 adopted as the studio's result, handed off by the module that adopted it
    (named by model label and id: honours imports no other module)."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="suggestions")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("建议"), max_length=200)
    savings = models.DecimalField(_("效益(元)"), default=0, **MONEY)
    source_model = models.CharField(max_length=100)
    source_id = models.PositiveBigIntegerField()
    org_path = models.CharField(max_length=255, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("工作室采纳建议")
        verbose_name_plural = _("工作室采纳建议")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_model", "source_id"], name="honors_suggestion_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class StudioEvaluation(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("年度"))
    points = models.JSONField(_("各项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    band = models.CharField(_("等次"), max_length=10)
    org = models.ForeignKey(Org, verbose_name=_("评估单位"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("工作室年度评估")
        verbose_name_plural = _("工作室年度评估")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "year"], name="honors_one_evaluation_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.year} {self.band}"
