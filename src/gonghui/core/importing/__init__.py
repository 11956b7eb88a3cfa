"""Excel/CSV imports, domain-free (DESIGN.md rule 6): see ``base.Importer``.

An app's ``importers.py`` subclasses ``Importer``; ``jobs`` runs it as an ImportJob (a task
with progress and a rejected-rows workbook) and gives the ``gonghui import_*`` commands their
base. This package imports no domain app.
"""

from gonghui.core.importing.base import (
    Column,
    Importer,
    ImportResult,
    Kind,
    Outcome,
    Row,
    RowResult,
)
from gonghui.core.importing.reader import ImportFileError, read_table

__all__ = [
    "Column",
    "ImportFileError",
    "ImportResult",
    "Importer",
    "Kind",
    "Outcome",
    "Row",
    "RowResult",
    "read_table",
]
