from typing import Any

from django.core.management.base import BaseCommand

from gonghui.core.counters import rebuild_counters


class Command(BaseCommand):
    help = "按全部原始记录重新计算各组织的统计计数（结果与日常累计的数字应当一致）"

    def handle(self, *args: Any, **options: Any) -> None:
        count = rebuild_counters()
        self.stderr.write(f"已重新计算，非零计数 {count} 项")
