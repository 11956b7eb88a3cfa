"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "accounts.user.created": _("创建账号"),
    "accounts.user.password_reset": _("重置密码"),
    "accounts.user.password_set": _("设置密码"),
    "accounts.user.password_changed": _("修改密码"),
    "accounts.user.unlocked": _("解锁账号"),
    "accounts.user.locked": _("锁定账号"),
    "accounts.user.activated": _("启用账号"),
    "accounts.user.deactivated": _("停用账号"),
    "accounts.token.issued": _("签发接口令牌"),
}
