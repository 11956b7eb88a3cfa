"""困难职工认定: the rule in force for a case's org (rows per org, inherited down the tree) and
the rule an org sets. The arithmetic itself is pure, in ``assistance.rules``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gonghui.assistance.models.rules import IdentificationRule
from gonghui.assistance.rules import NATIONAL_DEFAULT, Rule
from gonghui.core.audit import audit_record
from gonghui.core.inherited import nearest_rule
from gonghui.core.scoping import Actor, require_capability
from gonghui.orgs.models import Org


def rule_from_row(row: IdentificationRule) -> Rule:
    return Rule(
        urban_line=row.urban_line,
        rural_line=row.rural_line,
        multiplier=row.relative_multiplier,
        inclusive=row.inclusive,
        source=row.org.code,
        source_name=row.org.name,
        effective_from=row.effective_from,
        rule_id=row.pk,
    )


def rule_for(org_path: str, on: dt.date) -> Rule:
    """The rule in force on ``on`` for an org: its own, else the nearest ancestor's, else the
    national default. Rules are directory-like configuration: readable along the chain."""
    in_force = (
        IdentificationRule.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .select_related("org")
        .order_by("-effective_from")  # an org's newest rule in force wins
    )
    row = nearest_rule(IdentificationRule, org_path, rows=in_force)
    return rule_from_row(row) if row is not None else NATIONAL_DEFAULT


def rule_set(
    *,
    actor: Actor,
    org: Org,
    urban_line: Decimal,
    rural_line: Decimal,
    relative_multiplier: Decimal,
    inclusive: bool,
    effective_from: dt.date,
    note: str = "",
) -> IdentificationRule:
    """An org sets its standard from a date (its subtree inherits it); audited."""
    require_capability(actor, "assistance.approve", org.path)
    if urban_line <= 0 or rural_line <= 0 or relative_multiplier < 1:
        raise ValidationError(_("低保标准应大于零，相对困难倍数不小于1"))
    with transaction.atomic():
        if IdentificationRule.objects.filter(org=org, effective_from=effective_from).exists():
            raise ValidationError({"effective_from": _("该日期已有本单位的标准")})
        rule = IdentificationRule.objects.create(
            org=org,
            org_path=org.path,
            urban_line=urban_line,
            rural_line=rural_line,
            relative_multiplier=relative_multiplier,
            inclusive=inclusive,
            effective_from=effective_from,
            note=note,
            created_by=actor,
        )
        audit_record(
            action="assistance.rule.set",
            actor=actor,
            target=rule,
            org_path=org.path,
            after={
                "urban": str(urban_line),
                "rural": str(rural_line),
                "multiplier": str(relative_multiplier),
                "inclusive": inclusive,
                "from": effective_from.isoformat(),
            },
        )
    return rule
