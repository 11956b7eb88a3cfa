"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "stats.period.frozen": _("锁定统计年度"),
    "stats.report.edited": _("修改年报数据"),
    "stats.report.draft": _("年报退回待上报"),
    "stats.report.submitted": _("上报年报"),
    "stats.report.accepted": _("审核通过年报"),
    "stats.report.returned": _("退回年报"),
}
