"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "demo.province.seeded": _("生成演示数据"),
    "demo.members.seeded": _("生成演示会员"),
}
