import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.demo.generator import SIZES, seed_demo
from gonghui.orgs.models import OrgKind


class Command(BaseCommand):
    help = "生成演示省份（同一种子结果相同；已生成则不再改动）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--json", action="store_true", help="只在标准输出打印一行 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo(size=options["size"], seed=options["seed"])
        accounts = [a.as_dict() for a in result.accounts]
        if options["json"]:
            self.stdout.write(
                json.dumps({"accounts": accounts, "root": result.root}, ensure_ascii=False)
            )
            return
        self.stdout.write("演示数据已生成" if result.created else "演示数据已存在，未作改动")
        self.stdout.write(format_accounts(accounts))


def _kind_label(code: str) -> str:
    """The org type as officers say it (省级工会 ...), never the code."""
    try:
        return str(OrgKind(code).label)
    except ValueError:
        return code


def format_accounts(accounts: list[dict[str, str]]) -> str:
    header = ("用户名", "密码", "职务", "组织编码", "组织类型", "组织名称", "可以办理")
    rows = [header] + [
        (
            a["username"],
            a["password"],
            a["role"],
            a["org_code"],
            _kind_label(a["org_kind"]),
            a.get("org_name", ""),
            a.get("duties", ""),
        )
        for a in accounts
    ]

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row))
        for row in rows
    ]
    return "\n".join(lines)
