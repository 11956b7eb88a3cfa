"""统计年报 with 逐级上报: freeze the period, fill and submit, review level by level.

A grassroots union's report starts from the snapshot of its counters and may be corrected
before it is submitted; a federation submits once every child report is accepted, and its
figures are then its own direct figures plus the sum of its children's reports (corrections
included). Each level reviews its children: accept, or return with a reason (the report becomes
editable again). Every transition runs through core.workflow (one history row and an audit row).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import rollups, spreads
from gonghui.core.audit import audit_record
from gonghui.core.models import OrgCounter
from gonghui.core.scoping import Actor
from gonghui.core.workflow import transition
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import FEDERATION_KINDS, Org, OrgKind, OrgStatus
from gonghui.stats import definitions
from gonghui.stats.models import (
    OrgReport,
    ReportPeriod,
    ReportStatus,
    Snapshot,
    SnapshotCounter,
    SnapshotSubtree,
)

# Branches and groups report through their grassroots union.
NOT_REPORTING = (OrgKind.BRANCH, OrgKind.GROUP)
ITEMS = tuple(f.key for f in definitions.FIGURES if not f.rate)
RATES = {
    "unionization_rate": ("employers_large_unionized", "employers_large"),
    "membership_rate": ("members", "employees_unionized"),
}


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def items_of(counters: dict[str, int], year: int) -> dict[str, int]:
    figures = definitions.compute(counters, year_end(year))
    return {key: int(figures[key] or 0) for key in ITEMS}


def with_rates(items: dict[str, int]) -> dict[str, Any]:
    rates = {
        k: definitions.percent(items.get(n, 0), items.get(d, 0)) for k, (n, d) in RATES.items()
    }
    return {**items, **rates}


def holds_at(actor: Actor, capability: str, path: str) -> bool:
    """The capability from a post held at exactly this org (not inherited from above)."""
    if getattr(actor, "is_superuser", False):
        return True
    return any(p == path and capability in caps for p, caps in actor.post_capabilities)


# The report's workflow (core.workflow): transition name -> audit code.
TRANSITIONS = {
    "submit": "stats.report.submitted",
    "accept": "stats.report.accepted",
    "send_back": "stats.report.returned",
}


def files_on_behalf(actor: Actor, report: OrgReport) -> bool:
    """代填报: the report's union has no officer account able to file it, and the actor holds
    the right at the nearest union above that has one."""
    staffed = org_selectors.nearest_staffed(capability="stats.report", org_path=report.org_path)
    return (
        staffed is not None
        and staffed != report.org_path
        and holds_at(actor, "stats.report", staffed)
    )


def children_with_officer(children: list[OrgReport]) -> set[str]:
    """The paths of those child reports whose org has its own officer to file them."""
    paths = [child.org_path for child in children]
    return org_selectors.paths_with_officer(capability="stats.report", org_paths=paths)


def may_file(actor: Actor, report: OrgReport) -> bool:
    """Who fills in and submits a report: its own officers, or the parent's on its behalf."""
    return holds_at(actor, "stats.report", report.org_path) or files_on_behalf(actor, report)


def _own_officer(actor: Actor) -> Callable[[OrgReport], bool]:
    """A report's own org (a post held there, not inherited from above), or 代填报 above it."""
    return lambda report: may_file(actor, report)


def _parent_officer(actor: Actor) -> Callable[[OrgReport], bool]:
    """The reviewer of a report: the capability from a post held at its org's parent."""

    def permits(report: OrgReport) -> bool:
        parent = report.org.parent
        if parent is None:
            return False
        # The parent's officers; where the parent has none, those of the nearest union above
        # that has, which files the parent's own report on its behalf (代填报).
        staffed = org_selectors.nearest_staffed(capability="stats.report", org_path=parent.path)
        return staffed is not None and holds_at(actor, "stats.report", staffed)

    return permits


def may_freeze(actor: Actor) -> bool:
    """Freezing a year is the province's: ``stats.freeze`` from a post at a top org."""
    return _freezing_root(actor) is not None


def _freezing_root(actor: Actor) -> str | None:
    """The path of the top org where the actor holds ``stats.freeze`` (its audit row's)."""
    roots = Org.objects.filter(parent__isnull=True).order_by("path").values_list("path", flat=True)
    return next((path for path in roots if holds_at(actor, "stats.freeze", path)), None)


