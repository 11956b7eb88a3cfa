"""普惠: partner merchants, their offers and campaigns, redemptions at the counter, complaints.

Merchants belong to the union that signed them (``org``/``org_path``): that subtree manages them
and sees their redemptions and settlement; signed merchants and approved offers are shown to the
members of the whole installation. An offer's ``used``/``spent`` counters move only inside
``counter.redemption_create`` under the offer's row lock and a conditional UPDATE, so that its
quota and budget can never be overspent.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.crypto import EncryptedTextField, mask_phone
from gonghui.core.scoping import ScopedManager
from gonghui.members.models import Member
from gonghui.orgs.models import Org


class Category(models.TextChoices):
    MEDICAL = "medical", _("医")
    FOOD = "food", _("食")
    LODGING = "lodging", _("住")
    TRAVEL = "travel", _("行")
    TOURISM = "tourism", _("游")
    SHOPPING = "shopping", _("购")
    LEISURE = "leisure", _("娱")
    FITNESS = "fitness", _("健")


class MerchantStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    SIGNED = "signed", _("签约")
    SUSPENDED = "suspended", _("暂停")
    TERMINATED = "terminated", _("终止")


class Merchant(models.Model):
    name = models.CharField(_("商户名称"), max_length=100)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    address = models.CharField(_("地址"), max_length=200)
    region_code = models.CharField(_("行政区划代码"), max_length=6, db_index=True)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = EncryptedTextField(_("联系电话"), index_field="phone_index", index_kind="phone")
    phone_index = models.CharField(max_length=64, editable=False, default="")
    agreement_start = models.DateField(_("协议开始日期"))
    agreement_end = models.DateField(_("协议结束日期"))
    org = models.ForeignKey(
        Org, verbose_name=_("签约工会"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    # Changed only through the declared transitions, by services under a row lock.
    status = FSMField(
        _("状态"), max_length=12, choices=MerchantStatus.choices, default=MerchantStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("普惠商户")
        verbose_name_plural = _("普惠商户")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status", "category"], name="benefits_merchant_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("benefits:merchant_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.contact_phone or "")

    @transition(
        field=status,
        source=[MerchantStatus.PENDING, MerchantStatus.SUSPENDED],
        target=MerchantStatus.SIGNED,
    )
    def sign(self) -> None:
        pass

    @transition(field=status, source=MerchantStatus.SIGNED, target=MerchantStatus.SUSPENDED)
    def suspend(self) -> None:
        pass

    @transition(
        field=status,
        source=[MerchantStatus.PENDING, MerchantStatus.SIGNED, MerchantStatus.SUSPENDED],
        target=MerchantStatus.TERMINATED,
    )
    def terminate(self) -> None:
        pass


class MerchantStaff(models.Model):
    """A merchant account (accounts.User of type merchant) working at one merchant's counter."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_staff"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("商户店员")
        verbose_name_plural = _("商户店员")

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.user_id}"


class Campaign(models.Model):
    """优惠活动: groups offers; members sign up first where ``signup_required``."""

    name = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    org = models.ForeignKey(
        Org, verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    signup_required = models.BooleanField(_("须报名"), default=False)
    per_member_limit = models.PositiveIntegerField(
        _("每人全活动限用次数"), default=0, help_text=_("0 表示不限")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("优惠活动")
        verbose_name_plural = _("优惠活动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignSignup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="benefits_one_signup")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.member_id}"


class OfferKind(models.TextChoices):
    PERCENT = "percent", _("折扣（减免百分比）")
    AMOUNT = "amount", _("立减金额")
    PRICE = "price", _("特价")
    FREE_ITEM = "free_item", _("赠品")


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已上架")
    WITHDRAWN = "withdrawn", _("已下架")


class Offer(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="offers")
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("所属活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
    )
    title = models.CharField(_("优惠名称"), max_length=100)
    kind = models.CharField(_("优惠方式"), max_length=12, choices=OfferKind.choices)
    # percent: percent off the bill; amount: yuan off; price: the price paid; free item: its value
    value = models.DecimalField(_("优惠数值"), max_digits=10, decimal_places=2)
    item = models.CharField(_("赠品"), max_length=100, blank=True)
    min_bill = models.DecimalField(
        _("最低消费"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    segment = models.CharField(_("适用会员"), max_length=30, blank=True)
    per_member_daily = models.PositiveIntegerField(_("每人每日限用"), default=1)
    per_member_total = models.PositiveIntegerField(
        _("每人限用总次数"), default=0, help_text=_("0 表示不限")
    )
    quota = models.PositiveIntegerField(_("总名额"))
    budget = models.DecimalField(_("优惠总预算（元）"), max_digits=12, decimal_places=2)
    union_share = models.PositiveSmallIntegerField(
        _("工会补贴比例（%）"),
        default=0,
        help_text=_("优惠金额中由工会补贴的百分比，其余由商户让利"),
    )
    used = models.PositiveIntegerField(default=0, editable=False)
    spent = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )
    org_path = models.CharField(max_length=255, db_index=True)
    status = FSMField(
        _("状态"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("优惠")
        verbose_name_plural = _("优惠")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used__lte=models.F("quota")), name="benefits_quota_held"
            ),
            models.CheckConstraint(
                condition=models.Q(spent__lte=models.F("budget")), name="benefits_budget_held"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def segment_label(self) -> str:
        from gonghui.core.registry import member_segment_get

        segment = member_segment_get(self.segment) if self.segment else None
        return str(segment.label) if segment else ""

    @transition(field=status, source=OfferStatus.PENDING, target=OfferStatus.APPROVED)
    def approve(self) -> None:
        pass

    @transition(
        field=status,
        source=[OfferStatus.PENDING, OfferStatus.APPROVED],
        target=OfferStatus.WITHDRAWN,
    )
    def withdraw(self) -> None:
        pass


class Redemption(models.Model):
    """核销: one use of an offer by a member at the counter."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="redemptions")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="redemptions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_key = models.CharField(max_length=64)
    bill_amount = models.DecimalField(_("消费金额"), max_digits=10, decimal_places=2)
    discount = models.DecimalField(_("优惠金额"), max_digits=10, decimal_places=2)
    merchant_part = models.DecimalField(_("商户让利"), max_digits=10, decimal_places=2)
    union_part = models.DecimalField(_("工会补贴"), max_digits=10, decimal_places=2)
    paid_amount = models.DecimalField(_("实付金额"), max_digits=10, decimal_places=2)
    # the merchant's union subtree (officers' scope) and the member's own (who benefits)
    org_path = models.CharField(max_length=255)
    member_path = models.CharField(max_length=255)
    segments = models.CharField(max_length=200, blank=True)  # ",migrant,retained," at the time
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("核销记录")
        verbose_name_plural = _("核销记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "client_key"], name="benefits_once_per_key")
        ]
        indexes = [
            models.Index(fields=["offer", "member", "day"], name="benefits_limit_lookup"),
            models.Index(fields=["org_path", "day"], name="benefits_path_day"),
            models.Index(fields=["member", "-created_at"], name="benefits_member_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id}/{self.client_key}"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    HANDLED = "handled", _("已处理")


class Complaint(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="complaints")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    content = models.TextField(_("投诉内容"))
    org_path = models.CharField(max_length=255, db_index=True)
    # Changed only through the declared transition, by the service under a row lock.
    status = FSMField(max_length=8, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    reply = models.TextField(_("处理意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("商户投诉")
        verbose_name_plural = _("商户投诉")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.content[:20]}"

    @transition(field=status, source=ComplaintStatus.OPEN, target=ComplaintStatus.HANDLED)
    def handle(self) -> None:
        pass
