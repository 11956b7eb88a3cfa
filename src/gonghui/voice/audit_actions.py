"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "voice.appeal.submitted": _("提出诉求"),
    "voice.appeal.entered": _("代为登记诉求"),
    "voice.appeal.accepted": _("受理诉求"),
    "voice.appeal.declined": _("不予受理诉求"),
    "voice.appeal.transferred": _("转办诉求"),
    "voice.appeal.department": _("诉求转交部门"),
    "voice.appeal.escalated": _("诉求逾期移交上级"),
    "voice.appeal.replied": _("书面答复诉求"),
    "voice.appeal.rated": _("评价诉求办理"),
    "voice.appeal.reopened": _("诉求重新办理"),
    "voice.appeal.handed_off": _("提案转为诉求"),
    "voice.attachment.downloaded": _("下载诉求附件"),
    "voice.proposal.submitted": _("提出合理化建议"),
    "voice.proposal.reviewed": _("评审合理化建议"),
    "voice.proposal.adopted": _("采纳合理化建议"),
    "voice.proposal.rejected": _("不采纳合理化建议"),
    "voice.proposal.implemented": _("合理化建议实施"),
    "voice.proposal.rewarded": _("奖励合理化建议"),
    "voice.campaign.created": _("新建合理化建议活动"),
    "voice.forum.created": _("登记职工座谈会"),
}
