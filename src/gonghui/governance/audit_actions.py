"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # --- committees, formation, terms and 换届 (gov) ---
    "governance.committee.created": _("登记工会委员会"),
    "governance.committee.seat_added": _("增补委员会成员"),
    "governance.committee.seat_ended": _("委员会成员离任"),
    # --- dues, funds and audits (dues) ---
    "governance.dues.set": _("核定会费"),
    "governance.dues.paid": _("收缴会费"),
    "governance.dues.wage_revealed": _("查看会员工资"),
    "governance.dues.educated": _("记录会费教育"),
    "governance.dues.auto_withdrawn": _("视为自动退会"),
    "governance.dues.fund_created": _("建立会费资金"),
    "governance.dues.deposited": _("会费入账"),
    "governance.dues.refunded": _("会费冲回"),
    "governance.dues.bank_file": _("导出会费银行文件"),
    "governance.funds.set": _("录入工资总额"),
    "governance.funds.received": _("工会经费到账"),
    "governance.funds.reminded": _("发出工会经费催缴函"),
    "governance.funds.fund_created": _("建立工会经费资金"),
    "governance.funds.deposited": _("工会经费入账"),
    "governance.funds.refunded": _("工会经费冲回"),
    "governance.funds.bank_file": _("导出工会经费银行文件"),
    "governance.audit.opened": _("开始年度经费审查"),
    "governance.audit.sampled": _("随机抽查凭证"),
    "governance.audit.checked": _("核对抽查凭证"),
    "governance.audit.finding": _("记录审查发现的问题"),
    "governance.audit.rectified": _("记录问题整改"),
    "governance.audit.reported": _("出具经费审查报告"),
}
