"""The roster (荣誉库): honours conferred by the engine, and holders recorded from earlier
cycles or from outside the installation (a national award decided in Beijing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core import counters
from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.scoping import Actor, ExplainedRefusal, require_capability
from gonghui.honors import rules
from gonghui.honors.models import AwardCall, AwardType, Honour, Nomination
from gonghui.honors.services.moves import move
from gonghui.members.models import Member
from gonghui.orgs.models import Employer, Org

APPROVE = "honors.approve"
MANAGE = "honors.manage"
COUNTER_SOURCE = "honors"


def _next_certificate(award_type: AwardType, year: int) -> str:
    prefix = f"{award_type.code}"
    taken = Honour.objects.filter(award_type=award_type, year=year).count()
    seq = taken + 1
    while Honour.objects.filter(
        certificate_no=rules.certificate_number(prefix, year, seq)
    ).exists():
        seq += 1
    return rules.certificate_number(prefix, year, seq)


def _create(actor: Actor, **fields: Any) -> Honour:
    award_type: AwardType = fields["award_type"]
    try:
        with transaction.atomic():
            honour = Honour.objects.create(
                level=award_type.level,
                national=award_type.national,
                kind=award_type.recipient_kind,
                term_ends_on=rules.term_end(fields["conferred_on"], award_type.term_years),
                **fields,
            )
    except IntegrityError as exc:
        raise ExplainedRefusal(_("同一人不能重复获得同一项全国性荣誉")) from exc
    audit_record(
        action="honors.honour.recorded",
        actor=actor,
        target=honour,
        org_path=honour.org_path,
        after={"award_type": award_type.code, "certificate_no": honour.certificate_no},
    )
    counters.recount_source(COUNTER_SOURCE, [honour.org_path])
    return honour


def honour_confer(*, actor: Actor, call: AwardCall, nomination: Nomination, on: dt.date) -> Honour:
    """One approved candidate: conferred, numbered, entered on the roster (in the caller's
    transaction, the nomination locked)."""
    number = _next_certificate(call.award_type, call.year)

    def numbered(n: Nomination) -> None:
        n.certificate_no, n.decided_on = number, on

    move(nomination, "confer", actor, apply=numbered)
    member = nomination.member
    return _create(
        actor,
        award_type=call.award_type,
        nomination=nomination,
        member=member,
        name=nomination.name,
        id_number=nomination.id_number,
        id_index=nomination.id_index,
        gender=nomination.gender,
        birth_date=nomination.birth_date,
        front_line=nomination.front_line,
        migrant_worker=nomination.migrant_worker,
        team=nomination.team,
        employer=nomination.employer,
        org=member.union if member is not None else nomination.org,
        org_path=member.org_path if member is not None else nomination.org_path,
        conferring_org=call.org,
        conferring_body=call.org.name,
        conferred_on=on,
        year=call.year,
        certificate_no=number,
    )


def honour_record(
    *,
    actor: Actor,
    award_type: AwardType,
    org: Org,
    conferred_on: dt.date,
    member: Member | None = None,
    name: str = "",
    id_number: str = "",
    gender: str = "",
    team: Org | None = None,
    employer: Employer | None = None,
    front_line: bool = False,
    migrant_worker: bool = False,
    conferring_body: str = "",
    certificate_no: str = "",
) -> Honour:
    """登记: an honour conferred outside the engine (an earlier cycle, a national decision)."""
    require_capability(actor, MANAGE, org.path)
    person: dict[str, Any] = {}
    if member is not None:
        person = {
            "member": member,
            "name": member.name,
            "id_number": member.id_number,
            "id_index": member.id_index,
            "gender": member.gender,
            "birth_date": member.birth_date,
            "migrant_worker": migrant_worker or member.migrant_worker,
        }
        org = member.union
    elif award_type.recipient_kind == "person":
        pid = validate_personal_id("resident", id_number)
        person = {
            "name": name.strip(),
            "id_number": pid.number,
            "id_index": blind_index("id", pid.number),
            "gender": gender or pid.gender,
            "birth_date": pid.birth_date,
        }
    else:
        if not name.strip() and team is None and employer is None:
            raise ValidationError({"name": _("请填写获奖集体或单位")})
        person = {"name": name.strip() or str(team or employer)}
    return _create(
        actor,
        award_type=award_type,
        org=org,
        org_path=org.path,
        team=team,
        employer=employer,
        front_line=front_line,
        conferred_on=conferred_on,
        year=conferred_on.year,
        conferring_body=conferring_body,
        certificate_no=certificate_no or _next_certificate(award_type, conferred_on.year),
        migrant_worker=person.pop("migrant_worker", migrant_worker),
        **person,
    )


def honour_mark_hardship(*, actor: Actor, honour: Honour, in_hardship: bool) -> Honour:
    """困难劳模: the flag the 困难职工 module and the care module read through the registry."""
    require_capability(actor, MANAGE, honour.org_path)
    with transaction.atomic():
        locked = Honour.objects.select_for_update().get(pk=honour.pk)
        locked.in_hardship = in_hardship
        locked.save(update_fields=["in_hardship"])
        audit_record(
            action="honors.honour.hardship",
            actor=actor,
            target=locked,
            org_path=locked.org_path,
            after={"in_hardship": in_hardship},
        )
    return locked
