"""A large member import split over two processes (issue 18 item 3, ADR 0019).

The parent reads the file, resolves what the rows name in the database (unions, employers),
looks up the people who are already members, draws ids and card serials and writes; a forked
child (``core.importing.worker``) converts, validates, deduplicates, indexes, encrypts and
encodes each block of rows as binary ``COPY`` bytes (``members.bulkload.encode``). The parent
sends block n+1 before it writes block n, so the child's Python and the parent's ``COPY`` (and
PostgreSQL's work) run on the two cores at once.

The child checks a row by the row path compiled for the file (``members.bulkload.rowplan``)
when that can prove it clean, else by the single-process path's own code
(``Importer.convert``, ``validate``): the rules, the messages and the row numbers are the same.
"""

from __future__ import annotations

import gc
from collections import deque
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection
from django.utils import timezone

from gonghui.core.importing import Outcome, Row, normalize
from gonghui.core.importing.worker import BlockWorker
from gonghui.members.bulkload import encode as import_encode
from gonghui.members.bulkload import first_load as import_first
from gonghui.members.bulkload import pg_copy as import_pg
from gonghui.members.bulkload import rowplan
from gonghui.members.bulkload import writer as bulk
from gonghui.members.models import ChangeKind, MemberStatus

if TYPE_CHECKING:
    from gonghui.members.importers import MemberImporter, UnionRef


class Encoded(NamedTuple):
    """A valid row as the child returns it."""

    position: int  # in its block
    id_type: str
    id_index: str
    union_pk: int
    member: bytes  # the member row without its id
    change: bytes  # the 入会 history row without its member id
    packed: int  # import_tally's packed counter fields
    updatable: tuple[Any, ...]  # importers.UPDATABLE, then the phone


