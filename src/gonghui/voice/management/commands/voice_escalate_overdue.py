"""``gonghui voice_escalate_overdue [--today YYYY-MM-DD] [--json]``: pass overdue appeals up."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.voice.services.appeals import appeal_escalate_overdue


class Command(BaseCommand):
    help = "Escalate open appeals past their second deadline to the parent union."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        moved = appeal_escalate_overdue(today=options["today"])
        if options["json"]:
            self.stdout.write(json.dumps({"escalated": moved}))
        else:
            self.stdout.write(f"escalated {moved}")
