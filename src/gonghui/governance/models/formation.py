"""建会: the upper union's approval of a new union (工会法 第十二条)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Employer, Org


class FormationApproval(models.Model):
    org = models.OneToOneField(
        Org, verbose_name=_("新建工会"), on_delete=models.PROTECT, related_name="formation"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    approved_by = models.ForeignKey(
        Org, verbose_name=_("批准的上级工会"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("用人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    member_count = models.PositiveIntegerField(_("建会时会员人数"))
    approval_ref = models.CharField(_("批复文号"), max_length=60)
    approved_on = models.DateField(_("批准日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("建会批复")
        verbose_name_plural = _("建会批复")
        ordering = ["-approved_on"]

    def __str__(self) -> str:
        return f"{self.org} {self.approval_ref}"
