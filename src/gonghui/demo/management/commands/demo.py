import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from gonghui.demo.generator import seed_demo
from gonghui.demo.management.commands.seed_demo import format_accounts


def worker_command() -> list[str]:
    """The task worker of the configured backend: RQ when REDIS_URL is set, else the database."""
    if "RQBackend" in settings.TASKS["default"]["BACKEND"]:
        return ["rqworker", "--job-class", "django_tasks_rq.Job", "default"]
    return ["db_worker", "--interval", "1"]


class Command(BaseCommand):
    help = "演示：迁移数据库、生成演示省份（仅一次）、启动任务进程并在 127.0.0.1 上提供服务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        result = seed_demo(size="small", seed=options["seed"])
        port = options["port"]
        self.stdout.write(self.style.SUCCESS(f"智慧工会演示：http://127.0.0.1:{port}/"))
        self.stdout.write(f"数据库：{settings.DATABASES['default']['NAME']}")
        self.stdout.write("演示账号（用户名或手机号码登录）：")
        self.stdout.write(format_accounts([a.as_dict() for a in result.accounts]))
        self.stdout.flush()
        # Stopping the demo (Ctrl-C or SIGTERM) also stops its task worker.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        command = [sys.executable, "-m", "gonghui.cli", *worker_command()]
        worker = subprocess.Popen(command)  # noqa: S603 (our own interpreter and arguments)
        try:
            call_command(
                "runserver", f"127.0.0.1:{port}", use_reloader=False, insecure_serving=True
            )
        finally:
            worker.terminate()
            worker.wait(timeout=10)
