"""Secret ballots (ADR 0011): decision votes, elections and 民主评议 of any electorate — the
delegates present at a congress session, a union's members (会员大会), the staff of an employer
(职工大会) or a named list.

Secrecy holds against a database reader, a backup and the WAL: ``VoterSlot`` says who may vote
and who took part, nothing else; ``SealedCast`` holds each cast encrypted on arrival to the
ballot's public key (no voter, no time, a random key), written in a transaction of its own. The
private key is split among the ballot's ``Teller`` rows' holders and never stored; the tellers
assemble it only to tally, which stores totals, never a choice per voter."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.scoping import ScopedManager
from gonghui.democracy.models.congress import Delegate, Session
from gonghui.members.models import Member
from gonghui.orgs.models import Employer, Org

__all__ = [
    "APPRAISAL_GRADES",
    "Ballot",
    "BallotKind",
    "BallotOption",
    "BallotRule",
    "BallotState",
    "Electorate",
    "PaperTally",
    "PassRule",
    "SealedCast",
    "Teller",
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

    objects = ScopedManager()

    class Meta:
        verbose_name = _("投票规则")
        verbose_name_plural = _("投票规则")

    def __str__(self) -> str:
        return self.org_path or "national"


class BallotKind(models.TextChoices):
    DECISION = "decision", _("表决")
    ELECTION = "election", _("选举")
    APPRAISAL = "appraisal", _("民主评议")


class Electorate(models.TextChoices):
    DELEGATES = "delegates", _("出席会议的职工代表")
    MEMBERS = "members", _("全体会员（会员大会）")
    STAFF = "staff", _("单位全体职工（职工大会）")
    NAMED = "named", _("指定名单")


class BallotState(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("投票结束，待监票人计票")
    TALLIED = "tallied", _("已计票")
    PUBLISHED = "published", _("已公布")


class Ballot(models.Model):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="ballots")
    org_path = models.CharField(max_length=255, db_index=True)
    electorate = models.CharField(
        _("投票人范围"), max_length=12, choices=Electorate.choices, default=Electorate.DELEGATES
    )
    # Congress ballots belong to a session; the other electorates have none.
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="ballots"
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("用人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The module that asked for the ballot through the engine registry, and its own reference.
    owner = models.CharField(max_length=60, blank=True)
    owner_ref = models.CharField(max_length=60, blank=True)
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
    # Changed only by the services in ballots.py, under a row lock, through core.workflow.
    state = FSMField(
        _("状态"), max_length=10, choices=BallotState.choices, default=BallotState.DRAFT
    )
    # The base of the pass rule, fixed when the ballot opens: delegates in office for a
    # congress, else the eligible voters (全体会员、全体职工、名单人数).
    in_office = models.PositiveIntegerField(_("表决基数"), null=True, blank=True)
    tellers_needed = models.PositiveSmallIntegerField(_("计票所需监票人数"), default=2)
    # The X25519 public key (base64); its private key exists only as the tellers' shares.
    public_key = models.CharField(max_length=64, blank=True)
    # Voters who handed in a paper ballot (their slots say only "took part").
    paper_voters = models.PositiveIntegerField(default=0)
    frozen_at = models.DateTimeField(_("投票人名单确定时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开始投票时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束投票时间"), null=True, blank=True)
    tallied_at = models.DateTimeField(_("计票时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    # Filled by the tally: totals of phone and paper together, per option code (per
    # "code=grade" for an appraisal), never per voter; the electronic casts counted and found
    # invalid; the sorted SHA-256 of every sealed cast and the SHA-256 over that list.
    totals = models.JSONField(default=dict, blank=True)
    electronic_casts = models.PositiveIntegerField(default=0)
    electronic_invalid = models.PositiveIntegerField(default=0)
    trackers = models.JSONField(default=list, blank=True)
    published_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Its trail in core's one history table (ADR 0021), deleted with it.
    history = GenericRelation("core.HistoryEntry")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def counted(self) -> bool:
        """Tallied (results readable by officers) or published."""
        return self.state in (BallotState.TALLIED, BallotState.PUBLISHED)

    @property
    def fingerprint(self) -> str:
        from gonghui.democracy.crypto import fingerprint

        return fingerprint(self.public_key)

    @transition(field=state, source=BallotState.DRAFT, target=BallotState.OPEN)
    def open(self) -> None:
        pass

    @transition(field=state, source=BallotState.OPEN, target=BallotState.CLOSED)
    def close(self) -> None:
        pass

    @transition(field=state, source=BallotState.CLOSED, target=BallotState.TALLIED)
    def tally(self) -> None:
        pass

    @transition(field=state, source=BallotState.TALLIED, target=BallotState.PUBLISHED)
    def publish(self) -> None:
        pass


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


class VoterSlot(models.Model):
    """One eligible voter of one ballot: may vote, has taken part. Not how, not when, not what.

    ``account`` is the login that may vote on the phone (none: paper only); ``delegate`` or
    ``member`` say who the voter is for congress and union electorates."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="slots")
    name = models.CharField(_("姓名"), max_length=50)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ballot_slots",
    )
    delegate = models.ForeignKey(
        Delegate, null=True, blank=True, on_delete=models.CASCADE, related_name="ballot_slots"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="ballot_slots"
    )
    voted = models.BooleanField(_("已投票"), default=False)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "delegate"],
                condition=models.Q(delegate__isnull=False),
                name="democracy_slot_delegate",
            ),
            models.UniqueConstraint(
                fields=["ballot", "member"],
                condition=models.Q(member__isnull=False),
                name="democracy_slot_member",
            ),
            models.UniqueConstraint(
                fields=["ballot", "account"],
                condition=models.Q(account__isnull=False),
                name="democracy_slot_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}/{self.name}"


class SealedCast(models.Model):
    """A cast, encrypted on arrival to the ballot's public key. No voter, no time, random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="casts")
    sealed = models.TextField()

    def __str__(self) -> str:
        return str(self.id)


class Teller(models.Model):
    """A 监票人 holding share number ``number`` of the ballot's key (k of n).

    Either an account of the ballot's org or a named person who receives a printed share. The
    share itself is shown once at opening and never stored; ``share_digest`` (SHA-256 over the
    ballot, the number and the share) only lets a wrong share be named at the tally."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="tellers")
    number = models.PositiveSmallIntegerField(_("编号"))
    name = models.CharField(_("姓名"), max_length=50)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    share_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "number"], name="democracy_teller_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class PaperTally(models.Model):
    """Counted paper ballots, entered by an officer with the 监票人 and 计票人 named.

    The per-option counts are sealed to the ballot's key like a cast and opened only by the
    tally, which publishes phone and paper together: stored in clear they would let anyone
    subtract them from the result and read the phone voters' choices."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="paper_tallies")
    returned = models.PositiveIntegerField(_("收回选票"))
    invalid = models.PositiveIntegerField(_("无效票"), default=0)
    scrutineers = models.CharField(_("监票人"), max_length=150)
    counters = models.CharField(_("计票人"), max_length=150)
    signed_off = models.BooleanField(_("监票人、计票人已签字确认"), default=False)
    sealed_counts = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot"], name="democracy_paper_one")]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.returned}"


# 民主评议 grades: code, label; the first two count as satisfied.
APPRAISAL_GRADES: list[tuple[str, StrPromise]] = [
    ("E", _("优秀")),
    ("C", _("称职")),
    ("B", _("基本称职")),
    ("U", _("不称职")),
]
