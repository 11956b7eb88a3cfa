"""Committees: registering one in office (after 建会 or for a committee elected before the
platform), adding and ending seats, with the term rule and the size rule checked on each change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import counters
from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor, require_capability, within
from gonghui.governance import rules
from gonghui.governance.models import (
    ChosenBy,
    Committee,
    CommitteeKind,
    CommitteeSeat,
    CommitteeStatus,
    SeatRole,
)
from gonghui.members.models import Member, MemberStatus
from gonghui.members.rules import suffrage
from gonghui.orgs.models import GRASSROOTS_KINDS, Org

MANAGE = "governance.manage"


def member_count(org: Org) -> int:
    """The members who count for the formation and size rules: those with a vote (保留会籍
    members keep their card but not a seat's constituency)."""
    return Member.objects.filter(union=org, status=MemberStatus.ACTIVE).count()


def is_grassroots(org: Org) -> bool:
    return org.kind in GRASSROOTS_KINDS


def seat_refusal(org: Org, member: Member) -> str:
    """Why ``member`` may not sit on a committee of ``org``, or ""."""
    if not within(member.org_path, org.path):
        return _("%(name)s不是本会会员") % {"name": member.name}
    # The status as stored now: the caller's copy may predate a 保留会籍 change.
    status = Member.objects.filter(pk=member.pk).values_list("status", flat=True).first()
    right = suffrage(status or "")
    return "" if right.may_stand else right.reason


def size_check(committee: Committee, seats: int | None = None) -> rules.SizeCheck:
    """The size rule for a main committee (the others have no band in the rule)."""
    if committee.kind != CommitteeKind.MAIN:
        return rules.SizeCheck(True, None, ())
    if seats is None:
        seats = committee.seats.filter(ended_on__isnull=True).count()
    return rules.committee_size_check(member_count(committee.org), seats)


def _add_seats(
    committee: Committee, seats: Sequence[tuple[Member, str]], on: dt.date, how: str
) -> list[CommitteeSeat]:
    errors: list[str] = []
    chairs = sum(1 for _m, role in seats if role == SeatRole.CHAIR)
    if committee.kind == CommitteeKind.MAIN and chairs > 1:
        errors.append(_("委员会只能有一名主席"))
    for member, role in seats:
        if role not in SeatRole.values:
            errors.append(_("职务无效"))
        elif refusal := seat_refusal(committee.org, member):
            errors.append(refusal)
    if errors:
        raise ValidationError(errors)
    return CommitteeSeat.objects.bulk_create(
        CommitteeSeat(
            committee=committee,
            org_path=committee.org_path,
            member=member,
            role=role,
            how_chosen=how,
            started_on=on,
        )
        for member, role in seats
    )


def committee_register(
    *,
    actor: Actor,
    org: Org,
    kind: str,
    chosen_by: str,
    term_years: int,
    took_office_on: dt.date,
    seats: Sequence[tuple[Member, str]],
    approval_ref: str = "",
) -> Committee:
    """Put a committee in office: the term must be one the law allows, the seats members with
    a vote, and a main committee the size its band sets."""
    require_capability(actor, MANAGE, org.path)
    if kind not in CommitteeKind.values or chosen_by not in ChosenBy.values:
        raise ValidationError(_("请选择委员会和产生方式"))
    term = rules.term_decision(
        grassroots=is_grassroots(org), years=term_years, took_office_on=took_office_on
    )
    if not term.ok or term.due_on is None:
        raise ValidationError({"term_years": term.reason})
    with transaction.atomic():
        Org.objects.select_for_update().get(pk=org.pk)  # one committee of a kind at a time
        if Committee.objects.filter(org=org, kind=kind, status=CommitteeStatus.IN_OFFICE).exists():
            raise ValidationError(_("该委员会已在任，新一届须经换届选举产生"))
        committee = Committee.objects.create(
            org=org,
            org_path=org.path,
            kind=kind,
            chosen_by=chosen_by,
            term_years=term_years,
            took_office_on=took_office_on,
            election_due_on=term.due_on,
            approval_ref=approval_ref.strip(),
        )
        check = size_check(committee, len(seats))
        if not check.ok:
            raise ValidationError(list(check.reasons))
        _add_seats(committee, seats, took_office_on, str(ChosenBy(chosen_by).label))
        counters.recount_source("governance", [org.path])
        audit_record(
            action="governance.committee.created",
            actor=actor,
            target=committee,
            org_path=org.path,
            after={"kind": kind, "term_years": term_years, "seats": len(seats)},
        )
    return committee


def seat_add(
    *, actor: Actor, committee: Committee, member: Member, role: str, on: dt.date, how: str
) -> CommitteeSeat:
    """增补: a seat filled during the term; refused past the band's maximum."""
    require_capability(actor, MANAGE, committee.org_path)
    with transaction.atomic():
        locked = Committee.objects.select_for_update().get(pk=committee.pk)
        if locked.status != CommitteeStatus.IN_OFFICE:
            raise ValidationError(_("该届委员会已离任"))
        if locked.seats.filter(member=member, ended_on__isnull=True).exists():
            raise ValidationError(_("该会员已在本委员会任职"))
        if (
            role == SeatRole.CHAIR
            and locked.seats.filter(role=SeatRole.CHAIR, ended_on__isnull=True).exists()
        ):
            raise ValidationError(_("委员会只能有一名主席"))
        current = locked.seats.filter(ended_on__isnull=True).count()
        check = size_check(locked, current + 1)
        band = check.band
        if not check.ok and band is not None and current + 1 > band.max_seats:
            raise ValidationError(list(check.reasons))
        (seat,) = _add_seats(locked, [(member, role)], on, how.strip() or _("增补"))
        audit_record(
            action="governance.committee.seat_added",
            actor=actor,
            target=seat,
            org_path=locked.org_path,
            after={"role": role, "how": how},
        )
    return seat


def seat_end(*, actor: Actor, seat: CommitteeSeat, on: dt.date, reason: str) -> rules.SizeCheck:
    """A member leaves the committee; returns the size check after, for the page to warn when
    the committee fell below its band (a 补选 is then due)."""
    require_capability(actor, MANAGE, seat.org_path)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写离任原因")})
    with transaction.atomic():
        locked = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
        if locked.ended_on is not None:
            raise ValidationError(_("该成员已离任"))
        locked.ended_on = on
        locked.save(update_fields=["ended_on"])
        audit_record(
            action="governance.committee.seat_ended",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"ended_on": on, "reason": reason.strip()},
        )
    return size_check(locked.committee)