@transaction.atomic
def period_freeze(*, actor: Actor, year: int) -> ReportPeriod:
    """Freeze every org's counters for ``year`` and open a report for every reporting org."""
    root = _freezing_root(actor)
    if root is None:
        raise PermissionDenied("stats.freeze")
    if ReportPeriod.objects.filter(year=year).exists():
        raise ValidationError(_("%(year)d年度已冻结，不能重复冻结") % {"year": year})
    snapshot = snapshot_take(label=str(year))
    period = ReportPeriod.objects.create(
        year=year, snapshot=snapshot, frozen_at=snapshot.taken_at, frozen_by=actor
    )
    orgs = list(Org.objects.filter(status=OrgStatus.ACTIVE).only("pk", "path", "kind"))
    unit_of = _reporting_units(orgs)
    per_unit: dict[str, Tally[str]] = {}
    rows = (
        SnapshotCounter.objects.filter(snapshot=snapshot)
        .values_list("org_path", "key", "value", "spread")
        .iterator(chunk_size=10000)
    )
    for path, key, value in spreads.expand_rows(rows):
        unit = unit_of.get(path)
        if unit is not None:
            per_unit.setdefault(unit, Tally())[key] += value
    OrgReport.objects.bulk_create(
        (
            OrgReport(
                period=period,
                org=org,
                org_path=org.path,
                figures={}
                if org.kind in FEDERATION_KINDS
                else items_of(dict(per_unit.get(org.path, {})), year),
            )
            for org in orgs
            if org.kind not in NOT_REPORTING
        ),
        batch_size=2000,
    )
    audit_record(action="stats.period.frozen", actor=actor, org_path=root, after={"year": year})
    return period


def snapshot_take(*, label: str) -> Snapshot:
    """Copy every non-zero counter under ``label`` in one statement (any scale), and each
    org's descendants' sums in another (the trend and the year-ago comparison read those)."""
    if Snapshot.objects.filter(label=label).exists():
        raise ValidationError(_("期间%(label)s的快照已存在") % {"label": label})
    snapshot = Snapshot.objects.create(label=label, taken_at=timezone.now())
    target, source = SnapshotCounter._meta.db_table, OrgCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {target} (snapshot_id, org_path, key, value, spread) "  # noqa: S608
            f"SELECT %s, org_path, key, value, spread FROM {source} WHERE value <> 0",
            [snapshot.pk],
        )
    # The descendants' sums from the rows just copied: consistent with them by construction.
    rollups.copy_descendant_sums(
        source=target,
        target=SnapshotSubtree._meta.db_table,
        where="s.snapshot_id = %s",
        params=[snapshot.pk],
        extra=snapshot.pk,
    )
    return snapshot


def snapshot_take_missing(*, label: str) -> Snapshot | None:
    """The snapshot under ``label`` if there is none yet (the monthly job: running it again, or
    twice at once, takes one); None when it exists already."""
    try:
        with transaction.atomic():
            return snapshot_take(label=label)
    except (ValidationError, IntegrityError):
        return None


def _reporting_units(orgs: list[Org]) -> dict[str, str]:
    """Each grassroots-level path → the path of the grassroots union it reports through."""
    units: dict[str, str] = {}
    for org in sorted(orgs, key=lambda o: o.path):
        if org.kind in FEDERATION_KINDS:
            continue
        if org.kind in NOT_REPORTING:
            parent = next(
                (
                    org.path[:end]
                    for end in range(len(org.path) - 4, 0, -4)
                    if org.path[:end] in units
                ),
                None,
            )
            if parent is not None:
                units[org.path] = units[parent]
        else:
            units[org.path] = org.path
    return units


def _lock(report: OrgReport) -> OrgReport:
    return OrgReport.objects.select_for_update().select_related("org", "period").get(pk=report.pk)


