"""The importer base: a subclass declares its columns, maps and validates ONE row, applies it.

The base does everything else: reading, finding the header row under title rows, header
variants, cell normalization, duplicates within the file, transactions (each applied row in
its own savepoint, each batch a savepoint inside the job's one transaction, a dry run rolled
back), counts, progress, and the
workbook of rejected rows with their reasons.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import logging
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gonghui.core.importing import normalize
from gonghui.core.importing.reader import ImportFileError, read_table
from gonghui.core.importing.workbooks import ProblemWorkbook
from gonghui.core.scoping import Actor

logger = logging.getLogger(__name__)


class Kind(enum.StrEnum):
    TEXT = "text"
    CODE = "code"  # identifiers: no spaces, upper case, never a float
    DATE = "date"
    BIRTH_DATE = "birth_date"  # a date that may be earlier than other events (core.dateranges)
    INT = "int"


_CONVERTERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: normalize.to_text,
    Kind.CODE: normalize.to_code,
    Kind.DATE: normalize.to_date,
    Kind.BIRTH_DATE: normalize.to_birth_date,
    Kind.INT: normalize.to_int,
}


@dataclass(frozen=True)
class Column:
    """A column the importer knows: its key, its label (the template's header) and variants."""

    key: str
    label: str | Promise
    variants: Sequence[str] = ()
    required: bool = False
    kind: Kind = Kind.TEXT
    example: Any = ""
    help: str | Promise = ""
    # The longest text the target field holds: a longer cell rejects its row, with the reason,
    # instead of failing the batch in the database (or being stored whole by SQLite).
    max_length: int | None = None
    # Few distinct values in a file (dictionary texts, union codes, join dates): each distinct
    # text cell is converted once per run, not once per row.
    repeats: bool = False

    def header_keys(self) -> set[str]:
        return {normalize.header_key(v) for v in (str(self.label), *self.variants)}


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(slots=True)
class Row:
    """One data row: where it is, the cells as read, the values converted by column kind."""

    number: int  # as Excel shows it (1-based)
    raw: list[Any]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # keys whose cell could not be converted
    cleaned: dict[str, Any] | None = None
    outcome: Outcome | None = None


@dataclass
class RowResult:
    """What ``clean_row`` returns: the cleaned values, reasons to reject it, warnings."""

    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    total: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    problems_path: str = ""  # a temporary .xlsx of the rejected and warned rows, if any

    def summary(self, errors_file: str = "") -> dict[str, Any]:
        return {
            "total": self.total,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "errors_file": errors_file,
        }


class DryRunRollback(Exception):
    """Raised inside the dry run's transaction to roll everything back."""


class Importer:
    """Subclass, declare ``columns`` (and ``key_fields`` for duplicates within a file), then
    implement ``clean_row`` (map and validate one row) and ``apply_row`` (create, update or
    report unchanged).

    A bulk importer (members: tens of thousands of rows a second) keeps ``clean_row`` and
    replaces the per-row writes: ``prepare_batch(rows)`` fetches what the batch's rows look up
    in a few queries, and ``process_batch(rows)`` calls ``self.validate(row)`` on each row (the
    duplicate check included), writes the valid ones in bulk (COPY / bulk_create / one UPDATE),
    and sets each ``row.outcome`` — or appends to ``row.errors``. Each batch is one savepoint
    (the job runs the whole file in one transaction: ``jobs.execute_import_job``);
    counts, progress, the dry run and the problem workbook stay the base's.
    """

    name: ClassVar[str | Promise] = ""
    columns: ClassVar[Sequence[Column]] = ()
    key_fields: ClassVar[Sequence[str]] = ()
    capability: ClassVar[str | None] = None  # required at ``org_path`` for the whole run
    # The rows carry ID numbers: their problem-row workbook is downloaded with ``reveal_pii``.
    holds_personal_ids: ClassVar[bool] = False
    header_scan_rows: ClassVar[int] = 15
    batch_size: ClassVar[int] = 200  # rows per savepoint and per progress report
    # Each applied row runs in its own savepoint so that a failing row loses nothing else. An
    # importer whose apply_row makes exactly one call to an atomic service may turn it off: the
    # service's own savepoint already isolates the row (and saves two queries per row).
    savepoint_per_row: ClassVar[bool] = True
    template_title: ClassVar[str | Promise] = ""
    # Each batch in its own savepoint. A bulk importer whose batch cannot fail halfway (its
    # errors fail the whole job: ADR 0017) turns it off to keep the connection free for a
    # write running in the background while the next batch is validated.
    savepoint_per_batch: ClassVar[bool] = True

    def __init__(
        self, *, actor: Actor, org_path: str, options: dict[str, Any] | None = None
    ) -> None:
        self.actor = actor
        self.org_path = org_path
        self.options = options or {}
        self.present: set[str] = set()  # keys of the columns the file has
        self.seen: dict[Hashable, int] = {}  # natural key -> first row number
        self.size_hint = 0
        self.mapping: dict[int, str] = {}  # column index -> key, of this file's header
        # False when the importer converts its rows elsewhere (a worker process).
        self.convert_in_parent = True
        self._converters: list[tuple[int, str, Callable[[Any], Any], int | None]] | None = None

    # --- to implement ------------------------------------------------------------------

    def setup(self) -> None:
        """Resolve the run's context (the acting org ...); raise ImportFileError to refuse."""

    def clean_row(self, row: Row) -> RowResult:
        raise NotImplementedError

    def apply_row(self, values: dict[str, Any]) -> Outcome:
        """Write one valid row; a ValidationError rejects it with its messages."""
        raise NotImplementedError

    def begin(self) -> None:
        """Hook run once the header and the file's size are known, before the first batch."""

    def prepare_batch(self, rows: list[Row]) -> None:
        """Hook to prefetch what a batch's rows look up (existing records, parents ...)."""

    def pending_rows(self) -> list[Row]:
        """Hook run after the last batch: rows whose ``process_batch`` returned before they
        were done (a pipelined importer), now finished."""
        return []

    def finish(self) -> None:
        """Hook run after the last batch, in the same transaction (a bulk importer writes what
        it aggregated over the whole file); an exception fails the whole import."""

    def abort(self) -> None:
        """Hook run when the rows fail with an exception (stop background work)."""

    # --- helpers for subclasses --------------------------------------------------------

    def label(self, key: str) -> str:
        for column in self.columns:
            if column.key == key:
                return str(column.label)
        return str(self.field_labels().get(key, ""))

    def field_labels(self) -> dict[str, str | Promise]:
        """Labels for the keys of service errors that are not column keys."""
        return {}

    def reason(self, key: str, message: Any) -> str:
        label = self.label(key)
        return f"{label}：{message}" if label else str(message)

    def messages_for(self, exc: ValidationError) -> list[str]:
        """A service's ValidationError as row reasons naming the column."""
        if hasattr(exc, "error_dict"):
            return [
                self.reason(key, message) if key != NON_FIELD_ERRORS else str(message)
                for key, messages in exc.message_dict.items()
                for message in messages
            ]
        return [str(m) for m in exc.messages]

    def natural_key(self, values: dict[str, Any]) -> Hashable | None:
        if not self.key_fields:
            return None
        key = tuple(values.get(k) for k in self.key_fields)
        return key if all(v not in (None, "") for v in key) else None

    def describe_key(self, key: Hashable) -> str:
        parts = key if isinstance(key, tuple) else (key,)
        return " ".join(str(p) for p in parts)

    # --- the header --------------------------------------------------------------------

    def match_header(self, cells: Sequence[Any]) -> dict[int, str]:
        """Column index -> column key for the cells of a header row (first match wins)."""
        lookup: dict[str, str] = {}
        for column in self.columns:
            for key in column.header_keys():
                lookup.setdefault(key, column.key)
        mapping: dict[int, str] = {}
        for index, cell in enumerate(cells):
            found = lookup.get(normalize.header_key(cell))
            if found and found not in mapping.values():
                mapping[index] = found
        return mapping

    def find_header(
        self, rows: Iterator[list[Any]]
    ) -> tuple[int, list[Any], dict[int, str], list[list[Any]]]:
        """Scan the first rows for the one that matches the most known headers; returns it
        with the rows read past it (data rows, to be processed first)."""
        best: tuple[int, int, list[Any], dict[int, str]] = (0, 0, [], {})
        scanned: list[list[Any]] = []
        for index in range(self.header_scan_rows):
            cells = next(rows, None)
            if cells is None:
                break
            scanned.append(cells)
            mapping = self.match_header(cells)
            if len(mapping) > best[0]:
                best = (len(mapping), index, cells, mapping)
            if mapping and len(mapping) == len(self.columns):
                break
        score, index, cells, mapping = best
        if not score:
            raise ImportFileError(
                _("找不到表头：前%(n)d行中没有可识别的列名，表头应包含：%(labels)s")
                % {
                    "n": self.header_scan_rows,
                    "labels": "、".join(str(c.label) for c in self.columns if c.required),
                }
            )
        missing = [
            str(c.label) for c in self.columns if c.required and c.key not in mapping.values()
        ]
        if missing:
            raise ImportFileError(
                _("缺少必需的列：%(labels)s（表头在第%(row)d行）")
                % {"labels": "、".join(missing), "row": index + 1}
            )
        return index, cells, mapping, scanned[index + 1 :]

    # --- one row -----------------------------------------------------------------------

    def convert(self, row: Row, mapping: dict[int, str]) -> None:
        if self._converters is None:
            by_key = {c.key: c for c in self.columns}
            self._converters = [
                (
                    i,
                    k,
                    _memoized(_CONVERTERS[by_key[k].kind])
                    if by_key[k].repeats
                    else _CONVERTERS[by_key[k].kind],
                    by_key[k].max_length,
                )
                for i, k in mapping.items()
            ]
        raw, width = row.raw, len(row.raw)
        for index, key, converter, max_length in self._converters:
            value = raw[index] if index < width else None
            try:
                converted = converter(value)
                if max_length and isinstance(converted, str) and len(converted) > max_length:
                    raise normalize.CellError(
                        _("不能超过%(max)d个字（现有%(n)d个字）")
                        % {"max": max_length, "n": len(converted)}
                    )
                row.values[key] = converted
            except normalize.CellError as exc:
                row.values[key] = None
                row.failed.add(key)
                row.errors.append(self.reason(key, exc))

    def validate(self, row: Row) -> None:
        """clean_row, then the duplicate check; fills ``row.cleaned`` / ``row.errors``."""
        result = self.clean_row(row)
        row.errors.extend(e for e in result.errors if e not in row.errors)
        row.warnings.extend(result.warnings)
        key = self.natural_key(result.values)
        if key is not None:
            first = self.seen.setdefault(key, row.number)
            if first != row.number:
                row.errors.append(
                    _("与第%(first)d行重复（%(key)s），以第一次出现的为准")
                    % {"first": first, "key": self.describe_key(key)}
                )
        if not row.errors:
            row.cleaned = result.values

    def apply(self, row: Row) -> None:
        assert row.cleaned is not None
        try:
            if self.savepoint_per_row:
                with transaction.atomic():
                    row.outcome = self.apply_row(row.cleaned)
            else:
                row.outcome = self.apply_row(row.cleaned)
        except ValidationError as exc:
            row.errors.extend(self.messages_for(exc))
        except PermissionDenied:
            row.errors.append(_("不在管辖范围内"))
        except IntegrityError:
            logger.warning("import row %s violated a constraint", row.number, exc_info=True)
            row.errors.append(_("与已有数据冲突（数据库约束），请检查编码是否重复"))

    def process_batch(self, rows: list[Row]) -> list[Row] | None:
        """Validate and apply each row in order (a row may refer to an earlier one). Returns
        the rows done, when not the batch (a pipelined importer returns an earlier one's)."""
        for row in rows:
            self.validate(row)
            if row.cleaned is not None:
                self.apply(row)
        return None

    # --- the run -----------------------------------------------------------------------

    def run(
        self,
        fileobj: IO[bytes],
        filename: str,
        *,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Import the file. Raises ImportFileError when it cannot be read at all."""
        if self.capability:
            from gonghui.core.scoping import require_capability

            try:
                require_capability(self.actor, self.capability, self.org_path)
            except PermissionDenied:
                raise ImportFileError(_("您没有在该组织导入此类数据的权限")) from None
        self.setup()
        table = read_table(fileobj, filename)
        rows = iter(table.rows)
        header_index, header, mapping, after_header = self.find_header(rows)
        rows = itertools.chain(after_header, rows)
        self.present = set(mapping.values())
        self.mapping = mapping
        self._converters = None  # built from this file's header on the first row
        self.size_hint = max(0, table.size_hint - header_index - 1)
        self.begin()
        result = ImportResult()
        problems = ProblemWorkbook(header)
        if progress:
            progress(0, self.size_hint)
        try:
            if dry_run:
                try:
                    with transaction.atomic():
                        self._run_all(rows, header_index, mapping, result, problems, progress)
                        raise DryRunRollback
                except DryRunRollback:
                    pass
            else:
                self._run_all(rows, header_index, mapping, result, problems, progress)
        finally:
            result.problems_path = problems.close()
        return result

    def _data_rows(self, rows: Iterator[list[Any]], header_index: int) -> Iterator[Row]:
        for number, cells in enumerate(rows, start=header_index + 2):
            try:  # a row of text (every CSV row): one join says whether it is blank
                blank: bool | None = normalize.is_blank("".join(cells))
            except TypeError:  # numbers, dates: cell by cell
                blank = None
            if blank is None:
                blank = not any(c is not None and c != "" and normalize.cell_text(c) for c in cells)
            if not blank:
                yield Row(number=number, raw=cells)

    def _run_all(self, *args: Any) -> None:
        # Without batch savepoints the rows still go in together (one savepoint, or one
        # transaction when the caller has none).
        with transaction.atomic() if not self.savepoint_per_batch else contextlib.nullcontext():
            try:
                self._run_rows(*args)
                self.finish()
            except BaseException:
                self.abort()
                raise

    def _run_rows(
        self,
        rows: Iterator[list[Any]],
        header_index: int,
        mapping: dict[int, str],
        result: ImportResult,
        problems: ProblemWorkbook,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        for batch in _chunks(self._data_rows(rows, header_index), self.batch_size):
            if self.convert_in_parent:
                for row in batch:
                    self.convert(row, mapping)
            if self.savepoint_per_batch:
                with transaction.atomic():
                    self.prepare_batch(batch)
                    done = self.process_batch(batch)
            else:
                self.prepare_batch(batch)
                done = self.process_batch(batch)
            for row in batch if done is None else done:
                self._tally(row, result, problems)
            if progress:
                progress(result.total, max(self.size_hint, result.total))
        for row in self.pending_rows():
            self._tally(row, result, problems)

    def _tally(self, row: Row, result: ImportResult, problems: ProblemWorkbook) -> None:
        result.total += 1
        if row.warnings:
            result.warnings += 1
        if row.errors or row.outcome is None:
            if not row.errors:
                row.errors.append(_("未处理"))
            result.rejected += 1
            problems.add(row, rejected=True)
            return
        if row.outcome is Outcome.CREATED:
            result.imported += 1
        elif row.outcome is Outcome.UPDATED:
            result.updated += 1
        else:
            result.unchanged += 1
        if row.warnings:
            problems.add(row, rejected=False)

    @classmethod
    def template_bytes(cls) -> bytes:
        """An .xlsx with the header row (required columns marked) and one example row."""
        from gonghui.core.importing.workbooks import template_bytes

        return template_bytes(cls.columns)


def _memoized(converter: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``converter`` remembering its result per distinct text cell (bounded: a column that
    turns out to hold many distinct values only pays for a dictionary that is cleared)."""
    memo: dict[str, Any] = {}

    def convert(value: Any) -> Any:
        if type(value) is not str:  # 1, 1.0 and True are equal keys: only text is remembered
            return converter(value)
        try:
            return memo[value]
        except KeyError:
            pass
        converted = converter(value)  # a CellError is raised each time, never remembered
        if len(memo) >= 4096:
            memo.clear()
        memo[value] = converted
        return converted

    return convert


def _chunks(items: Iterable[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
