from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.core.exporting import XlsxWriter, write_csv
from gonghui.orgs.exporters import OrgExporter
from gonghui.orgs.management.commands._common import resolve_actor_and_org


class Command(BaseCommand):
    help = "导出一个组织及其下级组织：gonghui export_orgs --org CODE --user USERNAME --out FILE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="组织编码")
        parser.add_argument("--user", required=True, help="以哪个干部账号的名义导出（用户名）")
        parser.add_argument("--out", required=True, help="输出文件（.xlsx 或 .csv）")

    def handle(self, *args: Any, **options: Any) -> None:
        user, org = resolve_actor_and_org(org_code=options["org"], username=options["user"])
        exporter = OrgExporter(viewer=user, org=org.code)
        out = Path(options["out"])
        if out.suffix.lower() == ".csv":
            with out.open("wb") as fh:
                rows = write_csv(exporter, fh)
        else:
            rows = XlsxWriter().write(exporter, str(out))
        self.stderr.write(f"已导出 {rows} 行到 {out}")
