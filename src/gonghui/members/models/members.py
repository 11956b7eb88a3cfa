"""The member registry: one real-name record per person in the installation (DOMAIN.md §2.6)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from gonghui.core.crypto import EncryptedTextField, mask_id_number, mask_phone
from gonghui.core.identifiers import IdType
from gonghui.core.scoping import ScopedManager
from gonghui.orgs.models import Employer, Org


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    RETAINED = "retained", _("保留会籍")
    WITHDRAWN = "withdrawn", _("已退会")
    EXPELLED = "expelled", _("已开除")


class Member(models.Model):
    """A union member. ID and phone are encrypted; their blind indexes serve exact lookup and
    uniqueness (one person = one record, by ID type and number)."""

    id_type = models.CharField(_("证件类型"), max_length=12, choices=IdType.choices)
    id_number = EncryptedTextField(_("证件号码"), index_field="id_index", index_kind="id")
    id_index = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=20, blank=True)
    skill_level = models.CharField(_("技能等级"), max_length=20, blank=True)
    household_type = models.CharField(_("户籍类型"), max_length=20, blank=True)
    household_place = models.CharField(_("户籍所在地"), max_length=100, blank=True)
    employment_status = models.CharField(_("就业状况"), max_length=20, blank=True)
    migrant_worker = models.BooleanField(_("农民工"), default=False)
    new_employment = models.CharField(_("新就业形态"), max_length=20, blank=True)
    phone = EncryptedTextField(
        _("手机号码"), blank=True, default="", index_field="phone_index", index_kind="phone"
    )
    phone_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    union = models.ForeignKey(
        Org, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="members"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    org_path = models.CharField(max_length=255)
    joined_on = models.DateField(_("入会时间"))
    # Changed only through the declared transitions below, called by services under a row lock.
    status = FSMField(
        _("会籍状态"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    consent_at = models.DateTimeField(_("同意时间"))
    consent_purpose = models.CharField(_("收集目的"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    # Its trail in core's one history table (ADR 0021), deleted with it; the dated 会籍
    # record stays MembershipChange, written by the same transition call.
    history = GenericRelation("core.HistoryEntry")

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["-id"]
        constraints = [
            # id_index first: its unique index also serves lookups by ID alone, so no lone
            # id_index index has to be kept up to date on every write.
            models.UniqueConstraint(fields=["id_index", "id_type"], name="members_one_person")
        ]
        indexes = [
            # Scoped lists walk (org_path prefix, id) for keyset pagination at millions of rows.
            models.Index(fields=["org_path", "id"], name="members_path_id"),
            # LIKE '王%' on PostgreSQL needs pattern ops under a non-C collation; the scope is a
            # range (core.scoping.prefix_q), which needs the default operators.
            models.Index(
                fields=["name", "org_path"],
                name="members_name_path",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            ),
            models.Index(fields=["phone_index"], name="members_phone_index"),
        ]

    def __str__(self) -> str:
        return self.name

    # --- 会籍 transitions (DOMAIN.md §2.2): moved by core.workflow, each with a MembershipChange

    @transition(field=status, source=MemberStatus.ACTIVE, target=MemberStatus.RETAINED)
    def retain(self) -> None:
        """保留会籍 on retirement or unemployment: no vote, no candidacy, no dues."""

    @transition(field=status, source=MemberStatus.RETAINED, target=MemberStatus.ACTIVE)
    def restore(self) -> None:
        """Back to 正常, e.g. on re-employment."""

    @transition(
        field=status,
        source=[MemberStatus.ACTIVE, MemberStatus.RETAINED],
        target=MemberStatus.WITHDRAWN,
    )
    def withdraw(self) -> None:
        """退会 (会员退会自由) or 视为自动退会 after six months without dues."""

    @transition(
        field=status,
        source=[MemberStatus.ACTIVE, MemberStatus.RETAINED],
        target=MemberStatus.EXPELLED,
    )
    def expel(self) -> None:
        """开除会籍 (serious crime with criminal punishment)."""

    @property
    def is_current(self) -> bool:
        return self.status in (MemberStatus.ACTIVE, MemberStatus.RETAINED)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class ChangeKind(models.TextChoices):
    JOINED = "joined", _("入会")
    TRANSFERRED = "transferred", _("转会")
    RETAINED = "retained", _("保留会籍")
    RESTORED = "restored", _("恢复会籍")
    WITHDRAWN = "withdrawn", _("退会")
    EXPELLED = "expelled", _("开除会籍")
    MERGED = "merged", _("工会合并")


class MembershipChange(models.Model):
    """会籍变化: a dated record of every change of a member's status or union."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("变化类型"), max_length=12, choices=ChangeKind.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)
    from_union = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_union = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org_path = models.CharField(max_length=255)
    occurred_on = models.DateField(_("日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("会籍变化")
        verbose_name_plural = _("会籍变化")
        ordering = ["-created_at", "-id"]
        # A plain btree for the path ranges of subtree moves (core.scoping.prefix_q):
        # db_index=True would add a varchar_pattern_ops twin that no query uses.
        indexes = [models.Index(fields=["org_path"], name="members_change_path")]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}"


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    REJECTED = "rejected", _("已退回")
    CANCELLED = "cancelled", _("已撤回")


class Transfer(models.Model):
    """转会: issued by the sending union, accepted by the receiving one. The member stays in
    the sending union until the moment of acceptance: never in two unions, never in none."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_union = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    to_union = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    from_path = models.CharField(max_length=255, db_index=True)
    to_path = models.CharField(max_length=255, db_index=True)
    status = FSMField(
        _("状态"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.ISSUED
    )
    reason = models.CharField(_("转会原因"), max_length=200)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("开具时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("转会")
        verbose_name_plural = _("转会")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="issued"),
                name="members_one_open_transfer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.from_union} → {self.to_union}"

    @transition(field=status, source=TransferStatus.ISSUED, target=TransferStatus.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=TransferStatus.ISSUED, target=TransferStatus.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=TransferStatus.ISSUED, target=TransferStatus.CANCELLED)
    def cancel(self) -> None:
        pass


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    LOST = "lost", _("已挂失")
    VOID = "void", _("已作废")


class Card(models.Model):
    """会员卡: province code + serial + Luhn check digit. It follows the membership: valid while
    the member is 正常 or 保留会籍, kept on transfer, void on withdrawal or expulsion; 挂失 and
    补卡 give a new number and leave the old one dead."""

    number = models.CharField(_("卡号"), max_length=20, unique=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cards")
    status = models.CharField(
        _("状态"), max_length=8, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    issued_on = models.DateField(_("发卡日期"))
    ended_on = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("会员卡")
        verbose_name_plural = _("会员卡")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="active"),
                name="members_one_active_card",
            )
        ]

    def __str__(self) -> str:
        return self.number


class CardSequence(models.Model):
    """The last serial issued under a card-number prefix (row-locked when a card is issued)."""

    prefix = models.CharField(max_length=4, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class JoinApplication(models.Model):
    """入会申请 by a worker, decided by the grassroots union (批准 or 不批准 with a reason)."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_applications"
    )
    union = models.ForeignKey(
        Org, verbose_name=_("申请加入的工会"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    id_type = models.CharField(_("证件类型"), max_length=12, choices=IdType.choices)
    id_number = EncryptedTextField(_("证件号码"), index_field="id_index", index_kind="id")
    id_index = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedTextField(_("手机号码"), blank=True, default="")
    employer_name = models.CharField(_("工作单位"), max_length=150, blank=True)
    consent_at = models.DateTimeField(_("同意时间"))
    consent_purpose = models.CharField(_("收集目的"), max_length=200)
    status = FSMField(
        _("状态"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    decision_reason = models.CharField(_("审批意见"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("入会申请")
        verbose_name_plural = _("入会申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(status="pending"),
                name="members_one_pending_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.union}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @transition(field=status, source=ApplicationStatus.PENDING, target=ApplicationStatus.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=ApplicationStatus.PENDING, target=ApplicationStatus.REJECTED)
    def reject(self) -> None:
        pass


# --- the member's own pages (/m/): activation, consent, correction requests ---------------------


class ActivationCode(models.Model):
    """A one-time code sent by SMS to the phone on a member's record, to open their account.

    Only a hash of the code is stored; it dies when used, on expiry, or after too many guesses.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("开通验证码")
        verbose_name_plural = _("开通验证码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.created_at:%Y-%m-%d %H:%M}"


class MemberConsent(models.Model):
    """The member's own consent to the privacy notice (PIPL §14), one row per consent given."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notice_version = models.CharField(_("隐私政策版本"), max_length=20)
    purpose = models.CharField(_("收集目的"), max_length=200)
    consented_at = models.DateTimeField(_("同意时间"))

    class Meta:
        verbose_name = _("个人信息同意记录")
        verbose_name_plural = _("个人信息同意记录")
        ordering = ["-consented_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.notice_version}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已更正")
    REJECTED = "rejected", _("未同意")


class CorrectionRequest(models.Model):
    """A member's request to correct their registry data, decided by an officer of their union.

    ``changes`` holds {field: [old, new]} as encrypted JSON: old and new values may be an ID
    number or a phone number (DESIGN.md rule 3); ``fields`` names the fields in clear for lists.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="corrections")
    org_path = models.CharField(max_length=255, db_index=True)
    fields = models.CharField(_("更正项目"), max_length=200)
    changes = EncryptedTextField(_("更正内容"))
    note = models.CharField(_("更正说明"), max_length=200, blank=True)
    status = FSMField(
        _("状态"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("信息更正申请")
        verbose_name_plural = _("信息更正申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="members_one_pending_correction",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.fields}"

    @transition(field=status, source=CorrectionStatus.PENDING, target=CorrectionStatus.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=CorrectionStatus.PENDING, target=CorrectionStatus.REJECTED)
    def reject(self) -> None:
        pass
