from gonghui.orgs.importers import EmployerImporter
from gonghui.orgs.management.commands._common import OrgsImportCommand


class Command(OrgsImportCommand):
    help = "从 Excel/CSV 导入用人单位：gonghui import_employers FILE --org CODE --user USERNAME"
    importer = EmployerImporter
