from typing import Any

from django.core.management.base import CommandParser

from gonghui.members.importers import MemberImporter
from gonghui.orgs.management.commands._common import OrgsImportCommand


class Command(OrgsImportCommand):
    help = (
        "从 Excel/CSV 导入会员：gonghui import_members FILE --org CODE "
        "[--user USERNAME] [--dry-run] [--json] [--initial]"
    )
    importer = MemberImporter
    initial = False

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--initial",
            action="store_true",
            help="首次导入：会员库为空时，先不建索引写入，最后统一建索引（仅 PostgreSQL）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.initial = options["initial"]
        super().handle(*args, **options)

    def resolve(self, *, org_code: str, username: str | None) -> tuple[Any, str, dict[str, Any]]:
        actor, org_path, options = super().resolve(org_code=org_code, username=username)
        return actor, org_path, {**options, "initial": True} if self.initial else options
