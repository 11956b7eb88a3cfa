"""合理化建议: submission (individual or team, by a member or entered by an officer), expert
reviews (accounts, or entered on a reviewer's behalf), adopt / not adopt with a reason,
implementation with estimated and verified benefit, rewards paid; campaigns with rankings.

Writes follow the services rules (one transaction, row lock, a trail row, audit); reads start
from the viewer's scope. The union that holds a proposal acts on it (``voice.handle`` in a post
at that org), as with appeals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor, Viewer, require_capability, scoped, within
from gonghui.core.workflow import history_record, transition
from gonghui.orgs.models import Org
from gonghui.voice.models import (
    Proposal,
    ProposalCampaign,
    ProposalField,
    ProposalReview,
    ProposalStatus,
)
from gonghui.voice.services.identity import owner_key


def _handles_at(actor: Actor, path: str) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    return any(
        p == path and "voice.handle" in caps for p, caps in getattr(actor, "post_capabilities", [])
    )


def _require_handler(actor: Actor, proposal: Proposal) -> None:
    require_capability(actor, "voice.handle", proposal.org_path)
    if not _handles_at(actor, proposal.org_path):
        raise PermissionDenied(_("只有建议所在工会的干部可以办理"))


def _label(actor: Actor) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:80]


def _record(proposal: Proposal, action: str, actor: Actor, before: str, opinion: str = "") -> None:
    history_record(
        proposal,
        action,
        actor=actor,
        from_state=before,
        to_state=proposal.status,
        reason=opinion,
        actor_label=_label(actor),
    )
    audit_record(
        action=f"voice.proposal.{action}",
        actor=actor,
        target=proposal,
        target_label=proposal.number,
        org_path=proposal.org_path,
        before={"status": before},
        after={"status": proposal.status},
    )


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",)).select_related("org").get(pk=proposal.pk)
    )


# --- campaigns -------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *, actor: Actor, org: Org, name: str, starts_on: dt.date, ends_on: dt.date
) -> ProposalCampaign:
    require_capability(actor, "voice.handle", org.path)
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = _("请填写活动名称")
    if ends_on < starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期")
    if errors:
        raise ValidationError(errors)
    campaign = ProposalCampaign.objects.create(
        org=org, org_path=org.path, name=name, starts_on=starts_on, ends_on=ends_on
    )
    audit_record(
        action="voice.campaign.created",
        actor=actor,
        target=campaign,
        org_path=org.path,
        after={"name": name, "starts_on": starts_on, "ends_on": ends_on},
    )
    return campaign


def campaign_list(*, viewer: Viewer | None) -> QuerySet[ProposalCampaign]:
    return scoped(ProposalCampaign.objects.select_related("org"), viewer)


def campaign_get(*, viewer: Viewer | None, pk: int) -> ProposalCampaign:
    campaign = campaign_list(viewer=viewer).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_ranking(*, campaign: ProposalCampaign, limit: int = 20) -> dict[str, list[Any]]:
    """Rankings of a campaign: proposers (people or teams) and unions, by adopted proposals
    (adopted, implemented or rewarded), then verified benefit, then proposals submitted."""
    adopted = Q(
        status__in=[ProposalStatus.ADOPTED, ProposalStatus.IMPLEMENTED, ProposalStatus.REWARDED]
    )
    qs = campaign.proposals.all()

    def rank(*fields: str) -> list[Any]:
        return list(
            qs.values(*fields)
            .annotate(
                submitted=Count("id"),
                adopted=Count("id", filter=adopted),
                benefit=Sum("verified_saving"),
                reward=Sum("reward_amount"),
            )
            .order_by("-adopted", "-benefit", "-submitted", *fields)[:limit]
        )

    return {"proposers": rank("proposer", "team"), "unions": rank("org__name")}


# --- proposals -------------------------------------------------------------------------------


def _clean(title: str, content: str, field: str) -> tuple[str, str]:
    title, content = " ".join((title or "").split()), (content or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写建议名称")
    if len(content) < 10:
        errors["content"] = _("建议内容不能少于10个字")
    if field not in ProposalField.values:
        errors["field"] = _("请选择类别")
    if errors:
        raise ValidationError(errors)
    return title, content


def _campaign_for(org: Org, campaign: ProposalCampaign | None) -> ProposalCampaign | None:
    if campaign is not None and not within(org.path, campaign.org_path):
        raise ValidationError({"campaign": _("该活动不覆盖本工会")})
    return campaign


@transaction.atomic
def proposal_submit(
    *,
    actor: Actor,
    org: Org | None = None,
    field: str,
    title: str,
    content: str,
    proposer: str = "",
    team: str = "",
    expected_benefit: str = "",
    estimated_saving: Decimal | None = None,
    campaign: ProposalCampaign | None = None,
    member: Any = None,
) -> Proposal:
    """A member's own proposal (from the phone; ``org`` is their union), or one an officer
    enters on a worker's or team's behalf (``org`` and ``proposer`` given)."""
    title, content = _clean(title, content, field)
    own = getattr(actor, "account_type", "") == "member"
    if own:
        member = getattr(actor, "member", None)
        if member is None or not member.is_current:
            raise ValidationError(_("只有在册会员可以在线提交，请联系所在工会"))
        org, proposer = member.union, member.name
    else:
        if org is None:
            raise ValidationError({"org": _("请选择工会")})
        require_capability(actor, "voice.handle", org.path)
        proposer = " ".join((proposer or "").split())
        if not proposer:
            raise ValidationError({"proposer": _("请填写建议人")})
    assert org is not None
    proposal = Proposal.objects.create(
        org=org,
        org_path=org.path,
        campaign=_campaign_for(org, campaign),
        field=field,
        title=title,
        content=content,
        expected_benefit=(expected_benefit or "").strip(),
        estimated_saving=estimated_saving,
        proposer=proposer[:50],
        team=" ".join((team or "").split())[:200],
        member=member,
        owner_key=owner_key(actor) if own else "",
    )
    _record(proposal, "submitted", actor, "")
    return proposal


@transaction.atomic
def proposal_review(
    *,
    actor: Actor,
    proposal: Proposal,
    adopt: bool,
    opinion: str,
    reviewer_name: str = "",
    score: int | None = None,
) -> ProposalReview:
    """An expert's opinion: the acting account, or a reviewer whose paper form is entered."""
    proposal = _locked(proposal)
    _require_handler(actor, proposal)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ValidationError(_("该建议已有评审结论"))
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("请填写评审意见")})
    if score is not None and not 0 <= score <= 100:
        raise ValidationError({"score": _("评分应在0到100之间")})
    on_behalf = bool((reviewer_name or "").strip())
    review = ProposalReview.objects.create(
        proposal=proposal,
        reviewer=None if on_behalf else actor,
        reviewer_name=(reviewer_name.strip() if on_behalf else _label(actor))[:50],
        entered_by=actor,
        adopt=adopt,
        score=score,
        opinion=opinion.strip(),
    )
    _record(proposal, "reviewed", actor, proposal.status, f"{review.reviewer_name}：{opinion}")
    return review


