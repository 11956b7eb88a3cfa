"""The catalogue of awards as data (DOMAIN.md §4): award types, and the composition rules of
each award cycle. Other modules feed types (安康杯优胜, 模范职工之家) through core.registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConferringLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class RecipientKind(models.TextChoices):
    PERSON = "person", _("个人")
    TEAM = "team", _("集体(班组)")
    UNIT = "unit", _("单位")


class AwardCycle(models.TextChoices):
    YEARLY = "yearly", _("每年")
    FIVE_YEARLY = "five_yearly", _("每五年")


class AwardType(models.Model):
    """One kind of honour (全国劳动模范, 五一劳动奖章, 工人先锋号 ...). Everything the engine
    branches on is a field here, so a province adds its own types without code."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("授予层级"), max_length=10, choices=ConferringLevel.choices)
    recipient_kind = models.CharField(
        _("授予对象"), max_length=8, choices=RecipientKind.choices, default=RecipientKind.PERSON
    )
    cycle = models.CharField(
        _("评选周期"), max_length=12, choices=AwardCycle.choices, default=AwardCycle.YEARLY
    )
    national = models.BooleanField(_("全国性荣誉"), default=False)
    # 非终身制: the management term of a title; null = held for life.
    term_years = models.PositiveSmallIntegerField(_("管理期(年)"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("公示期(工作日)"), default=5)
    requires_membership = models.BooleanField(_("须为会员"), default=False)
    women_led = models.BooleanField(_("须为女职工集体"), default=False)
    # The key of the allowance table row (honour allowances by level, per province).
    allowance_key = models.CharField(_("津贴标准"), max_length=20, blank=True)
    # Counts as 劳模 for the member segment and the care module.
    model_worker = models.BooleanField(_("属劳模称号"), default=False)
    # A module that feeds the type (safety.ankangbei, homes.model_home): its winners are
    # nominated by that module through core.registry.
    fed_by = models.CharField(_("来源模块"), max_length=40, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("荣誉类型")
        verbose_name_plural = _("荣誉类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CompositionRule(models.Model):
    """The composition of a cycle's list (DOMAIN.md §4: the 2005 and 2015 national figures):
    shares in percent, null = no rule. The 一线 share is of enterprise picks, the 农民工 share of
    farmers' picks (2015), every other share of the whole list."""

    award_type = models.ForeignKey(
        AwardType, verbose_name=_("荣誉类型"), on_delete=models.CASCADE, related_name="rules"
    )
    year = models.PositiveSmallIntegerField(_("评选年度"))
    enterprise_min = models.DecimalField(
        _("企业职工不低于(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    front_line_min = models.DecimalField(
        _("一线职工占企业人选不低于(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    heads_max = models.DecimalField(
        _("企业负责人不高于(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    farmers_min = models.DecimalField(
        _("农民不低于(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    migrant_min = models.DecimalField(
        _("农民工占农民人选不低于(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    women_min = models.DecimalField(
        _("女性不低于(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("人选结构要求")
        verbose_name_plural = _("人选结构要求")
        ordering = ["award_type", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["award_type", "year"], name="honors_one_rule_per_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.award_type} {self.year}"
