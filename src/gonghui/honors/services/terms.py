"""The term engine (非终身制): thresholds per province, the annual assessment with its 民主评议
on the ballot engine (core.registry, a named-list electorate), the verdict from the published
outcome, end-of-term confirmation or lapse, and the 90-day reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import registry
from gonghui.core.audit import audit_record
from gonghui.core.inherited import nearest_rule, rule_save
from gonghui.core.reminders import Notice, claim_once, tell_officers
from gonghui.core.scoping import Actor, require_capability, unscoped
from gonghui.core.workflow import history_record
from gonghui.honors import rules
from gonghui.honors.models.roster import Honour, HonourStatus
from gonghui.honors.models.terms import Assessment, TermRule, Verdict
from gonghui.honors.services.moves import move

MANAGE = "honors.care.manage"
BALLOT_OWNER = "honors.assessment"
REMINDER_TEMPLATE = "honors.term.ending"


def thresholds_for(org_path: str) -> tuple[rules.Thresholds, int]:
    """The thresholds and reminder days in force for a holder's union (nearest org's row)."""
    with unscoped("rules inherited down the tree are read for any org in the caller's scope"):
        row = nearest_rule(TermRule, org_path)
    if row is None:
        return rules.Thresholds(source=_("全国默认标准")), rules.DEFAULT_REMINDER_DAYS
    return (
        rules.Thresholds(
            warning_pct=row.warning_pct,
            consecutive_years=row.consecutive_years,
            source=row.org.name,
        ),
        row.reminder_days,
    )


def term_rule_save(
    *, actor: Actor, org: Any, warning_pct: Any, consecutive_years: int, reminder_days: int
) -> TermRule:
    require_capability(actor, "honors.care.decide", org.path)
    pct = Decimal(str(warning_pct))
    if not Decimal(0) < pct <= Decimal(100):
        raise ValidationError({"warning_pct": _("警示线应在 0 到 100 之间")})
    if consecutive_years < 1:
        raise ValidationError({"consecutive_years": _("年数至少为 1")})
    return rule_save(
        TermRule,
        actor=actor,
        org=org,
        action="honors.term_rule.saved",
        values={
            "warning_pct": pct,
            "consecutive_years": consecutive_years,
            "reminder_days": reminder_days,
        },
    )


def _locked_honour(honour: Honour) -> Honour:
    with unscoped("the caller found the honour in its scope"):
        return Honour.objects.select_for_update().get(pk=honour.pk)


@transaction.atomic
def assessment_open(
    *,
    actor: Actor,
    honour: Honour,
    year: int,
    deeds: str,
    voters: Iterable[str],
    tellers: Iterable[str] = (),
) -> Assessment:
    """The year's assessment by the holder's union: deeds, and a 民主评议 among the named
    colleagues on the ballot engine (its officers' page runs tellers, opening and tally)."""
    require_capability(actor, MANAGE, honour.org_path)
    honour = _locked_honour(honour)
    if honour.status != HonourStatus.ACTIVE:
        raise ValidationError(_("只有有效的荣誉称号需要年度考核"))
    if honour.term_ends_on is None:
        raise ValidationError(_("终身荣誉不实行年度考核"))
    names = tuple(dict.fromkeys(n.strip() for n in voters if n.strip()))
    if len(names) < 3:
        raise ValidationError({"voters": _("民主评议名单至少 3 人")})
    with unscoped("one assessment per honour and year, checked in the service"):
        if Assessment.objects.filter(honour=honour, year=year).exists():
            raise ValidationError({"year": _("该年度已有考核")})
    assessment = Assessment.objects.create(
        honour=honour,
        year=year,
        org=honour.org,
        org_path=honour.org_path,
        deeds=deeds.strip(),
        voters=len(names),
        recorded_by=actor,
    )
    assessment.ballot_id = registry.ballot_engine().create(
        actor=actor,
        org=honour.org,
        kind="appraisal",
        title=_("%(name)s %(year)s 年度民主评议") % {"name": honour.name, "year": year},
        electorate=registry.Electorate("named", names=names),
        options=[honour.name],
        tellers=tellers,
        owner=BALLOT_OWNER,
        owner_ref=str(assessment.pk),
    )
    assessment.save(update_fields=["ballot_id"])
    audit_record(
        action="honors.assessment.opened",
        actor=actor,
        target=assessment,
        org_path=assessment.org_path,
        after={"year": year, "voters": len(names), "ballot": assessment.ballot_id},
    )
    return assessment


@transaction.atomic
def assessment_conclude(
    *, assessment: Assessment, outcome: registry.BallotOutcome, actor: Actor | None = None
) -> Assessment:
    """The verdict from the published 民主评议: satisfaction = (优秀 + 称职) ÷ votes; below the
    line a warning; the configured run of years below proposes revocation (a Revocation in
    state 已提请, cause 民主评议不合格)."""
    with unscoped("the ballot's listener concludes the assessment that asked for it"):
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        earlier = dict(
            Assessment.objects.filter(honour_id=assessment.honour_id, year__lt=assessment.year)
            .exclude(verdict=Verdict.PENDING)
            .values_list("year", "satisfaction_pct")
        )
    if assessment.verdict != Verdict.PENDING:
        return assessment
    row = outcome.rows[0] if outcome.rows else None
    pct = rules.satisfaction_pct(row.grades or {}) if row is not None else None
    thresholds, _days = thresholds_for(assessment.org_path)
    decision = rules.assessment_verdict(
        year=assessment.year, pct=pct, earlier=earlier, thresholds=thresholds
    )
    assessment.satisfaction_pct = pct
    assessment.verdict = decision.code
    assessment.reasons = "；".join(decision.reasons) + (
        _("（标准：%(src)s）") % {"src": thresholds.source} if thresholds.source else ""
    )
    assessment.decided_at = timezone.now()
    assessment.save(update_fields=["satisfaction_pct", "verdict", "reasons", "decided_at"])
    audit_record(
        action="honors.assessment.concluded",
        actor=actor,
        target=assessment,
        org_path=assessment.org_path,
        after={"pct": str(pct), "verdict": decision.code},
    )
    if decision.code == rules.VERDICT_PROPOSE_REVOCATION:
        from gonghui.honors.services.revocations import revocation_propose_by_assessment

        revocation_propose_by_assessment(assessment=assessment, reasons=assessment.reasons)
    return assessment


def assessment_ballot_published(
    *, ballot_id: int, owner_ref: str, outcome: registry.BallotOutcome | None
) -> None:
    """The ballot engine's listener (registered in apps.py under ``BALLOT_OWNER``)."""
    if outcome is None:
        return
    with unscoped("the listener is handed the assessment's own id"):
        assessment = Assessment.objects.filter(pk=int(owner_ref), ballot_id=ballot_id).first()
    if assessment is not None:
        assessment_conclude(assessment=assessment, outcome=outcome)


def _stop_benefits(honour: Honour, decision_on: dt.date, actor: Actor) -> int:
    from gonghui.honors.services.care import allowances_stop

    return allowances_stop(
        honour=honour, stop_month=rules.allowance_stop_month(decision_on), actor=actor
    )


@transaction.atomic
def term_confirm(*, actor: Actor, honour: Honour, note: str = "") -> Honour:
    """期满确认: the title continues for another term (from the old end). Allowed from the
    reminder date on, for an active title without an open revocation."""
    require_capability(actor, "honors.care.decide", honour.org_path)
    honour = _locked_honour(honour)
    if honour.status != HonourStatus.ACTIVE or honour.term_ends_on is None:
        raise ValidationError(_("只有有效且有管理期的称号可以期满确认"))
    _thresholds, days = thresholds_for(honour.org_path)
    if timezone.localdate() < rules.reminder_date(honour.term_ends_on, days):
        raise ValidationError(_("管理期尚未临近届满"))
    if honour.revocations.filter(state__in=["proposed", "reviewed"]).exists():
        raise ValidationError(_("该称号有未办结的撤销提请，不能确认"))
    before = honour.term_ends_on
    new_end = rules.add_years(before, honour.award_type.term_years or 5)
    honour.term_ends_on = new_end
    honour.save(update_fields=["term_ends_on"])
    history_record(
        honour,
        "confirm_term",
        actor=actor,
        from_state=honour.status,
        to_state=honour.status,
        reason=note,
        data={"term_ends_on": str(new_end)},
    )
    audit_record(
        action="honors.term.confirmed",
        actor=actor,
        target=honour,
        org_path=honour.org_path,
        before={"term_ends_on": before},
        after={"term_ends_on": new_end},
    )
    return honour


@transaction.atomic
def term_lapse(*, actor: Actor, honour: Honour, reason: str) -> Honour:
    """期满不再确认: the title lapses (transition) and benefits stop from the decision date."""
    require_capability(actor, "honors.care.decide", honour.org_path)
    honour = _locked_honour(honour)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写不再确认的理由")})
    today = timezone.localdate()
    if honour.term_ends_on is None or today < rules.reminder_date(honour.term_ends_on):
        raise ValidationError(_("管理期尚未临近届满"))

    def stamp(row: Honour) -> None:
        row.status_changed_on = today

    moved = move(honour, "lapse", actor, reason=reason.strip(), apply=stamp)
    _stop_benefits(moved, today, actor)
    return moved


def _ending_notices(today: dt.date) -> Iterable[Notice]:
    with unscoped("the reminder job looks at every active honour with a term"):
        honours = (
            Honour.objects.filter(status=HonourStatus.ACTIVE, term_ends_on__isnull=False)
            .filter(term_ends_on__gt=today, term_ends_on__lte=today + dt.timedelta(days=366))
            .only("pk", "name", "org_path", "term_ends_on")
            .order_by("term_ends_on", "pk")
        )
        for honour in honours.iterator(chunk_size=500):
            assert honour.term_ends_on is not None
            _thresholds, days = thresholds_for(honour.org_path)
            if rules.reminder_due(term_ends_on=honour.term_ends_on, today=today, days_ahead=days):
                yield Notice(
                    key=f"honour:{honour.pk}:{honour.term_ends_on}",
                    org_path=honour.org_path,
                    capability=MANAGE,
                    title=_("%(name)s 的荣誉称号管理期将届满") % {"name": honour.name},
                    due=honour.term_ends_on,
                    url=f"/honors/aftercare/{honour.pk}/",
                )


def term_reminders_send(*, today: dt.date | None = None, limit: int = 1000) -> int:
    """Tell each holder's union once, ``reminder_days`` (90) before the term ends; a second
    run finds every notice claimed (core.reminders) and sends nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        fresh = claim_once(source="honors.term_ending", notices=_ending_notices(today), limit=limit)
        tell_officers(fresh, template=REMINDER_TEMPLATE)
    return len(fresh)
