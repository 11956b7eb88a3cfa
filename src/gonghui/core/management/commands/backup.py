from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份整个数据库（SQLite 在线备份；PostgreSQL 用 pg_dump）。备份不含密钥，请另行保管。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="备份文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(options["out"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已备份到 {path}（{path.stat().st_size} 字节）。"
            "个人信息密钥不在备份中：恢复时需要同一 GONGHUI_PII_KEY。"
        )
