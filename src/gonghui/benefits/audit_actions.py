"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "benefits.merchant.created": _("登记商户"),
    "benefits.merchant.sign": _("商户签约"),
    "benefits.merchant.suspend": _("暂停商户"),
    "benefits.merchant.terminate": _("终止商户合作"),
    "benefits.merchant.renewed": _("商户续签"),
    "benefits.staff.linked": _("绑定商户店员"),
    "benefits.offer.created": _("新建优惠"),
    "benefits.offer.approve": _("审核通过优惠"),
    "benefits.offer.withdraw": _("下架优惠"),
    "benefits.offer.redeemed": _("核销优惠"),
    "benefits.campaign.created": _("新建普惠活动"),
    "benefits.campaign.signed_up": _("商户报名普惠活动"),
    "benefits.complaint.submitted": _("投诉商户"),
    "benefits.complaint.handled": _("处理商户投诉"),
}
