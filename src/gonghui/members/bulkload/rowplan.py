"""The member import's row path compiled once per file (issue 18 item 3, fourth round).

``MemberImporter.clean_row`` checks one row through a dictionary of converted cells, the
dictionary resolvers and ``validate_personal_id``: correct, and eight times the least Python a
row can cost. ``RowPlan`` is built from the file's header once and checks a row's raw cells
(a list, as the reader gives it) in one function: each column's converter and rule chosen
once, the cells that repeat in a roster (ID type, gender, dictionaries, unions, employers,
dates) resolved through a dict of the texts seen so far, the resident ID checked with tables
of its digits' weighted sums.

It is a *fast path*, never a second set of rules: it accepts a row only when every cell is
one it can prove clean (no error and no warning under ``clean_row``) and then returns exactly
the values ``clean_row`` would; any other row — a bad or doubtful cell, a duplicate, a passport
the plan does not inline — goes through ``convert`` + ``validate`` unchanged, which give the
reasons, in the same words and order as ever. The property test in
``tests/members/test_import_rowplan.py`` holds the two paths to the same output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from gonghui.accounts.models import PHONE_RE, normalize_phone
from gonghui.core.dateranges import EARLIEST_BIRTH
from gonghui.core.identifiers import IdType, age_on, region_name, validate_personal_id
from gonghui.core.importing import normalize
from gonghui.members.services.members import MIN_JOIN_AGE

if TYPE_CHECKING:
    from gonghui.members.importers import MemberImporter

# A cleaned row as a tuple, in this order (the encoders read it by these positions).
FIELDS = (
    "id_type",
    "id_number",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "political_status",
    "skill_level",
    "household_type",
    "household_place",
    "employment_status",
    "migrant_worker",
    "new_employment",
    "phone",
    "employer_id",
    "union",
    "joined_on",
)
DICTS = ("ethnicity", "education", "political_status", "skill_level", "household_type")
SLOW = object()  # a cell the plan cannot prove clean: the row takes the full path
_MEMO_LIMIT = 65536
_CHECK = "10X98765432"  # ISO 7064 MOD 11-2: the check character of (weighted sum mod 11)
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


def as_tuple(values: dict[str, Any]) -> tuple[Any, ...]:
    """``clean_row``'s dict in the plan's order (a row the full path cleaned)."""
    return tuple(values[f] for f in FIELDS)


def _weighted(digits: str, first: int) -> int:
    return sum(int(c) * w for c, w in zip(digits, _WEIGHTS[first:], strict=False))


class _Memo(dict[Any, Any]):
    """A column's results per distinct cell text, computed by ``compute`` on a miss."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, cell: Any) -> Any:
        value = self.compute(cell)
        if type(cell) is str:  # 1, 1.0 and True are equal keys: only text is remembered
            if len(self) >= _MEMO_LIMIT:
                self.clear()
            self[cell] = value
        return value


