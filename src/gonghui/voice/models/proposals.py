"""合理化建议 (rationalization proposals) with their expert reviews, campaigns, and 座谈会 forums
whose items become tracked appeals or proposals. Imported by ``models``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Org


class ProposalCampaign(models.Model):
    """合理化建议月, 我为企业献一计 …: a period in which proposals are collected and ranked."""

    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("活动名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("合理化建议活动")
        verbose_name_plural = _("合理化建议活动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("voice:campaign_detail", args=[self.pk])


class ProposalField(models.TextChoices):
    TECHNOLOGY = "technology", _("技术改进")
    SAFETY = "safety", _("安全生产")
    QUALITY = "quality", _("产品质量")
    SAVING = "saving", _("节能降耗")
    MANAGEMENT = "management", _("经营管理")
    OTHER = "other", _("其他")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待评审")
    ADOPTED = "adopted", _("已采纳")
    REJECTED = "rejected", _("未采纳")
    IMPLEMENTED = "implemented", _("已实施")
    REWARDED = "rewarded", _("已奖励")


class BenefitKind(models.TextChoices):
    MONEY = "money", _("节约资金")
    SAFETY = "safety", _("安全效益")
    QUALITY = "quality", _("质量效益")
    OTHER = "other", _("其他效益")


class Proposal(models.Model):
    org = models.ForeignKey(Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    campaign = models.ForeignKey(
        ProposalCampaign,
        verbose_name=_("所属活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    field = models.CharField(_("类别"), max_length=12, choices=ProposalField.choices)
    title = models.CharField(_("建议名称"), max_length=100)
    content = models.TextField(_("建议内容"))
    expected_benefit = models.TextField(_("预期效益"), blank=True)
    proposer = models.CharField(_("建议人"), max_length=50)
    team = models.CharField(_("团队成员"), max_length=200, blank=True)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    status = FSMField(
        _("状态"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    decision_reason = models.TextField(_("评审结论"), blank=True)
    decided_on = models.DateField(_("评审日期"), null=True, blank=True)
    implemented_on = models.DateField(_("实施日期"), null=True, blank=True)
    benefit_kind = models.CharField(
        _("效益类型"), max_length=10, choices=BenefitKind.choices, blank=True
    )
    estimated_saving = models.DecimalField(
        _("预计效益（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    verified_saving = models.DecimalField(
        _("核定效益（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    benefit_note = models.CharField(_("效益说明"), max_length=300, blank=True)
    reward_amount = models.DecimalField(
        _("奖励金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reward_paid_on = models.DateField(_("奖励发放日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("合理化建议")
        verbose_name_plural = _("合理化建议")
        indexes = [models.Index(fields=["org_path", "status"], name="voice_prop_path_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("voice:proposal_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"JY{self.pk or 0:07d}"

    @property
    def is_team(self) -> bool:
        return bool(self.team)

    @transition(field=status, source=ProposalStatus.SUBMITTED, target=ProposalStatus.ADOPTED)
    def adopt(self) -> None:
        pass

    @transition(field=status, source=ProposalStatus.SUBMITTED, target=ProposalStatus.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=ProposalStatus.ADOPTED, target=ProposalStatus.IMPLEMENTED)
    def implement(self) -> None:
        pass

    @transition(
        field=status,
        source=[ProposalStatus.ADOPTED, ProposalStatus.IMPLEMENTED],
        target=ProposalStatus.REWARDED,
    )
    def reward(self) -> None:
        pass


class ProposalReview(models.Model):
    """An expert's opinion: an account, or a reviewer whose opinion an officer enters."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_name = models.CharField(_("评审人"), max_length=50)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopt = models.BooleanField(_("建议采纳"))
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    opinion = models.TextField(_("评审意见"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.reviewer_name


class Forum(models.Model):
    """座谈会: a meeting with workers; each item raised becomes a tracked appeal or proposal."""

    org = models.ForeignKey(Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("座谈会名称"), max_length=100)
    held_on = models.DateField(_("召开日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    participants = models.TextField(_("参加人员"), blank=True)
    summary = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("座谈会")
        verbose_name_plural = _("座谈会")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("voice:forum_detail", args=[self.pk])


class ForumItem(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("反映事项"))
    raised_by = models.CharField(_("提出人"), max_length=50, blank=True)
    appeal = models.ForeignKey(
        "voice.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:30]
