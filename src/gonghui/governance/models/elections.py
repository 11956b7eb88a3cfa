"""换届选举: the election rule in force (选举办法 numbers as data, inherited down the tree), the
election of a committee with its declared transitions, and its candidates."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.scoping import ScopedManager
from gonghui.governance.models.committees import Committee, CommitteeKind, SeatRole
from gonghui.members.models import Member
from gonghui.orgs.models import Org


class ElectionRule(models.Model):
    """The numbers of a 选举办法 an org sets for its subtree; a row without org is the
    national default. Defaults: the typical 选举办法 (DOMAIN.md §2.5)."""

    org = models.OneToOneField(
        Org, null=True, blank=True, on_delete=models.CASCADE, related_name="election_rule"
    )
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    quorum_num = models.PositiveSmallIntegerField(_("出席比例分子"), default=2)
    quorum_den = models.PositiveSmallIntegerField(_("出席比例分母"), default=3)
    min_surplus_pct = models.PositiveSmallIntegerField(_("最低差额率（%）"), default=5)
    max_postpone_months = models.PositiveSmallIntegerField(_("延期换届最长月数"), default=12)
    remind_months = models.PositiveSmallIntegerField(_("提前提醒月数"), default=6)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("选举办法规则")
        verbose_name_plural = _("选举办法规则")

    def __str__(self) -> str:
        return str(self.org or _("全国默认"))


class ElectionState(models.TextChoices):
    REQUESTED = "requested", _("待上级批准")
    APPROVED = "approved", _("上级已批准")
    NOMINATING = "nominating", _("提名候选人")
    PRESELECTED = "preselected", _("候选人已确定")
    VOTING = "voting", _("投票中")
    COUNTED = "counted", _("已计票")
    REPORTED = "reported", _("已报上级批复")
    CONFIRMED = "confirmed", _("新一届已就任")
    CANCELLED = "cancelled", _("已撤销")


OPEN_ELECTION_STATES = (
    ElectionState.REQUESTED,
    ElectionState.APPROVED,
    ElectionState.NOMINATING,
    ElectionState.PRESELECTED,
    ElectionState.VOTING,
    ElectionState.COUNTED,
    ElectionState.REPORTED,
)


class ElectorateKind(models.TextChoices):
    MEMBERS = "members", _("会员大会")
    DELEGATES = "delegates", _("会员代表大会")


class Election(models.Model):
    org = models.ForeignKey(
        Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="elections"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(
        _("委员会"), max_length=10, choices=CommitteeKind.choices, default=CommitteeKind.MAIN
    )
    state = FSMField(
        _("状态"), max_length=12, choices=ElectionState.choices, default=ElectionState.REQUESTED
    )
    previous = models.ForeignKey(
        Committee,
        verbose_name=_("上届委员会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    elected = models.ForeignKey(
        Committee,
        verbose_name=_("新一届委员会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_ref = models.CharField(_("同意换届批复文号"), max_length=60, blank=True)
    # The 选举办法: who votes, how many seats, the term; the rule's numbers copied when adopted.
    electorate = models.CharField(
        _("选举方式"), max_length=10, choices=ElectorateKind.choices, blank=True
    )
    delegate_names = models.TextField(_("会员代表名单"), blank=True)
    member_count = models.PositiveIntegerField(_("会员人数"), default=0)
    entitled = models.PositiveIntegerField(_("应到人数"), default=0)
    seats = models.PositiveSmallIntegerField(_("应选名额"), default=0)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=0)
    quorum_num = models.PositiveSmallIntegerField(default=2)
    quorum_den = models.PositiveSmallIntegerField(default=3)
    min_surplus_pct = models.PositiveSmallIntegerField(default=5)
    present = models.PositiveIntegerField(_("实到人数"), null=True, blank=True)
    ballot_id = models.PositiveIntegerField(_("选票"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    voted_on = models.DateField(_("选举日期"), null=True, blank=True)
    result_ref = models.CharField(_("选举结果批复文号"), max_length=60, blank=True)
    confirmed_on = models.DateField(_("就任日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("换届选举")
        verbose_name_plural = _("换届选举")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind"],
                condition=~models.Q(state__in=["confirmed", "cancelled"]),
                name="governance_one_open_election",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()}换届选举"

    @transition(field=state, source=ElectionState.REQUESTED, target=ElectionState.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=state, source=ElectionState.APPROVED, target=ElectionState.NOMINATING)
    def adopt_method(self) -> None:
        pass

    @transition(field=state, source=ElectionState.NOMINATING, target=ElectionState.PRESELECTED)
    def preselect(self) -> None:
        pass

    @transition(field=state, source=ElectionState.PRESELECTED, target=ElectionState.VOTING)
    def open_vote(self) -> None:
        pass

    @transition(field=state, source=ElectionState.VOTING, target=ElectionState.VOTING)
    def runoff(self) -> None:
        pass

    @transition(field=state, source=ElectionState.VOTING, target=ElectionState.COUNTED)
    def count(self) -> None:
        pass

    @transition(field=state, source=ElectionState.COUNTED, target=ElectionState.REPORTED)
    def report(self) -> None:
        pass

    @transition(field=state, source=ElectionState.REPORTED, target=ElectionState.CONFIRMED)
    def confirm(self) -> None:
        pass

    @transition(field=state, source=list(OPEN_ELECTION_STATES), target=ElectionState.CANCELLED)
    def cancel(self) -> None:
        pass


class Candidate(models.Model):
    election = models.ForeignKey(
        Election, verbose_name=_("换届选举"), on_delete=models.CASCADE, related_name="candidates"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("拟任职务"), max_length=12, choices=SeatRole.choices, default=SeatRole.MEMBER
    )
    nominated_by = models.CharField(_("提名方式"), max_length=60)
    preselected = models.BooleanField(_("预选通过"), default=False)
    votes = models.PositiveIntegerField(_("得票"), null=True, blank=True)
    elected = models.BooleanField(_("当选"), default=False)
    in_runoff = models.BooleanField(_("另行选举"), default=False)
    ballot_code = models.CharField(max_length=8, blank=True)  # its option on the current ballot

    objects = ScopedManager()

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["election", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="governance_one_candidacy")
        ]

    def __str__(self) -> str:
        return f"{self.election} {self.member_id}"
