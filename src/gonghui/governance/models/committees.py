"""A union's committees (委员会, 经费审查委员会, 女职工委员会) and their seats.

A committee row is one term of office: 换届 ends the old row and puts a new one in office on the
same date, so the history of a union's committees is its rows. Seats name members of the
registry (工会法 第十六条, 工会基层组织选举工作条例)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedManager
from gonghui.members.models import Member
from gonghui.orgs.models import Org


class CommitteeKind(models.TextChoices):
    MAIN = "main", _("工会委员会")
    AUDIT = "audit", _("经费审查委员会")
    WOMEN = "women", _("女职工委员会")


class CommitteeStatus(models.TextChoices):
    IN_OFFICE = "in_office", _("在任")
    ENDED = "ended", _("已届满离任")


class ChosenBy(models.TextChoices):
    ASSEMBLY = "assembly", _("会员大会选举")
    CONGRESS = "congress", _("会员代表大会选举")
    FOUNDING = "founding", _("建会大会选举")
    APPOINTED = "appointed", _("上级工会指派（筹备）")


class Committee(models.Model):
    org = models.ForeignKey(
        Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="committees"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("委员会"), max_length=10, choices=CommitteeKind.choices)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CommitteeStatus.choices,
        default=CommitteeStatus.IN_OFFICE,
    )
    chosen_by = models.CharField(_("产生方式"), max_length=12, choices=ChosenBy.choices)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"))
    took_office_on = models.DateField(_("就任日期"))
    # The date the next election is due: term end, moved by an approved postponement.
    election_due_on = models.DateField(_("应换届日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    approval_ref = models.CharField(_("上级批复文号"), max_length=60, blank=True)
    # The reminder of the coming 换届 is sent once per term (the periodic job is idempotent).
    reminded_on = models.DateField(_("换届提醒日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("工会委员会")
        verbose_name_plural = _("工会委员会")
        ordering = ["org_path", "kind", "-took_office_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind"],
                condition=models.Q(status="in_office"),
                name="governance_one_committee_in_office",
            )
        ]
        indexes = [
            models.Index(fields=["status", "election_due_on"], name="governance_committee_due")
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()}"


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    MEMBER = "member", _("委员")


class CommitteeSeat(models.Model):
    committee = models.ForeignKey(
        Committee, verbose_name=_("委员会"), on_delete=models.CASCADE, related_name="seats"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="committee_seats"
    )
    role = models.CharField(_("职务"), max_length=12, choices=SeatRole.choices)
    how_chosen = models.CharField(_("产生方式"), max_length=60, blank=True)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("委员会成员")
        verbose_name_plural = _("委员会成员")
        ordering = ["committee", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "member"],
                condition=models.Q(ended_on__isnull=True),
                name="governance_one_seat_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.get_role_display()}"


class Postponement(models.Model):
    """延期换届: the upper union's approval to hold the election later than the term's end."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("委员会"), on_delete=models.CASCADE, related_name="postponements"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    approved_by = models.ForeignKey(
        Org, verbose_name=_("批准的上级工会"), on_delete=models.PROTECT, related_name="+"
    )
    approval_ref = models.CharField(_("批复文号"), max_length=60)
    previous_due_on = models.DateField(_("原定换届日期"))
    until = models.DateField(_("延期至"))
    reason = models.CharField(_("延期原因"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("延期换届")
        verbose_name_plural = _("延期换届")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.committee} → {self.until}"
