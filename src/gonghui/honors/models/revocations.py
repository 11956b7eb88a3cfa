"""Revocation (撤销): causes as data; proposed → reviewed → decided by the conferring level; the
medal and certificate recovered (收缴); the honour's row stays on the roster as history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Org


class RevocationCause(models.Model):
    """A ground for revocation (刑事处罚, 留用察看 or worse, 事迹严重失实, 弄虚作假, 开除 ...): data
    an administrator edits; seeded by migration."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("撤销事由"), max_length=80)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("撤销事由")
        verbose_name_plural = _("撤销事由")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class RevocationState(models.TextChoices):
    PROPOSED = "proposed", _("已提请")
    REVIEWED = "reviewed", _("已审查")
    DECIDED = "decided", _("已决定撤销")
    DISMISSED = "dismissed", _("不予撤销")


class Revocation(models.Model):
    honour = models.ForeignKey(
        "honors.Honour",
        verbose_name=_("荣誉"),
        on_delete=models.PROTECT,
        related_name="revocations",
    )
    cause = models.ForeignKey(RevocationCause, verbose_name=_("撤销事由"), on_delete=models.PROTECT)
    facts = models.TextField(_("事实与依据"))
    assessment = models.ForeignKey(
        "honors.Assessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Filed at the holder's union: it, and every level above (the conferring one too), sees it.
    org = models.ForeignKey(Org, verbose_name=_("提请单位"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=255, db_index=True)
    state = FSMField(
        _("状态"), max_length=10, choices=RevocationState.choices, default=RevocationState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_on = models.DateField(_("提请日期"))
    review_opinion = models.TextField(_("审查意见"), blank=True)
    reviewed_on = models.DateField(_("审查日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_no = models.CharField(_("决定文号"), max_length=60, blank=True)
    medal_recovered_on = models.DateField(_("奖章收缴日期"), null=True, blank=True)
    certificate_recovered_on = models.DateField(_("证书收缴日期"), null=True, blank=True)
    recovery_note = models.CharField(_("收缴说明"), max_length=200, blank=True)

    objects = ScopedManager()
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("撤销荣誉")
        verbose_name_plural = _("撤销荣誉")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            # One open proceeding per honour at a time.
            models.UniqueConstraint(
                fields=["honour"],
                condition=models.Q(state__in=["proposed", "reviewed"]),
                name="honors_one_open_revocation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.honour_id} {self.state}"

    @transition(field=state, source=RevocationState.PROPOSED, target=RevocationState.REVIEWED)
    def review(self) -> None:
        """审查 by the level above the holder's union."""

    @transition(field=state, source=RevocationState.REVIEWED, target=RevocationState.DECIDED)
    def decide(self) -> None:
        """决定撤销 by the conferring level: the honour is revoked in the same transaction."""

    @transition(
        field=state,
        source=[RevocationState.PROPOSED, RevocationState.REVIEWED],
        target=RevocationState.DISMISSED,
    )
    def dismiss(self) -> None:
        """不予撤销."""
