"""Accounts: officers, members and merchants log in here; officers act through their posts."""

from __future__ import annotations

import re
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from gonghui.core import cache_versions
from gonghui.core.crypto import EncryptedTextField, blind_index, mask_phone
from gonghui.core.scoping import within
from gonghui.orgs.capabilities import CAPABILITY_CODES, capabilities_of
from gonghui.orgs.models import TREE_VERSION_KEY, Org, OrgStatus, Post, level_of

# A bound on what a door that bypasses the services (a raw SQL fix) could leave cached.
POSTS_TTL = 300
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def phone_index(value: str) -> str:
    return blind_index("phone", normalize_phone(value)) if value else ""


class AccountType(models.TextChoices):
    OFFICER = "officer", _("工会干部")
    MEMBER = "member", _("会员")
    MERCHANT = "merchant", _("商户")


class User(AbstractUser):
    """Login by username or phone number. The phone is encrypted, found by its blind index."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedTextField(
        _("手机号码"), blank=True, default="", index_field="phone_index", index_kind="phone"
    )
    phone_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    account_type = models.CharField(
        _("账号类型"), max_length=12, choices=AccountType.choices, default=AccountType.OFFICER
    )
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    # Bumped whenever the account's credentials are revoked (password changed or reset): every
    # session carries a hash of it, so all sessions of the account end on their next request,
    # whatever store (database, Redis) holds them.
    auth_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_index"],
                condition=~models.Q(phone_index=""),
                name="accounts_user_phone_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "gonghui.accounts.User.session_auth_hash"
        value = f"{self.auth_epoch}:{self.password}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    # --- the core.scoping Viewer protocol --------------------------------------------------

    @cached_property
    def active_posts(self) -> list[Post]:
        """Read once per request, and kept by the worker process under the tree's version token
        (every service changing an org, a path or a post replaces it; one look at the shared
        cache per request): the fixed cost of an officer's request is not a query of the posts
        (issue 18 item 5). The posts are shared by the process's requests: read-only."""
        if not self.is_authenticated or self.account_type != AccountType.OFFICER:
            return []

        def load() -> list[Post]:
            return list(
                Post.objects.filter(user=self, active=True, org__status=OrgStatus.ACTIVE)
                .select_related("org")
                .order_by("org_path", "role")
            )

        version = cache_versions.current(TREE_VERSION_KEY)
        return list(
            cache_versions.remembered(f"accounts:posts:{self.pk}", version, load, POSTS_TTL)
        )

    @cached_property
    def post_capabilities(self) -> list[tuple[str, frozenset[str]]]:
        """(org path, capabilities) per active post, resolved once per request's user: the
        matrix lives in the cache (Redis in production), so no check goes back to it."""
        return [
            (post.org_path, capabilities_of(post.role, level_of(post.org.kind)))
            for post in self.active_posts
        ]

    def forget_posts(self) -> None:
        self.__dict__.pop("active_posts", None)
        self.__dict__.pop("post_capabilities", None)
        self.__dict__.pop("_root_paths", None)

    def scope_paths(self) -> list[str]:
        if not self.is_active:
            return []
        if self.is_superuser:  # the roots, read once per request's user (like its posts)
            if "_root_paths" not in self.__dict__:
                roots = Org.objects.filter(parent__isnull=True).values_list("path", flat=True)
                self.__dict__["_root_paths"] = list(roots)
            return list(self.__dict__["_root_paths"])
        return [post.org_path for post in self.active_posts]

    def has_capability(self, capability: str, path: str) -> bool:
        if capability not in CAPABILITY_CODES:
            raise ValueError(f"unknown capability {capability}")
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return any(
            within(path, org_path) and capability in caps
            for org_path, caps in self.post_capabilities
        )

    def capabilities_at(self, path: str) -> set[str]:
        if self.is_superuser:
            return set(CAPABILITY_CODES)
        found: set[str] = set()
        for org_path, caps in self.post_capabilities:
            if within(path, org_path):
                found |= caps
        return found


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    # The account's session hash when the token was issued: a token, like a session, dies with
    # any change of password or auth epoch, whichever door made it (Django admin included).
    # Empty on tokens issued before this column: those live until they expire.
    auth_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class OfficerActivation(models.Model):
    """A one-time link with which a new officer (or one whose password was reset) sets their
    own password; only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("账号激活链接")
        verbose_name_plural = _("账号激活链接")

    def __str__(self) -> str:
        return f"{self.user} {self.expires_at:%Y-%m-%d %H:%M}"
