"""The ballot engine as other modules see it (ADR 0011), registered in ``core.registry``.

Modules that need a vote (elections, contract votes, 劳模 assessment, 换届) do not import
democracy: they call ``registry.ballot_engine().create(...)`` with an electorate and their own
owner name, send officers to ``url(id)`` for the tellers, the opening, the tally and the
publication, and read ``outcome(id)`` or register a listener that hears of the publication."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from gonghui.core import registry
from gonghui.core.scoping import Actor
from gonghui.democracy.models import Ballot, BallotState, Electorate
from gonghui.democracy.services import ballots as svc
from gonghui.orgs.models import Employer


class DemocracyBallotEngine(registry.BallotEngine):
    def create(
        self,
        *,
        actor: Actor,
        org: Any,
        kind: str,
        title: str,
        electorate: registry.Electorate,
        options: Iterable[str] = (),
        seats: int = 1,
        pass_rule: str = "",
        tellers: Iterable[str] = (),
        tellers_needed: int = 2,
        owner: str = "",
        owner_ref: str = "",
    ) -> int:
        from django.db import transaction

        from gonghui.democracy.models import Session

        with transaction.atomic():
            ballot = svc.ballot_create(
                actor=actor,
                kind=kind,
                title=title,
                session=Session.objects.get(pk=electorate.session_id)
                if electorate.kind == Electorate.DELEGATES and electorate.session_id
                else None,
                org=org,
                electorate=electorate.kind,
                employer=Employer.objects.filter(pk=electorate.employer_id).first()
                if electorate.employer_id
                else None,
                voters=list(electorate.names),
                options=list(options),
                seats=seats,
                pass_rule=pass_rule,
                owner=owner,
                owner_ref=owner_ref,
            )
            names = list(tellers)
            if names:
                svc.ballot_tellers_set(
                    actor=actor, ballot=ballot, names=names, needed=tellers_needed
                )
        return ballot.pk

    def state(self, ballot_id: int) -> str:
        return str(Ballot.objects.values_list("state", flat=True).get(pk=ballot_id))

    def url(self, ballot_id: int) -> str:
        return reverse("democracy:ballot_detail", args=[ballot_id])

    def outcome(self, ballot_id: int) -> registry.BallotOutcome | None:
        from gonghui.democracy.selectors.ballot_results import ballot_result

        ballot = Ballot.objects.get(pk=ballot_id)
        if ballot.state != BallotState.PUBLISHED:
            return None
        result = ballot_result(ballot)
        return registry.BallotOutcome(
            ballot_id=ballot.pk,
            kind=ballot.kind,
            passed=result.passed,
            eligible=result.turnout.eligible,
            voted=result.turnout.voted,
            rows=tuple(
                registry.OutcomeRow(
                    code=row.option.code,
                    label=row.option.label,
                    votes=row.votes,
                    elected=row.elected,
                    grades=dict(row.grades) or None,
                    satisfaction_pct=row.satisfaction_pct,
                    flagged=row.flagged,
                )
                for row in result.rows
            ),
            published_hash=ballot.published_hash,
        )


ENGINE = DemocracyBallotEngine()


def notify_owner(ballot_id: int) -> None:
    """After a publication commits: tell the module that asked for the ballot."""
    ballot = Ballot.objects.get(pk=ballot_id)
    listener = registry.ballot_listener(ballot.owner)
    if listener is not None:
        listener(ballot_id=ballot.pk, owner_ref=ballot.owner_ref, outcome=ENGINE.outcome(ballot.pk))