# The moves of a proposal (core.workflow, ADR 0021); the trail names the steps by their result.
PROPOSAL_TRANSITIONS = {
    "adopt": "voice.proposal.adopted",
    "reject": "voice.proposal.rejected",
    "implement": "voice.proposal.implemented",
    "reward": "voice.proposal.rewarded",
}


def _move(
    proposal: Proposal,
    name: str,
    actor: Actor,
    opinion: str,
    *,
    check: Callable[[Proposal], None] | None = None,
    apply: Callable[[Proposal], None],
) -> Proposal:
    """Move the proposal through the one transition service once its union's officer is
    established (``_require_handler`` under the row lock)."""
    proposal = _locked(proposal)
    _require_handler(actor, proposal)
    return transition(
        proposal,
        name,
        actor=actor,
        capability=None,
        locked=True,
        step=PROPOSAL_TRANSITIONS[name].rsplit(".", 1)[1],
        reason=opinion,
        check=check,
        apply=apply,
        actor_label=_label(actor),
        target_label=proposal.number,
    )


@transaction.atomic
def proposal_decide(*, actor: Actor, proposal: Proposal, adopt: bool, reason: str) -> Proposal:
    """采纳 or 不采纳 (a reason is required either way, and is shown to the proposer)."""

    def check(row: Proposal) -> None:
        if not (reason or "").strip():
            raise ValidationError({"reason": _("请填写评审结论和理由")})

    def apply(row: Proposal) -> None:
        row.decision_reason, row.decided_on = reason.strip(), timezone.localdate()

    name = "adopt" if adopt else "reject"
    return _move(proposal, name, actor, (reason or "").strip(), check=check, apply=apply)


@transaction.atomic
def proposal_implement(
    *,
    actor: Actor,
    proposal: Proposal,
    implemented_on: dt.date,
    benefit_kind: str,
    verified_saving: Decimal | None = None,
    note: str = "",
) -> Proposal:
    def check(row: Proposal) -> None:
        if implemented_on > timezone.localdate():
            raise ValidationError({"implemented_on": _("实施日期不能晚于今天")})
        if verified_saving is not None and verified_saving < 0:
            raise ValidationError({"verified_saving": _("核定效益不能为负数")})

    def apply(row: Proposal) -> None:
        row.implemented_on, row.benefit_kind = implemented_on, benefit_kind
        row.verified_saving, row.benefit_note = verified_saving, benefit_note

    benefit_note = (note or "").strip()[:300]
    return _move(proposal, "implement", actor, benefit_note, check=check, apply=apply)


@transaction.atomic
def proposal_reward(
    *, actor: Actor, proposal: Proposal, amount: Decimal, paid_on: dt.date
) -> Proposal:
    def check(row: Proposal) -> None:
        if amount <= 0:
            raise ValidationError({"amount": _("奖励金额应大于0")})
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": _("发放日期不能晚于今天")})

    def apply(row: Proposal) -> None:
        row.reward_amount, row.reward_paid_on = amount, paid_on

    return _move(proposal, "reward", actor, f"{amount}", check=check, apply=apply)


def proposal_list(*, viewer: Viewer | None, status: str = "", campaign: int | None = None) -> Any:
    qs = scoped(Proposal.objects.select_related("org", "campaign"), viewer).defer("owner_key")
    if status:
        qs = qs.filter(status=status)
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    return qs.order_by("-id")


def proposal_get(*, viewer: Viewer | None, pk: int) -> Proposal:
    proposal = proposal_list(viewer=viewer).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def my_proposals(*, user: Actor) -> QuerySet[Proposal]:
    key = owner_key(user)
    own = Proposal.objects.unscoped(reason="a member's own proposals, by the owner key")
    if not key:
        return own.none()
    return own.filter(owner_key=key).select_related("org").order_by("-id")
