"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "members.member.registered": _("登记会员"),
    "members.member.revealed": _("查看完整个人信息"),
    "members.member.merged": _("合并会员档案"),
    "members.member.retain": _("保留会籍"),
    "members.member.restore": _("恢复会籍"),
    "members.member.withdraw": _("退会"),
    "members.member.expel": _("开除会籍"),
    "members.member.imported": _("导入会员"),
    "members.member.import_updated": _("导入更新会员"),
    "members.member.activated": _("激活会员账号"),
    "members.member.exported": _("导出会员名册"),
    "members.member.exported_unmasked": _("导出完整个人信息"),
    "members.transfer.issued": _("开具转会"),
    "members.transfer.accepted": _("接收转会"),
    "members.transfer.rejected": _("拒收转会"),
    "members.transfer.cancelled": _("撤回转会"),
    "members.application.submitted": _("提交入会申请"),
    "members.application.approved": _("批准入会申请"),
    "members.application.rejected": _("不批准入会申请"),
    "members.card.issued": _("发放会员卡"),
    "members.card.replaced": _("补换会员卡"),
    "members.card.reported_lost": _("会员卡挂失"),
    "members.correction.requested": _("申请更正个人信息"),
    "members.correction.approved": _("同意更正个人信息"),
    "members.correction.rejected": _("不同意更正个人信息"),
}
