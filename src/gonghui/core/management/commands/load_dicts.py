from typing import Any

from django.core.management.base import BaseCommand

from gonghui.core.dicts import seed_builtin


class Command(BaseCommand):
    help = "补充内置字典项（民族、学历、政治面貌等）；已有的字典项和管理员的修改保持不变"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"新增字典项 {seed_builtin()} 条")
