from gonghui.members.importers import MemberImporter
from gonghui.orgs.management.commands._common import OrgsImportCommand


class Command(OrgsImportCommand):
    help = (
        "从 Excel/CSV 导入会员：gonghui import_members FILE --org CODE "
        "[--user USERNAME] [--dry-run] [--json]"
    )
    importer = MemberImporter
