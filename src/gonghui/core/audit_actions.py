"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "core.calendar.saved": _("保存节假日调休表"),
    "core.counters.drift": _("统计计数与重算不一致"),
    "core.counters.drift_cleared": _("统计计数偏差已消除"),
    "core.import.errors_downloaded": _("下载导入问题行"),
    "core.import.finished": _("导入完成"),
    "core.import.reaped": _("导入进程终止，标记失败"),
    "core.keys.rotated": _("轮换加密密钥"),
    "core.schedule.run_requested": _("手动运行定时任务"),
    "core.task.retried": _("重试后台任务"),
}
