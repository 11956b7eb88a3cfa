from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "用备份文件替换当前数据库的全部内容（请先停止服务）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="备份文件路径")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"] and input("当前数据库的内容将被备份替换，确认请输入 yes：") != "yes":
            raise CommandError("已取消")
        try:
            restore(options["source"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("已恢复")
