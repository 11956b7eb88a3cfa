"""Intake rules of appeals shared by every way in (phone, officer, API, hand-off, forum):
the categories with their deadlines (data, DESIGN.md rule 10), text and attachment checks."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from gonghui.voice.models import AppealCategory

SUGGESTION = "suggestion"
# The national defaults; an installation edits them in the admin (DESIGN.md rule 10).
DEFAULT_CATEGORIES = (
    ("wage", "工资", 10),
    ("contract", "劳动合同", 20),
    ("insurance", "社保", 30),
    ("safety", "安全", 40),
    ("hardship", "生活困难", 50),
    (SUGGESTION, "意见建议", 60),
    ("other", "其他", 90),
)
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx", ".txt")


def ensure_categories() -> None:
    """Seed the default categories once (idempotent; rows an admin changed are kept)."""
    if AppealCategory.objects.exists():
        return
    AppealCategory.objects.bulk_create(
        [AppealCategory(code=c, name=n, order=o) for c, n, o in DEFAULT_CATEGORIES],
        ignore_conflicts=True,
    )


def category_get(code: str) -> AppealCategory:
    ensure_categories()
    category = AppealCategory.objects.filter(code=code, active=True).first()
    if category is None:
        raise ValidationError({"category": _("类别不存在或已停用")})
    return category


def clean_text(title: str, content: str) -> tuple[str, str]:
    title, content = " ".join((title or "").split()), (content or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("标题不能为空")
    elif len(title) > 100:
        errors["title"] = _("标题不能超过100个字")
    if len(content) < 5:
        errors["content"] = _("内容不能少于5个字")
    if errors:
        raise ValidationError(errors)
    return title, content


def check_attachments(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("附件最多%(n)d个") % {"n": MAX_ATTACHMENTS}})
    for f in files:
        name = (f.name or "").lower()
        if not name.endswith(ATTACHMENT_TYPES):
            raise ValidationError({"attachments": _("附件只能是图片、PDF、Word或文本文件")})
        if (f.size or 0) > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": _("单个附件不能超过10MB")})
    return files