def _guarded(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def run(cell: Any) -> Any:
        try:
            return convert(cell)
        except normalize.CellError:
            return SLOW

    return run


class RowPlan:
    """``plan(number, raw)``: the cleaned tuple of a clean row, or None (the full path)."""

    def __init__(self, importer: MemberImporter) -> None:
        from gonghui.members import importers

        self.importer = importer
        self.today: dt.date = importer.today
        self.seen = importer.seen
        columns = {key: index for index, key in importer.mapping.items()}
        self.index = columns
        self.width = max(columns.values()) + 1 if columns else 0
        lengths = {c.key: c.max_length for c in importer.columns}
        self.name_max = lengths["name"] or 10**9
        self.place_max = lengths["household_place"] or 10**9

        def id_type(cell: Any) -> Any:
            text = _convert(normalize.to_text, cell)
            if text is SLOW:
                return SLOW
            return importers._id_type({"id_type": text}) or SLOW

        def gender(cell: Any) -> Any:
            text = _convert(normalize.to_text, cell)
            if text is SLOW:
                return SLOW
            found = importers._GENDERS.get((text or "").upper().removesuffix("性"), "")
            return SLOW if text and not found else found

        def dictionary(field: str) -> Callable[[Any], Any]:
            resolve = importer.resolvers[field]

            def code(cell: Any) -> Any:
                text = _convert(normalize.to_text, cell)
                if text is SLOW:
                    return SLOW
                value = resolve(text) if text else None
                if text and value is None:
                    return SLOW  # a warning: the full path words it
                return value.code if value else ""

            return code

        def migrant(cell: Any) -> Any:
            text = _convert(normalize.to_text, cell)
            if text is SLOW:
                return SLOW
            text = (text or "").upper()
            return True if text in importers._YES else False if text in importers._NO else SLOW

        def place(cell: Any) -> Any:
            text = _convert(normalize.to_text, cell)
            if text is SLOW or len(text) > self.place_max:
                return SLOW
            return text

        def union(cell: Any) -> Any:
            code = _convert(normalize.to_code, cell)
            if code is SLOW:
                return SLOW
            found, problem = importer.union_for(code or "")
            return SLOW if problem or found is None else found

        self.id_type = _Memo(id_type)
        self.gender = _Memo(gender)
        self.birth = _Memo(_guarded(normalize.to_birth_date))
        self.joined = _Memo(_guarded(normalize.to_date))
        self.dicts = [_Memo(dictionary(f)) for f in DICTS]
        self.employment = _Memo(dictionary("employment_status"))
        self.new_employment = _Memo(dictionary("new_employment"))
        self.migrant = _Memo(migrant)
        self.place = _Memo(place)
        self.union = _Memo(union)
        self.employers: dict[tuple[int, Any], Any] = {}
        # The resident ID's parts: region (6 digits), birth (8), sequence (3) -> weighted sum
        # and what the part says; a part that fails its rule is SLOW.
        self.regions = _Memo(self._region)
        self.births = _Memo(self._birth)
        self.sequences = {
            f"{n:03d}": (_weighted(f"{n:03d}", 14), "M" if n % 2 else "F") for n in range(1000)
        }

    # --- the resident ID's parts --------------------------------------------------------

    def _region(self, digits: str) -> Any:
        if region_name(digits) is None or digits[:2] in ("81", "82", "83"):
            return SLOW
        return _weighted(digits, 0)

    def _birth(self, digits: str) -> Any:
        try:
            born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            return SLOW
        if born > dt.date.today() or born < EARLIEST_BIRTH:
            return SLOW
        return _weighted(digits, 6), born

    def person(self, id_type: str, number: str) -> Any:
        """(number, birth date, gender, duplicate key) of a valid ID, or SLOW."""
        if id_type == IdType.RESIDENT and len(number) == 18 and number.isascii():
            head = number[:17]
            if not head.isdigit():
                return SLOW
            region = self.regions[number[:6]]
            birth = self.births[number[6:14]]
            if region is SLOW or birth is SLOW:
                return SLOW
            total, gender = self.sequences[number[14:17]]
            check = _CHECK[(region + birth[0] + total) % 11]
            if number[17] != check:
                return SLOW
            return number, birth[1], gender, int(head) * 11 + "0123456789X".index(check)
        if id_type == IdType.RESIDENT:
            return SLOW  # 15 digits, or wrong: the full path converts or says why
        try:
            found = validate_personal_id(id_type, number)
        except ValidationError:
            return SLOW
        return found.number, found.birth_date, found.gender, (id_type, found.number)

    # --- one row ------------------------------------------------------------------------

    def __call__(self, number: int, raw: list[Any]) -> tuple[Any, ...] | None:
        if len(raw) < self.width:  # a spreadsheet row without its trailing empty cells
            raw = [*raw, *[None] * (self.width - len(raw))]
        index = self.index
        cell = raw[index["name"]]
        if type(cell) is not str:
            return None
        name = normalize.to_text(cell)
        if not name or len(name) > self.name_max:
            return None
        name = " ".join(name.split())
        at = index.get("id_type")
        id_type = self.id_type[raw[at]] if at is not None else IdType.RESIDENT
        if id_type is SLOW:
            return None
        cell = raw[index["id_number"]]
        if type(cell) is not str:
            return None
        person = self.person(id_type, normalize.to_code(cell))
        if person is SLOW:
            return None
        id_number, born, derived, key = person
        at = index.get("gender")
        gender = self.gender[raw[at]] if at is not None else ""
        if gender is SLOW or (gender and derived and gender != derived):
            return None
        gender = derived or gender
        at = index.get("birth_date")
        birth = self.birth[raw[at]] if at is not None else None
        if birth is SLOW or (birth and born and birth != born):
            return None
        birth = born or birth
        if not gender or birth is None:
            return None
        at = index.get("joined_on")
        joined = self.joined[raw[at]] if at is not None else None
        if joined is SLOW:
            return None
        if joined is None:
            joined = self.today
        elif joined > self.today or age_on(birth, joined) < MIN_JOIN_AGE:
            return None
        at = index.get("phone")
        phone = ""
        if at is not None:
            cell = raw[at]
            if type(cell) is not str:
                return None
            phone = normalize_phone(normalize.to_code(cell))
            if phone and not PHONE_RE.match(phone):
                return None
        codes = []
        for field, memo in zip(DICTS, self.dicts, strict=True):
            at = index.get(field)
            code = memo[raw[at]] if at is not None else ""
            if code is SLOW:
                return None
            codes.append(code)
        at = index.get("employment_status")
        employment = self.employment[raw[at]] if at is not None else ""
        at = index.get("new_employment")
        new_employment = self.new_employment[raw[at]] if at is not None else ""
        at = index.get("migrant_worker")
        migrant = self.migrant[raw[at]] if at is not None else False
        at = index.get("household_place")
        place = self.place[raw[at]] if at is not None else ""
        at = index.get("union")
        union = self.union[raw[at]] if at is not None else self.union[""]
        if employment is SLOW or new_employment is SLOW or migrant is SLOW or place is SLOW:
            return None
        if union is SLOW:
            return None
        employer = None
        at = index.get("employer")
        if at is not None:
            employer = self._employer(union, raw[at])
            if employer is SLOW:
                return None
        if key in self.seen:
            return None  # the full path reports the duplicate
        self.seen[key] = number
        ethnicity, education, political, skill, household = codes
        return (
            id_type,
            id_number,
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
            joined,
        )

    def _employer(self, union: Any, cell: Any) -> Any:
        """The employer's id, None for an empty cell, SLOW when the name is not the union's."""
        memo_key = (union.pk, cell)
        try:
            return self.employers[memo_key]
        except (KeyError, TypeError):
            pass
        text = _convert(normalize.to_text, cell)
        if text is SLOW:
            return SLOW
        found = self.importer.employer_of(union, text) if text else None
        value = SLOW if text and found is None else found
        if type(cell) is str:
            if len(self.employers) >= _MEMO_LIMIT:
                self.employers.clear()
            self.employers[memo_key] = value
        return value


def _convert(converter: Callable[[Any], Any], cell: Any) -> Any:
    try:
        return converter(cell)
    except normalize.CellError:
        return SLOW
