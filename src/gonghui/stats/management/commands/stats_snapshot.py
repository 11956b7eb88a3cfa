from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gonghui.stats.services.reports import snapshot_take


class Command(BaseCommand):
    help = "保存本月各组织统计数字的快照（每月末运行一次，供趋势图和同比使用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--label", help="期间，格式 YYYY-MM；默认本月")

    def handle(self, *args: Any, **options: Any) -> None:
        label = options["label"] or timezone.localdate().strftime("%Y-%m")
        if len(label) != 7 or label[4] != "-" or not (label[:4] + label[5:]).isdigit():
            raise CommandError("期间格式应为 YYYY-MM", returncode=2)
        try:
            snapshot = snapshot_take(label=label)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stderr.write(f"已保存 {snapshot.label} 的快照（{snapshot.counters.count()} 项）")
