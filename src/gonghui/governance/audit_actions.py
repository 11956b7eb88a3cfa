"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # --- committees, formation, terms and 换届 (gov) ---
    "governance.committee.created": _("登记工会委员会"),
    "governance.committee.seat_added": _("增补委员会成员"),
    "governance.committee.seat_ended": _("委员会成员离任"),
    "governance.formation.approved": _("记录建会批复"),
    "governance.term.postponed": _("批准延期换届"),
    "governance.election.requested": _("申请换届"),
    "governance.election.approved": _("批准换届"),
    "governance.election.method_adopted": _("通过选举办法"),
    "governance.candidate.nominated": _("提名候选人"),
    "governance.election.preselected": _("确定候选人（预选）"),
    "governance.election.vote_opened": _("建立换届选票"),
    "governance.election.runoff": _("另行选举"),
    "governance.election.counted": _("换届选举计票"),
    "governance.election.reported": _("选举结果报上级批复"),
    "governance.election.confirmed": _("批复选举结果，新一届就任"),
    "governance.election.cancelled": _("撤销换届"),
    # --- dues, funds and audits (dues) ---
}
