"""Forms of the benefits pages (shape only; the services check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.benefits.models import Campaign, Category, OfferKind
from gonghui.benefits.segments import segment_choices
from gonghui.core.forms import AmountField, BootstrapMixin, BoundedDateField

DATE = forms.DateInput(attrs={"type": "date"})


class MerchantForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("商户名称"), max_length=100)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    address = forms.CharField(label=_("地址"), max_length=200)
    region_code = forms.CharField(label=_("行政区划代码"), max_length=6)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20)
    agreement_start = BoundedDateField(label=_("协议开始日期"), widget=DATE)
    agreement_end = BoundedDateField(label=_("协议结束日期"), widget=DATE)


class RenewForm(BootstrapMixin, forms.Form):
    agreement_end = BoundedDateField(label=_("新的协议结束日期"), widget=DATE)


class StaffForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("商户账号用户名"), max_length=150)


class OfferForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("优惠名称"), max_length=100)
    kind = forms.ChoiceField(label=_("优惠方式"), choices=OfferKind.choices)
    value = AmountField(
        label=_("优惠数值"),
        max_digits=10,
        decimal_places=2,
        help_text=_("折扣填减免百分比（如 20 即八折），立减填金额，特价填售价，赠品填赠品价值"),
    )
    item = forms.CharField(label=_("赠品"), max_length=100, required=False)
    min_bill = AmountField(label=_("最低消费"), max_digits=10, decimal_places=2, initial=0)
    valid_from = BoundedDateField(label=_("有效期起"), widget=DATE)
    valid_until = BoundedDateField(label=_("有效期止"), widget=DATE)
    segment = forms.ChoiceField(label=_("适用会员"), required=False, choices=())
    per_member_daily = forms.IntegerField(label=_("每人每日限用"), min_value=0, initial=1)
    per_member_total = forms.IntegerField(
        label=_("每人限用总次数"), min_value=0, initial=0, help_text=_("0 表示不限")
    )
    quota = forms.IntegerField(label=_("总名额"), min_value=1)
    budget = AmountField(label=_("优惠总预算（元）"), max_digits=12, decimal_places=2)
    union_share = forms.IntegerField(
        label=_("工会补贴比例（%）"), min_value=0, max_value=100, initial=0
    )
    campaign = forms.ModelChoiceField(
        label=_("所属活动"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args: Any, campaigns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segment_choices()  # type: ignore[attr-defined]
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class CampaignForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea)
    starts_on = BoundedDateField(label=_("开始日期"), widget=DATE)
    ends_on = BoundedDateField(label=_("结束日期"), widget=DATE)
    signup_required = forms.BooleanField(label=_("须报名"), required=False)
    per_member_limit = forms.IntegerField(
        label=_("每人全活动限用次数"), min_value=0, initial=0, help_text=_("0 表示不限")
    )


class ReplyForm(BootstrapMixin, forms.Form):
    reply = forms.CharField(label=_("处理意见"), widget=forms.Textarea, max_length=2000)


class ComplaintForm(BootstrapMixin, forms.Form):
    content = forms.CharField(label=_("投诉内容"), widget=forms.Textarea, max_length=2000)


class PeriodForm(forms.Form):
    since = BoundedDateField(required=False)
    until = BoundedDateField(required=False)


class VerifyForm(BootstrapMixin, forms.Form):
    token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    card_no = forms.CharField(label=_("卡号"), required=False, max_length=30)
    code = forms.CharField(label=_("动态码"), required=False, max_length=10)


class RedeemForm(VerifyForm):
    offer = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    bill_amount = AmountField(
        label=_("消费金额（元）"), max_digits=10, decimal_places=2, min_value=0
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    ticket = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
