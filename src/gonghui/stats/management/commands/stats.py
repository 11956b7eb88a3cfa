import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.orgs.management.commands._common import resolve_actor_and_org
from gonghui.stats.definitions import FIGURES
from gonghui.stats.selectors import jsonable, stats_for


class Command(BaseCommand):
    help = "一个组织及其下级的统计数字：gonghui stats --org CODE [--json] [--user USERNAME]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="组织编码")
        parser.add_argument("--user", help="以哪个干部账号的名义查看；省略时以系统管理员的名义")
        parser.add_argument("--json", action="store_true", help="在标准输出打印一行 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        user, org = resolve_actor_and_org(org_code=options["org"], username=options["user"])
        result = stats_for(viewer=user, code=org.code)
        result["figures"] = jsonable(result["figures"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"{result['name']}（{result['org']}）")
        for figure in FIGURES:
            value = result["figures"][figure.key]
            shown = "—" if value is None else (f"{value:.1f}" if figure.rate else str(value))
            self.stdout.write(f"  {figure.label}：{shown}")
