import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core import crypto
from gonghui.core.keys import install_new_demo_key, rotate_all


class Command(BaseCommand):
    help = (
        "用当前个人信息密钥重新加密全部加密字段并重算盲索引。生产环境：先把新密钥设为 "
        "GONGHUI_PII_KEY、旧密钥放入 GONGHUI_PII_OLD_KEYS，再运行本命令；演示模式可用 --generate。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate",
            action="store_true",
            help="演示模式：生成新密钥写入 var/，旧密钥保留为只读",
        )
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            if settings.PRODUCTION:
                raise CommandError("生产环境请通过环境变量更换密钥，不能使用 --generate")
            install_new_demo_key(settings.VAR_DIR)
        done = rotate_all(batch=options["batch"])
        summary = {"key": crypto.current_key_id(), "rows": done}
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        for label, count in done.items():
            self.stdout.write(f"{label}: {count} 行")
        self.stdout.write(
            f"已全部改用密钥 {summary['key']}。确认无误后，可从 GONGHUI_PII_OLD_KEYS"
            "（演示模式为 var/pii_old_keys）删除旧密钥。"
        )
