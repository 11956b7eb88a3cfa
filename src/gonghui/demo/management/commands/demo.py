"""``gonghui demo``: migrate, seed the demo province once, then run the web server, a task
worker and the scheduler as child processes until Ctrl-C (SIGINT) or SIGTERM, which stop all
three. A child that dies stops the others too: the demo never runs half."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.schedule import periodic_jobs
from gonghui.demo.generator import seed_demo
from gonghui.demo.management.commands.seed_demo import format_accounts

STOP_TIMEOUT = 10  # seconds a child has to stop before it is killed


def worker_command() -> list[str]:
    """The task worker of the configured backend: RQ when REDIS_URL is set, else the database."""
    if "RQBackend" in settings.TASKS["default"]["BACKEND"]:
        return ["rqworker", "--job-class", "django_tasks_rq.Job", "default"]
    return ["db_worker", "--interval", "1"]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM if the demo itself is killed (-9): no orphans left."""
    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: Any) -> None:
    raise _Stop(signum)


class Command(BaseCommand):
    help = (
        "演示：迁移数据库、生成演示省份（仅一次），"
        "启动网站、任务进程和定时任务调度（Ctrl-C 全部停止）"
    )

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
        self.stdout.write("定时任务（admin 登录后在“定时任务”页面查看和立即运行）：")
        for job in periodic_jobs():
            self.stdout.write(f"  {job.schedule_text()}：{job.description}")
        self.stdout.flush()
        code = self.supervise(
            [
                ("web", ["runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"]),
                ("worker", worker_command()),
                ("scheduler", ["scheduler"]),
            ]
        )
        if code:
            raise CommandError("演示的一个进程意外退出，已停止全部进程", returncode=code)

    def supervise(self, commands: list[tuple[str, list[str]]]) -> int:
        """Start the children, wait until a signal arrives or one of them exits, stop them all
        (SIGTERM, then SIGKILL after ``STOP_TIMEOUT``) and reap them; 0 when stopped by signal."""
        previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        children: list[Child] = []
        code = 0
        try:
            for name, command in commands:
                process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                    [sys.executable, "-m", "gonghui.cli", *command],
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                )
                children.append(Child(name, process))
            pid, status = os.wait()  # the first child to exit (signals interrupt the wait)
            gone = next((c for c in children if c.process.pid == pid), None)
            code = os.waitstatus_to_exitcode(status) or 1
            if gone is not None:
                gone.process.returncode = code
                self.stderr.write(f"{gone.name} exited ({code}); stopping the demo")
        except _Stop:
            code = 0
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not orphan
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self.stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

    def stop(self, children: list[Child]) -> None:
        for child in children:
            if child.process.poll() is None:
                child.process.terminate()
        for child in children:
            try:
                child.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        self.stdout.write("演示已停止")
        self.stdout.flush()
