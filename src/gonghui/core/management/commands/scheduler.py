"""``gonghui scheduler [--once] [--no-catch-up]``: run the periodic jobs of every app.

Enqueues each declared job (``core.schedule``) at its cron times; a task worker executes them
(``gonghui db_worker``, or ``rqworker`` with REDIS_URL). Several schedulers may run at once:
the lock lets one of them fire each time. Stops on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.core import scheduler
from gonghui.core.schedule import periodic_jobs


class Command(BaseCommand):
    help = "运行定时任务调度：按计划把各模块登记的定时任务加入任务队列（Ctrl-C 停止）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="只补运行过去一天内错过的计划时间，然后退出（不常驻）",
        )
        parser.add_argument(
            "--no-catch-up",
            action="store_true",
            help="启动时不补运行过去一天内错过的计划时间",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lock = scheduler.default_lock()
        if options["once"] or not options["no_catch_up"]:
            runs = scheduler.catch_up(lock=lock)
            names = ", ".join(run.job for run in runs) or "-"
            self.stdout.write(f"catch-up ({lock.name} lock): {len(runs)} run(s) enqueued: {names}")
            self.stdout.flush()
        if options["once"]:
            return
        sched = scheduler.build_scheduler(lock=lock)
        for job in periodic_jobs():
            self.stdout.write(f"{job.name:28} {job.cron:16} {job.schedule_text()}")
        self.stdout.write(f"scheduler started ({lock.name} lock); Ctrl-C to stop")
        self.stdout.flush()
        # SIGTERM (the demo, systemd) stops it like Ctrl-C: no half-fired job is left behind,
        # since a firing is one short transaction and the enqueue that follows it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            sched.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            if sched.running:
                sched.shutdown(wait=True)
            self.stdout.write("scheduler stopped")
