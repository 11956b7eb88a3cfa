from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.crypto import EncryptedTextField
from gonghui.core.scoping import ScopedManager
from gonghui.core.storage import private_storage


class AuditEvent(models.Model):
    """Who did what to which object, in which subtree, when, from where (DESIGN.md rule 2).

    Written by services in the same transaction as the change. ``action`` is a namespaced code
    such as ``orgs.org.moved``. The actor may be empty on purpose (an anonymous appeal).
    """

    action = models.CharField(_("操作"), max_length=100)  # filtered within a scope: path index
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target_label = models.CharField(_("对象"), max_length=255, blank=True)
    # No index of its own: core_audit_path_time leads with it and serves the path ranges.
    org_path = models.CharField(_("组织路径"), max_length=255, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org_path", "created_at"], name="core_audit_path_time")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_label}"


# --- working-day calendar (core.deadlines) -------------------------------------------------------


class CalendarYear(models.Model):
    """A year whose official holiday/调休 schedule has been entered. Years without a row are
    computed on weekends only and their deadlines are marked unconfirmed."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """An exception to the weekday rule: a weekday off (holiday) or a weekend day worked (调休)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


# --- dictionaries (core.dicts) -------------------------------------------------------------------


class DictEntry(models.Model):
    """One value of an administrator-edited dictionary (民族, 学历, 政治面貌 ...), with aliases
    that imports map to it (汉 → 汉族)."""

    dictionary = models.CharField(_("字典"), max_length=40, db_index=True)
    code = models.CharField(_("代码"), max_length=20)
    label = models.CharField(_("名称"), max_length=60)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("字典项")
        verbose_name_plural = _("字典项")
        ordering = ["dictionary", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dictionary", "code"], name="core_dict_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dictionary}:{self.code} {self.label}"


# --- notifications (core.notify) -----------------------------------------------------------------


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    """A message to a user (站内信, shown in the UI) or to a phone number, with its delivery."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    phone = EncryptedTextField(_("手机号码"), blank=True, default="")
    channel = models.CharField(_("渠道"), max_length=20)
    template = models.CharField(_("模板"), max_length=100)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="core_notif_recipient_unread")
        ]

    def __str__(self) -> str:
        return self.subject or self.template


# --- Excel import and export jobs (core.importing / core.exporting) -----------------------------


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """An uploaded file run through an importer: progress, counts, the rejected-rows workbook."""

    importer = models.CharField(_("导入类型"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_path = models.CharField(max_length=255, db_index=True)
    options = models.JSONField(default=dict, blank=True)
    source = models.FileField(_("导入文件"), upload_to="imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("文件名"), max_length=255)
    dry_run = models.BooleanField(_("仅检查"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("总行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    imported = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    warnings = models.PositiveIntegerField(_("警告"), default=0)
    errors_file = models.FileField(
        _("问题行工作簿"), upload_to="imports/errors/%Y/%m/", blank=True, storage=private_storage
    )
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Who runs it ("host:pid:start-time", core.importing.jobs.worker_identity) and when it last
    # reported: the reaper fails a running job whose worker is gone.
    worker = models.CharField(_("执行进程"), max_length=120, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.importer} {self.original_name}"


class ExportJob(models.Model):
    """A large export run as a task: the exporter's rows written to xlsx or CSV."""

    exporter = models.CharField(_("导出类型"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_path = models.CharField(max_length=255, db_index=True)
    params = models.JSONField(default=dict, blank=True)
    file_format = models.CharField(_("格式"), max_length=10, default="xlsx")
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("行数"), default=0)
    result = models.FileField(
        _("导出文件"), upload_to="exports/%Y/%m/", blank=True, storage=private_storage
    )
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.exporter} {self.created_at:%Y-%m-%d}"


class OrgCounter(models.Model):
    """One figure of one org, for the org itself and not its subtree (DESIGN.md "Performance").

    The services that change what a figure counts bump it in their own transaction
    (``core.counters.bump``): an upsert of this org's row only, no lock on any ancestor. A
    subtree's figures are sums of these rows by path prefix; ``rebuild_counters`` recomputes
    them all from the modules' sources. The org is known by its path (core knows no orgs), which
    a subtree move rewrites like every other ``org_path``.
    """

    org_path = models.CharField(max_length=255)
    key = models.CharField(max_length=64)
    value = models.BigIntegerField(default=0)
    # A dimension's buckets ({"1985": 3}) when ``key`` is a dimension (core.spreads); else null.
    spread = models.JSONField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("组织计数")
        verbose_name_plural = _("组织计数")
        constraints = [
            models.UniqueConstraint(fields=["org_path", "key"], name="core_one_counter_per_key")
        ]
        # No index holds ``value`` or ``spread``: a bump's upsert changes only those, so it is
        # a HOT update (issue 18.3). Rollups read an org's rows by the unique (org_path, key).

    def __str__(self) -> str:
        return f"{self.org_path} {self.key}={self.value}"


class CounterDelta(models.Model):
    """A change of an org's counter not yet folded into its ancestors' ``SubtreeCounter`` rows:
    appended by ``bump`` beside the ``OrgCounter`` upsert (an insert, no row anyone else
    writes), read by subtree sums until the scheduled refresh folds and deletes it."""

    org_path = models.CharField(max_length=255)
    key = models.CharField(max_length=64)
    delta = models.BigIntegerField()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("计数变动")
        verbose_name_plural = _("计数变动")
        indexes = [
            models.Index(fields=["org_path", "key"], include=["delta"], name="core_delta_subtree")
        ]

    def __str__(self) -> str:
        return f"{self.org_path} {self.key}{self.delta:+d}"


class SubtreeCounter(models.Model):
    """One figure summed over an org's descendants (not the org itself), as of the last fold
    (ADR 0018): a subtree's figures are its own ``OrgCounter`` rows, these rows and the
    pending deltas below it, so a province reads O(keys) rows whatever its size."""

    org_path = models.CharField(max_length=255)
    key = models.CharField(max_length=64)
    value = models.BigIntegerField(default=0)
    # A dimension's buckets ({"1985": 3}) when ``key`` is a dimension (core.spreads); else null.
    spread = models.JSONField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("下级汇总计数")
        verbose_name_plural = _("下级汇总计数")
        constraints = [
            models.UniqueConstraint(fields=["org_path", "key"], name="core_one_subtree_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.org_path}/* {self.key}={self.value}"


class RollupState(models.Model):
    """One row: when the pending deltas were last folded (the "截至" time of the figures)."""

    refreshed_at = models.DateTimeField(_("汇总时间"))

    class Meta:
        verbose_name = _("汇总状态")
        verbose_name_plural = _("汇总状态")

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


# --- scheduled jobs (core.schedule, core.scheduler) -----------------------------------------------


class JobRunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


class JobRun(models.Model):
    """One run of a periodic job: claimed by a scheduler for one cron time (or asked for by a
    superuser), then executed by a task worker through ``core.tasks.run_periodic_job``, which
    records the outcome here whatever the task backend.

    A scheduled run is unique per (job, scheduled time): the claim that keeps two schedulers from
    running a job twice (``core.scheduler``) ends in this row."""

    job = models.CharField(_("任务"), max_length=100)
    scheduled_for = models.DateTimeField(_("计划时间"), null=True, blank=True)
    manual = models.BooleanField(_("手动运行"), default=False)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("运行人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=JobRunStatus.choices, default=JobRunStatus.QUEUED
    )
    created_at = models.DateTimeField(_("加入队列时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    task_id = models.CharField(_("任务队列编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "scheduled_for"],
                condition=models.Q(scheduled_for__isnull=False),
                name="core_jobrun_once_per_time",
            )
        ]
        indexes = [models.Index(fields=["job", "-created_at"], name="core_jobrun_latest")]

    def __str__(self) -> str:
        return f"{self.job} {self.scheduled_for or self.created_at}"

    @property
    def error_summary(self) -> str:
        """The last line of the recorded traceback: the exception and its message."""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1][:300] if lines else ""


class NoticeSent(models.Model):
    """A reminder that has been sent (core.reminders): one row per (source, key), so a job that
    runs again, or twice at once, tells nobody twice."""

    source = models.CharField(max_length=60)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已发送提醒")
        verbose_name_plural = _("已发送提醒")
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="core_notice_once")]

    def __str__(self) -> str:
        return f"{self.source} {self.key}"


class HistoryEntry(models.Model):
    """One step of any object's workflow (DESIGN.md rule 4, ADR 0021): which object, which
    transition, from, to, who, why, when. Written only by ``core.workflow.transition``.

    ``actor`` is empty for system jobs and for the submitter of an anonymous item, whose trail
    must not link a person (``actor_label`` is what the trail shows then). ``org_path`` is the
    object's, so the row moves with it (ADR 0020: found by introspection, swept by a merge)."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    org_path = models.CharField(_("组织路径"), max_length=255)
    transition = models.CharField(_("环节"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("办理人名称"), max_length=150, blank=True)
    reason = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    # A default, not auto_now_add: the data migrations carry old rows over with their own time.
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="core_hist_obj"),
            models.Index(fields=["org_path", "created_at"], name="core_hist_path_time"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.transition}"


# The ledger's models live apart (models_ledger) to keep this module short.
from gonghui.core.models_ledger import EntryDirection, Fund, LedgerEntry  # noqa: E402,F401
