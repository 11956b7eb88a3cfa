"""Identification rules as data (DESIGN.md rule 10): a row per org, inherited down the tree."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Org


class IdentificationRule(models.Model):
    """An org's 困难职工认定标准 from a date: 低保 lines, the 相对困难 multiplier and whether a
    bound is inclusive (青岛 "below", 余姚 "≤"). The subtree inherits the nearest ancestor's row
    in force; with none, the installation default (settings) applies."""

    org = models.ForeignKey(
        Org, verbose_name=_("制定单位"), on_delete=models.CASCADE, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    urban_line = models.DecimalField(_("城镇低保标准（元/月）"), max_digits=10, decimal_places=2)
    rural_line = models.DecimalField(_("农村低保标准（元/月）"), max_digits=10, decimal_places=2)
    relative_multiplier = models.DecimalField(
        _("相对困难倍数"), max_digits=4, decimal_places=2, default=Decimal(2)
    )
    inclusive = models.BooleanField(_("含边界（≤）"), default=False)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("认定标准")
        verbose_name_plural = _("认定标准")
        ordering = ["org_path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "effective_from"], name="assist_one_rule_per_start"
            ),
            models.CheckConstraint(
                condition=models.Q(urban_line__gt=0, rural_line__gt=0, relative_multiplier__gte=1),
                name="assist_rule_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.effective_from}"


__all__ = ["IdentificationRule"]
