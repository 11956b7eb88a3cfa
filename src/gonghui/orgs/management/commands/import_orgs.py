from gonghui.orgs.importers import OrgImporter
from gonghui.orgs.management.commands._common import OrgsImportCommand


class Command(OrgsImportCommand):
    help = "从 Excel/CSV 导入工会组织：gonghui import_orgs FILE --org CODE --user USERNAME"
    importer = OrgImporter
