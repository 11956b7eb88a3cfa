"""Secret ballots of a congress session (ADR 0011): decision votes, elections and 民主评议.

Secrecy is structural: ``VoterSlot`` says who may vote and who has voted; ``CastVote`` holds the
choices and has no voter, no time and no sequential key, and its payloads are re-shuffled on
every cast so neither the primary key nor the physical row order tells which came last."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from gonghui.democracy.models import Delegate, Session
from gonghui.orgs.models import Org

__all__ = [
    "APPRAISAL_GRADES",
    "Ballot",
    "BallotKind",
    "BallotOption",
    "BallotRule",
    "BallotState",
    "CastVote",
    "PaperCount",
    "PaperTally",
    "PassRule",
    "Receipt",
    "VoteChannel",
    "VoterSlot",
]


class PassRule(models.TextChoices):
    # 民法典第一千二百五十九条: 以上 includes the number, 过半数 does not.
    MORE_THAN_HALF = "more_than_half", _("过半数（超过在任代表的一半）")
    AT_LEAST_HALF = "at_least_half", _("半数以上（不少于在任代表的一半）")


class BallotRule(models.Model):
    """An org's ballot defaults, inherited by its subtree; ``org`` empty = national default."""

    org = models.OneToOneField(
        Org,
        verbose_name=_("工会组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="democracy_ballot_rule",
    )
    org_path = models.CharField(max_length=255, db_index=True, blank=True)
    decision_rule = models.CharField(
        _("表决通过规则"), max_length=16, choices=PassRule.choices, default=PassRule.MORE_THAN_HALF
    )
    election_rule = models.CharField(
        _("选举当选规则"), max_length=16, choices=PassRule.choices, default=PassRule.MORE_THAN_HALF
    )
    min_surplus_pct = models.PositiveSmallIntegerField(_("差额选举最低差额比例(%)"), default=20)
    appraisal_threshold_pct = models.PositiveSmallIntegerField(
        _("民主评议满意率警示线(%)"), default=85
    )

    class Meta:
        verbose_name = _("投票规则")
        verbose_name_plural = _("投票规则")

    def __str__(self) -> str:
        return self.org_path or "national"


class BallotKind(models.TextChoices):
    DECISION = "decision", _("表决")
    ELECTION = "election", _("选举")
    APPRAISAL = "appraisal", _("民主评议")


class BallotState(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已结束")


class Ballot(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="ballots")
    org_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("类型"), max_length=12, choices=BallotKind.choices)
    title = models.CharField(_("事项"), max_length=150)
    pass_rule = models.CharField(_("通过规则"), max_length=16, choices=PassRule.choices)
    seats = models.PositiveSmallIntegerField(_("应选名额"), default=1)
    min_surplus_pct = models.PositiveSmallIntegerField(_("最低差额比例(%)"), default=20)
    threshold_pct = models.PositiveSmallIntegerField(_("满意率警示线(%)"), default=85)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="further_rounds"
    )
    state = models.CharField(
        _("状态"), max_length=8, choices=BallotState.choices, default=BallotState.DRAFT
    )
    # The base of the pass rule: delegates in office, fixed when the ballot opens.
    in_office = models.PositiveIntegerField(_("在任代表数"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("投票人名单确定时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开始投票时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束投票时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    # Filled at publication: the shuffled choices, their SHA-256 and the sorted receipts.
    published_choices = models.JSONField(default=list, blank=True)
    published_hash = models.CharField(max_length=64, blank=True)
    published_receipts = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_paper(self) -> bool:
        return self.paper_tallies.exists()


class BallotOption(models.Model):
    """A choice of a decision, a candidate of an election or a leader under appraisal."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(max_length=8)
    label = models.CharField(_("名称"), max_length=80)
    note = models.CharField(_("说明"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "code"], name="democracy_option_code")
        ]

    def __str__(self) -> str:
        return self.label


class VoteChannel(models.TextChoices):
    PHONE = "phone", _("手机投票")
    PAPER = "paper", _("纸质选票")


class VoterSlot(models.Model):
    """One eligible delegate of one ballot: may vote, has voted (and how), nothing else."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="slots")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="ballot_slots")
    voted = models.BooleanField(_("已投票"), default=False)
    channel = models.CharField(_("方式"), max_length=8, choices=VoteChannel.choices, blank=True)
    # SHA-256 of the receipt code: lets the voter check it later; the code itself is not kept
    # with the voter.
    receipt_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "delegate"], name="democracy_slot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}/{self.delegate_id}"


class CastVote(models.Model):
    """A cast choice. Deliberately: random key, no voter, no timestamp, no order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="casts")
    # The canonical text of the choice (see ballots.encode_choice): what is published and hashed.
    choice = models.CharField(max_length=400)

    def __str__(self) -> str:
        return str(self.id)


class Receipt(models.Model):
    """A receipt code handed to a voter: linked to neither the voter nor the choice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="receipts")
    code = models.CharField(max_length=16)

    def __str__(self) -> str:
        return self.code


class PaperTally(models.Model):
    """Counted paper ballots, entered by an officer with the 监票人 and 计票人 named."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="paper_tallies")
    returned = models.PositiveIntegerField(_("收回选票"))
    invalid = models.PositiveIntegerField(_("无效票"), default=0)
    scrutineers = models.CharField(_("监票人"), max_length=150)
    counters = models.CharField(_("计票人"), max_length=150)
    signed_off = models.BooleanField(_("监票人、计票人已签字确认"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot"], name="democracy_paper_one")]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.returned}"


class PaperCount(models.Model):
    """Per option (and, for an appraisal, per grade) the paper count."""

    tally = models.ForeignKey(PaperTally, on_delete=models.CASCADE, related_name="counts")
    option = models.ForeignKey(BallotOption, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(max_length=2, blank=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.option_id}{self.grade}: {self.count}"


# 民主评议 grades: code, label; the first two count as satisfied.
APPRAISAL_GRADES: list[tuple[str, StrPromise]] = [
    ("E", _("优秀")),
    ("C", _("称职")),
    ("B", _("基本称职")),
    ("U", _("不称职")),
]
