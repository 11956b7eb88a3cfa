"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # --- selection engine and roster (hon) ---
    "honors.award_type.saved": _("保存荣誉类型"),
    "honors.rule.saved": _("保存人选结构要求"),
    "honors.call.issued": _("发布评选"),
    "honors.call.closed": _("推荐截止"),
    "honors.call.published": _("开始公示"),
    "honors.call.approved": _("批准表彰"),
    "honors.call.cancelled": _("撤销评选"),
    "honors.quota.given": _("分配推荐名额"),
    "honors.nomination.created": _("推荐人选"),
    "honors.nomination.proposed": _("上报推荐人选"),
    "honors.nomination.recommended": _("向上级推荐"),
    "honors.nomination.dropped": _("不予推荐"),
    "honors.nomination.published": _("人选公示"),
    "honors.nomination.conferred": _("授予荣誉"),
    "honors.nomination.rejected": _("人选未通过"),
    "honors.nomination.withdrawn": _("撤回推荐"),
    "honors.nomination.consulted": _("登记征求意见"),
    "honors.nomination.evidence_added": _("上传事迹材料"),
    "honors.submission.sent": _("上报推荐名单"),
    "honors.submission.override": _("结构未达标仍上报"),
    "honors.objection.received": _("收到公示异议"),
    "honors.objection.answered": _("答复公示异议"),
    "honors.honour.recorded": _("登记荣誉"),
    "honors.honour.lapsed": _("荣誉管理期满失效"),
    "honors.honour.revoked": _("撤销荣誉称号"),
    "honors.honour.hardship": _("标记困难劳模"),
    # --- aftercare (hon2) appends below ---
}