@transaction.atomic
def report_edit(
    *, actor: Actor, report: OrgReport, figures: dict[str, int], note: str = ""
) -> OrgReport:
    """Correct a grassroots report's figures before it is submitted (its own officers only)."""
    report = _lock(report)
    if not may_file(actor, report):
        raise PermissionDenied("stats.report")
    on_behalf = not holds_at(actor, "stats.report", report.org_path)
    if report.org.kind in FEDERATION_KINDS:
        raise ValidationError(_("上级工会的年报由下级年报汇总，不能直接修改"))
    if not report.editable:
        raise ValidationError(
            _("年报%(status)s，不能修改") % {"status": report.get_status_display()}
        )
    errors = {k: _("应为不小于0的整数") for k, v in figures.items() if k not in ITEMS or v < 0}
    if errors:
        raise ValidationError(errors)
    before = dict(report.figures)
    report.figures = {**report.figures, **{k: int(v) for k, v in figures.items()}}
    report.note = note.strip()
    report.save(update_fields=["figures", "note", "updated_at"])
    changed = {k: v for k, v in report.figures.items() if before.get(k) != v}
    if changed:
        audit_record(
            action="stats.report.edited",
            actor=actor,
            target=report,
            org_path=report.org_path,
            before={k: before.get(k) for k in changed},
            after={**changed, **({"on_behalf": True} if on_behalf else {})},
        )
    return report


def children_reports(report: OrgReport) -> list[OrgReport]:
    return list(
        OrgReport.objects.filter(period=report.period, org__parent=report.org)
        .select_related("org")
        .order_by("org_path")
    )


def own_items(report: OrgReport) -> dict[str, int]:
    """A federation's own direct figures (the counters at its own path) for the period."""
    rows = SnapshotCounter.objects.filter(
        snapshot_id=report.period.snapshot_id, org_path=report.org_path
    )
    stored = rows.values_list("org_path", "key", "value", "spread")
    return items_of({k: v for _p, k, v in spreads.expand_rows(stored)}, report.period.year)


def summed_items(report: OrgReport) -> dict[str, int]:
    totals: Tally[str] = Tally(own_items(report))
    for child in children_reports(report):
        totals.update({k: int(child.figures.get(k, 0)) for k in ITEMS})
    return {k: totals.get(k, 0) for k in ITEMS}


@transaction.atomic
def report_submit(*, actor: Actor, report: OrgReport) -> OrgReport:
    """上报: a federation only once every child report is accepted, with their sums."""

    def check(locked: OrgReport) -> None:
        if locked.org.kind in FEDERATION_KINDS:
            pending = [
                c.org.name for c in children_reports(locked) if c.status != ReportStatus.ACCEPTED
            ]
            if pending:
                raise ValidationError(
                    _("下级年报尚未全部审核通过：%(names)s") % {"names": "、".join(pending[:20])}
                )

    def apply(locked: OrgReport) -> None:
        if locked.org.kind in FEDERATION_KINDS:
            locked.figures = summed_items(locked)
        locked.submitted_at = timezone.now()
        locked.return_reason = ""

    own = _own_officer(actor)
    on_behalf = files_on_behalf(actor, report) and not holds_at(
        actor, "stats.report", report.org_path
    )
    report = transition(
        report,
        "submit",
        actor=actor,
        capability=own,
        check=check,
        apply=apply,
        data={"on_behalf": True} if on_behalf else None,
        reason=_("上级工会代填报") if on_behalf else "",
    )
    if report.org.parent_id is None:  # the top of the tree has no one above to review it
        report = transition(report, "accept", actor=actor, capability=own)
    elif on_behalf:  # the union above filed it: its own review of what it filed is moot
        report = transition(
            report, "accept", actor=actor, capability=_parent_officer(actor), reason=_("代填报")
        )
    return report


@transaction.atomic
def report_review(*, actor: Actor, report: OrgReport, accept: bool, reason: str = "") -> OrgReport:
    """The parent org accepts a submitted child report or returns it with a reason."""
    reason = reason.strip()
    reviewer = _parent_officer(actor)
    if accept:
        return transition(report, "accept", actor=actor, capability=reviewer)

    def check(locked: OrgReport) -> None:
        if not reason:
            raise ValidationError({"reason": _("请填写退回理由")})

    def apply(locked: OrgReport) -> None:
        locked.return_reason = reason

    return transition(
        report,
        "send_back",
        actor=actor,
        capability=reviewer,
        reason=reason,
        check=check,
        apply=apply,
    )