class MemberBlocks:
    """The parent's side: ``submit`` each block, ``ready`` returns the rows written."""

    def __init__(self, importer: MemberImporter, mapping: dict[int, str]) -> None:
        self.importer = importer
        self.columns = {key: index for index, key in mapping.items()}
        self.in_flight: deque[list[Row]] = deque()
        self.to_code = normalize.to_code
        from gonghui.members.importers import EXISTING_FIELDS, UPDATABLE

        self.existing_fields, self.updatable = EXISTING_FIELDS, UPDATABLE
        # The child's state, inherited by the fork: the importer after setup, the encoders.
        self.encoders = _Encoders(importer)
        self.plan: rowplan.RowPlan | None = None  # the child's, built on its first block
        self.worker = BlockWorker(self.encode_block)
        # The parent's heap (Django, the importer's tables) is long-lived: frozen, the
        # collector's full passes, which the in-flight blocks' objects trigger, skip it.
        gc.freeze()

    # --- the parent -------------------------------------------------------------------------

    def submit(self, rows: list[Row]) -> None:
        """Resolve the block's unions and employers here, then hand it to the child."""
        unions = self._unions_of(rows)
        employers = self._employers_of(rows)
        self.worker.submit((unions, employers, [(row.number, row.raw) for row in rows]))
        self.in_flight.append(rows)

    def ready(self, *, last: bool = False) -> list[Row]:
        """Write the blocks the child has done, keeping one ahead (all of them at the end)."""
        done: list[Row] = []
        while len(self.in_flight) > (0 if last else 1):
            rows = self.in_flight.popleft()
            self.apply(rows, *self.worker.receive())
            done.extend(rows)
        return done

    def apply(
        self,
        rows: list[Row],
        valid: list[Encoded],
        problems: list[tuple[int, list[str], list[str]]],
        households: dict[str, int],
    ) -> None:
        """Write a block the child validated and encoded: its new members by ``COPY``, the
        people who are members already as the single-process path treats them."""
        importer = self.importer
        for index, errors, warnings in problems:
            rows[index].errors, rows[index].warnings = errors, warnings
        importer.drain()
        if importer.initial and importer.deferred is None:
            importer.deferred = import_first.defer_indexes()
        existing: dict[tuple[str, str], dict[str, Any]] = {}
        if not importer.initial and valid:
            found = import_pg.existing(
                [e.id_index for e in valid], self.existing_fields, connection.connection
            )
            existing = {(m["id_type"], m["id_index"]): m for m in found}
        new: list[tuple[Any, bytes, bytes]] = []
        packed: list[int] = []
        refs = importer._union_refs
        for e in valid:
            row = rows[e.position]
            current = existing.get((e.id_type, e.id_index)) if existing else None
            if current is None:
                new.append((refs[e.union_pk], e.member, e.change))
                packed.append(e.packed)
                row.outcome = Outcome.CREATED
            else:
                values = dict(zip(self.updatable, e.updatable, strict=False))
                values["phone"] = e.updatable[-1]
                importer.found(row, current, values, e.union_pk)
        paths = {pk: refs[pk].path for pk in {e.union_pk for e in valid}}
        importer.new_members.add_packed(packed, paths, households)
        writer = importer.writer
        assert isinstance(writer, import_pg.EncodedMemberWriter)
        writer.create_encoded(new)
        writer.flush()

    def close(self) -> tuple[float, float]:
        """Stop the child; its peak RSS in MB when it started and at the end."""
        gc.unfreeze()
        self.worker.close()
        return self.worker.rss_mb

    def abort(self) -> None:
        gc.unfreeze()
        self.worker.kill()

    def _code(self, cell: Any) -> str:
        try:
            return self.to_code(cell) or ""
        except normalize.CellError:
            return ""  # the child rejects the row with the reason

    def _unions_of(self, rows: list[Row]) -> dict[str, tuple[UnionRef | None, str]]:
        """The union codes the block names that are not known yet: each distinct cell
        converted once (a block names a few hundred unions in 2,000 rows)."""
        importer = self.importer
        known = importer._unions
        index = self.columns.get("union")
        if index is None:
            return {}
        cells = {row.raw[index] if index < len(row.raw) else None for row in rows}
        code = self._code
        wanted = {code(cell) for cell in cells} - set(known) - {""}
        if wanted:
            importer.resolve_unions(wanted)
        return {code: known[code] for code in wanted}

    def _employers_of(self, rows: list[Row]) -> dict[int, dict[str, int]]:
        if "employer" not in self.columns:
            return {}
        importer = self.importer
        sent: dict[int, dict[str, int]] = {}
        index, at = self.columns["employer"], self.columns.get("union")
        named = {
            row.raw[at] if at is not None and at < len(row.raw) else None
            for row in rows
            if index < len(row.raw) and normalize.cell_text(row.raw[index])
        }
        for cell in named:
            code = self._code(cell)
            union = importer._unions.get(code, (None, ""))[0] if code else importer.root
            if union is not None and union.pk not in importer._employers:
                sent[union.pk] = importer.employer_table(union)
        return sent

    # --- the child --------------------------------------------------------------------------

    def encode_block(
        self, payload: tuple[dict[str, Any], dict[int, dict[str, int]], list[tuple[int, list]]]
    ) -> tuple[list[Encoded], list[tuple[int, list[str], list[str]]], dict[str, int]]:
        """Check, seal and encode one block: (valid rows, problems, household codes).

        A row the compiled plan proves clean is a tuple from its cells on; any other row
        takes the full path (``convert`` + ``validate``), which words its reasons."""
        unions, employers, cells = payload
        importer = self.importer
        importer._unions.update(unions)
        importer._employers.update(employers)
        if self.plan is None:
            self.plan = rowplan.RowPlan(importer)
        plan, mapping = self.plan, importer.mapping
        convert, validate, as_tuple = importer.convert, importer.validate, rowplan.as_tuple
        positions: list[int] = []
        values: list[tuple[Any, ...]] = []
        problems: list[tuple[int, list[str], list[str]]] = []
        for index, (number, raw) in enumerate(cells):
            clean = plan(number, raw)
            if clean is None:
                row = Row(number=number, raw=raw)
                convert(row, mapping)
                validate(row)
                if row.errors or row.warnings:
                    problems.append((index, row.errors, row.warnings))
                if row.cleaned is None:
                    continue
                clean = as_tuple(row.cleaned)
            positions.append(index)
            values.append(clean)
        encoded = self.encoders.rows(values)
        out = [Encoded(p, *fields) for p, fields in zip(positions, encoded, strict=True)]
        return out, problems, self.encoders.tally.households


