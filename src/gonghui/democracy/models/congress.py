"""Models of the workers' congress (DOMAIN.md §5): rules, congress, terms, sessions, delegates,
attendance (their history lives in core.workflow's table). Motions and 厂务公开 live in
``models_motions`` and ``models_disclosure``; they are imported at the end so Django sees them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.scoping import ScopedManager
from gonghui.members.models import Gender, Member
from gonghui.orgs.models import Org

# A congress is a 职工代表大会 from this many staff on; below it every worker attends (职工大会).
REPRESENTATIVE_THRESHOLD = 100


class CompositionRule(models.Model):
    """Rules of an org's congress, inherited by its subtree; ``org`` empty = the national default.

    The nearest rule up the tree applies (DESIGN.md rule 10) and pages name the rule used."""

    org = models.OneToOneField(
        Org,
        verbose_name=_("工会组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="democracy_rule",
    )
    org_path = models.CharField(max_length=255, db_index=True, blank=True)
    min_delegates = models.PositiveIntegerField(_("代表最少人数"), default=30)
    min_staff_pct = models.PositiveSmallIntegerField(_("代表占职工人数最低比例(%)"), default=5)
    frontline_min_pct = models.PositiveSmallIntegerField(_("一线职工最低比例(%)"), default=50)
    managers_max_pct = models.PositiveSmallIntegerField(
        _("中层以上管理人员最高比例(%)"), default=20
    )
    women_gap_max_pct = models.PositiveSmallIntegerField(
        _("女代表比例可低于女职工比例的百分点"), default=5
    )
    min_cosigners = models.PositiveSmallIntegerField(_("提案最少附议人数"), default=2)
    reply_working_days = models.PositiveSmallIntegerField(_("提案答复期限(工作日)"), default=20)
    materials_days = models.PositiveSmallIntegerField(_("会议材料提前送达天数"), default=7)
    question_days = models.PositiveSmallIntegerField(_("厂务公开问题答复期限(日)"), default=30)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("职代会规则")
        verbose_name_plural = _("职代会规则")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        if self.org_id is None:
            return str(_("全国默认规则"))
        return str(_("%(org)s的规则") % {"org": self.org.name if self.org else ""})


class CongressKind(models.TextChoices):
    REPRESENTATIVE = "representative", _("职工代表大会")
    GENERAL = "general", _("职工大会")


class Congress(models.Model):
    org = models.OneToOneField(
        # The org row is only deleted when a whole tree is wiped (orgs are dissolved, not
        # deleted): its congress goes with it.
        Org,
        verbose_name=_("工会组织"),
        on_delete=models.CASCADE,
        related_name="democracy_congress",
    )
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("形式"), max_length=16, choices=CongressKind.choices)
    staff_count = models.PositiveIntegerField(_("职工人数"))
    female_staff_count = models.PositiveIntegerField(_("女职工人数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("职代会")
        verbose_name_plural = _("职代会")

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A 届 of 3–5 years (DOMAIN.md §5)."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="terms")
    org_path = models.CharField(max_length=255, db_index=True)
    number = models.PositiveSmallIntegerField(_("届次"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("届满日期"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("届")
        verbose_name_plural = _("届")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="democracy_term_unique")
        ]

    def __str__(self) -> str:
        return str(_("第%(n)d届") % {"n": self.number})


class SessionState(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    MATERIALS_SENT = "materials_sent", _("材料已送达")
    OPEN = "open", _("开会中")
    CLOSED = "closed", _("已闭会")


class Session(models.Model):
    """A 次 of a term. Its state and attendance answer "may this session vote now?"."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="sessions")
    org_path = models.CharField(max_length=255, db_index=True)
    number = models.PositiveSmallIntegerField(_("次"))
    title = models.CharField(_("会议名称"), max_length=150)
    scheduled_for = models.DateField(_("召开日期"))
    location = models.CharField(_("地点"), max_length=120, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    materials = models.TextField(_("会议材料"), blank=True)
    # Changed only by the services in congress.py, under a row lock, with a history row.
    state = FSMField(
        _("状态"), max_length=16, choices=SessionState.choices, default=SessionState.PLANNED
    )
    materials_sent_on = models.DateField(_("材料送达日期"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开会时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("闭会时间"), null=True, blank=True)
    # Delegates in office when the session opened: the base of the 2/3 quorum from then on.
    in_office_at_open = models.PositiveIntegerField(_("开会时在任代表数"), null=True, blank=True)

    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-scheduled_for"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="democracy_session_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @transition(field=state, source=SessionState.PLANNED, target=SessionState.MATERIALS_SENT)
    def send_materials(self) -> None:
        pass

    @transition(field=state, source=SessionState.MATERIALS_SENT, target=SessionState.OPEN)
    def open(self) -> None:
        pass

    @transition(field=state, source=SessionState.OPEN, target=SessionState.CLOSED)
    def close(self) -> None:
        pass


class OccupationGroup(models.TextChoices):
    FRONTLINE = "frontline", _("一线职工")
    TECHNICAL = "technical", _("技术人员")
    MANAGEMENT = "management", _("管理人员")
    LEADERSHIP = "leadership", _("领导人员")


MANAGER_GROUPS = (OccupationGroup.MANAGEMENT, OccupationGroup.LEADERSHIP)


class Delegate(models.Model):
    """A delegate of one term. Leaving office keeps the row (date, reason); a 补选 adds one."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="delegates")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    group = models.CharField(_("职工类别"), max_length=12, choices=OccupationGroup.choices)
    constituency = models.CharField(_("选区"), max_length=80)
    member = models.ForeignKey(
        Member,
        verbose_name=_("会员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegate_seats",
    )
    elected_on = models.DateField(_("当选日期"))
    by_election = models.BooleanField(_("补选"), default=False)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("接替"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
    )
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    leave_reason = models.CharField(_("离任原因"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("职工代表")
        verbose_name_plural = _("职工代表")
        ordering = ["constituency", "name"]
        indexes = [models.Index(fields=["term", "left_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def in_office(self) -> bool:
        return self.left_on is None


class CheckInMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    OFFICER = "officer", _("工作人员登记")


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="attendances")
    org_path = models.CharField(max_length=255, db_index=True)
    checked_in_at = models.DateTimeField(_("签到时间"))
    method = models.CharField(_("签到方式"), max_length=8, choices=CheckInMethod.choices)
    # Set while the delegate is out of the hall: the live quorum counts only those inside.
    left_at = models.DateTimeField(_("离场时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "delegate"], name="democracy_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.delegate_id}"
