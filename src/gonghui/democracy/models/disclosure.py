"""厂务公开 (DOMAIN.md §5): a plan with periods, items published to staff, questions, reads and
a satisfaction poll."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Org

__all__ = [
    "STATE_ENTERPRISE_CATEGORIES",
    "DisclosureCategory",
    "DisclosureItem",
    "DisclosurePlan",
    "DisclosureQuestion",
    "DisclosureRead",
    "DisclosureVote",
]


class DisclosureCategory(models.TextChoices):
    PLANS = "plans", _("发展规划和生产经营")
    VITAL = "vital", _("涉及职工切身利益的重大事项")
    RULES = "rules", _("规章制度")
    CONTRACTS = "contracts", _("劳动合同、集体合同和工资协议")
    INVESTMENT = "investment", _("重大投资")
    PROCUREMENT = "procurement", _("物资采购")
    ASSETS = "assets", _("资产变动")
    HOSPITALITY = "hospitality", _("业务招待费")


# Only 国有 and 集体 enterprises must publish these (浙江 第二十一条).
STATE_ENTERPRISE_CATEGORIES = (
    DisclosureCategory.INVESTMENT,
    DisclosureCategory.PROCUREMENT,
    DisclosureCategory.ASSETS,
    DisclosureCategory.HOSPITALITY,
)


class DisclosurePlan(models.Model):
    org = models.ForeignKey(
        Org, on_delete=models.CASCADE, related_name="democracy_disclosure_plans"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=120)
    state_owned = models.BooleanField(_("国有或集体企业"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("厂务公开计划")
        verbose_name_plural = _("厂务公开计划")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.title


class DisclosureItem(models.Model):
    """One item of the plan for one period; published once, then read by staff."""

    plan = models.ForeignKey(DisclosurePlan, on_delete=models.CASCADE, related_name="items")
    org_path = models.CharField(max_length=255, db_index=True)
    category = models.CharField(_("类别"), max_length=12, choices=DisclosureCategory.choices)
    title = models.CharField(_("公开事项"), max_length=150)
    period = models.CharField(_("公开期间"), max_length=40)
    due_on = models.DateField(_("应公开日期"))
    content = models.TextField(_("公开内容"), blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    read_count = models.PositiveIntegerField(_("阅读人数"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class DisclosureRead(models.Model):
    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="democracy_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.user_id}"


class DisclosureVote(models.Model):
    """The satisfaction poll: one answer per reader and item (满意 / 基本满意 / 不满意)."""

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(_("评价"), max_length=12)
    voted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="democracy_vote_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.user_id}"


class DisclosureQuestion(models.Model):
    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="questions")
    org_path = models.CharField(max_length=255, db_index=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.TextField(_("问题"))
    asked_at = models.DateTimeField(_("提问时间"), auto_now_add=True)
    due_on = models.DateField(_("答复期限"))
    due_rule = models.CharField(_("期限依据"), max_length=300, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return self.question[:40]
