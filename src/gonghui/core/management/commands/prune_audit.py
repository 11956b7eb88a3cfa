from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from gonghui.core.audit import prune_audit


class Command(BaseCommand):
    help = "删除超过保存期限的操作日志（默认3年，不少于6个月）"

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_audit()
        self.stdout.write(
            f"已删除 {deleted} 条超过 {settings.GONGHUI_AUDIT_RETENTION_DAYS} 天的操作日志"
        )