class _Encoders:
    """The child's encoders of member and history rows (all but their first column)."""

    def __init__(self, importer: MemberImporter) -> None:
        from gonghui.members.bulkload import tally as import_tally
        from gonghui.members.importers import UPDATABLE

        writer = importer.writer
        assert isinstance(writer, import_pg.BackgroundMemberWriter)
        member_types, change_types = writer.types[0], writer.types[1]
        enc = {
            c: import_encode.encoder(t)
            for c, t in zip(bulk.MEMBER_COLUMNS, member_types, strict=True)
        }
        cached = import_encode.cached
        self.id_type, self.gender = cached(enc["id_type"]), cached(enc["gender"])
        self.birth, self.joined = cached(enc["birth_date"]), cached(enc["joined_on"])
        self.text = import_encode.encoder("text")
        columns = bulk.MEMBER_COLUMNS  # the seven texts between the birth date and the flag
        between = columns[columns.index("birth_date") + 1 : columns.index("migrant_worker")]
        self.dicts = [(f, cached(enc[f])) for f in between]
        assert between == (
            "ethnicity",
            "education",
            "political_status",
            "skill_level",
            "household_type",
            "household_place",
            "employment_status",
        )
        self.flag = enc["migrant_worker"]
        self.new_employment = cached(enc["new_employment"])
        self.employer = cached(enc["employer_id"])
        self.union_id, self.path = enc["union_id"], enc["org_path"]
        now = timezone.now()
        self.tail = b"".join(
            (
                enc["status"](str(MemberStatus.ACTIVE.value)),
                enc["consent_at"](importer.consent_at),
                enc["consent_purpose"](importer.consent_purpose),
                enc["created_at"](now),
                enc["updated_at"](now),
            )
        )
        change = {
            c: import_encode.encoder(t)
            for c, t in zip(bulk.CHANGE_COLUMNS, change_types, strict=True)
        }
        self.change_enc = change
        self.change_head = b"".join(
            (
                change["kind"](str(ChangeKind.JOINED.value)),
                change["reason"](str(writer.reason)),
                change["from_status"](""),
                change["to_status"](str(MemberStatus.ACTIVE.value)),
            )
        )
        self.change_now = change["created_at"](now)
        self.actor = change["actor_id"](writer.actor_id)
        self.unions: dict[int, tuple[bytes, bytes]] = {}
        self.tally = import_tally.NewMemberTally()
        # ``rows`` writes an update's values in this order, from the cleaned tuple.
        assert UPDATABLE == (
            "name",
            "ethnicity",
            "education",
            "political_status",
            "skill_level",
            "household_type",
            "household_place",
            "employment_status",
            "new_employment",
            "migrant_worker",
            "phone_index",
            "employer_id",
        )
        assert rowplan.FIELDS[5:12] == between
        self.initial = importer.initial

    def _union(self, union: Any) -> tuple[bytes, bytes]:
        """The union's bytes in a member row (id, path) and in a history row."""
        found = self.unions.get(union.pk)
        if found is None:
            change = self.change_enc
            found = self.unions[union.pk] = (
                self.union_id(union.pk) + self.path(union.path),
                self.change_head
                + change["to_union_id"](union.pk)
                + self.actor
                + change["org_path"](union.path),
            )
        return found

    def rows(self, values: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Cleaned rows (``rowplan.FIELDS`` order) sealed and encoded, as ``Encoded``'s
        fields after its position."""
        id_indexes, phone_indexes, id_ciphers, phone_ciphers = import_pg.seal_columns(
            [v[1] for v in values], [v[14] for v in values], encrypt=True
        )
        text, id_type_of, gender_of, birth_of, joined_of = (
            self.text,
            self.id_type,
            self.gender,
            self.birth,
            self.joined,
        )
        dicts, flag, new_employment_of, employer_of, tail = (
            self.dicts,
            self.flag,
            self.new_employment,
            self.employer,
            self.tail,
        )
        change_now, pack, initial = self.change_now, self.tally.pack_fields, self.initial
        (
            ethnicity_of,
            education_of,
            political_of,
            skill_of,
            household_of,
            place_of,
            employment_of,
        ) = (encode for _field, encode in dicts)
        union_bytes = self._union
        out = []
        for v, id_index, phone_index, id_cipher, phone_cipher in zip(
            values, id_indexes, phone_indexes, id_ciphers, phone_ciphers, strict=True
        ):
            (
                id_type,
                _number,
                name,
                gender,
                birth,
                ethnicity,
                education,
                political,
                skill,
                household,
                place,
                employment,
                migrant,
                new_employment,
                phone,
                employer,
                union,
                joined_on,
            ) = v
            in_member, in_change = union_bytes(union)
            joined = joined_of(joined_on)
            member = b"".join(
                (
                    id_type_of(id_type),
                    text(id_cipher),
                    text(id_index),
                    text(name),
                    gender_of(gender),
                    birth_of(birth),
                    ethnicity_of(ethnicity),
                    education_of(education),
                    political_of(political),
                    skill_of(skill),
                    household_of(household),
                    place_of(place),
                    employment_of(employment),
                    flag(migrant),
                    new_employment_of(new_employment),
                    text(phone_cipher),
                    text(phone_index),
                    employer_of(employer),
                    in_member,
                    joined,
                    tail,
                )
            )
            out.append(
                (
                    id_type,
                    id_index,
                    union.pk,
                    member,
                    in_change + joined + change_now,
                    pack(union.pk, gender, birth, joined_on, migrant, new_employment, household),
                    ()
                    if initial
                    else (
                        name,
                        ethnicity,
                        education,
                        political,
                        skill,
                        household,
                        place,
                        employment,
                        new_employment,
                        migrant,
                        phone_index,
                        employer,
                        phone,
                    ),
                )
            )
        return out
