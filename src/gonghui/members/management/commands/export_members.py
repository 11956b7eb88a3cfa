from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandParser

from gonghui.core.exporting import XlsxWriter, write_csv
from gonghui.core.importing.jobs import usage_error
from gonghui.members.exporters import MemberExporter, ensure_export_allowed
from gonghui.orgs.management.commands._common import resolve_actor_and_org


class Command(BaseCommand):
    help = (
        "导出会员名册（默认脱敏）：gonghui export_members --org CODE --out FILE "
        "[--user USERNAME] [--unmasked]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="组织编码（含其下级）")
        parser.add_argument("--out", required=True, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="以哪个干部账号的名义导出；省略时以系统管理员的名义")
        parser.add_argument(
            "--unmasked", action="store_true", help="导出完整证件号码和手机号码（需权限，留痕）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user, org = resolve_actor_and_org(org_code=options["org"], username=options["user"])
        try:
            ensure_export_allowed(user, org.path, unmasked=options["unmasked"])
        except PermissionDenied:
            raise usage_error(f"{user.username} 没有在 {org.code} 导出会员的权限") from None
        exporter = MemberExporter(viewer=user, org=org.code, unmasked=options["unmasked"])
        out = Path(options["out"])
        if out.suffix.lower() == ".csv":
            with out.open("wb") as fh:
                rows = write_csv(exporter, fh)
        else:
            rows = XlsxWriter().write(exporter, str(out))
        self.stderr.write(f"已导出 {rows} 行到 {out}")
