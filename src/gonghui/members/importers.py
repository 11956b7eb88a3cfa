"""The member roster import (会员信息导入), built on ``core.importing``'s bulk path.

One row is one person. The rules (issue 5, DOMAIN.md §2): the ID number is checked like the
registration form checks it; a dictionary value or a 工作单位 that is not known is a warning and
the field stays empty; a malformed phone or a join date after today rejects the row; the first
occurrence of a person in the file wins; a person who is already a member elsewhere is reported
and left where they are. A person already in the row's union is updated with the non-empty cells
that differ, so re-importing the same file changes nothing.

Rows are validated one by one in Python and written a batch at a time by ``members.bulk``,
with the 入会 history row and the card of each new member: on PostgreSQL by a binary ``COPY``
running in a background thread while the next batch is validated (``members.bulkload.pg_copy``).
The counters are bumped once, at the end, with the deltas of the whole file. ``--initial``
(``members.bulkload.first_load``) loads an empty installation without its secondary indexes.
"""

from __future__ import annotations

import functools
import re
from collections import Counter as Tally
from collections.abc import Hashable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts.models import PHONE_RE, normalize_phone
from gonghui.core import counters, dicts
from gonghui.core.crypto import blind_indexes
from gonghui.core.identifiers import IdType, age_on, check_declared, validate_personal_id
from gonghui.core.importing import (
    Column,
    Importer,
    ImportFileError,
    Kind,
    Outcome,
    Row,
    RowResult,
    worker,
)
from gonghui.core.importing.normalize import header_key
from gonghui.core.scoping import within
from gonghui.members import counters as member_counters
from gonghui.members.bulkload import first_load as import_first
from gonghui.members.bulkload import pg_copy as import_pg
from gonghui.members.bulkload import tally as import_tally
from gonghui.members.bulkload import worker as import_worker
from gonghui.members.bulkload import writer as bulk
from gonghui.members.models import Gender, Member, MemberStatus
from gonghui.members.services.members import DICT_FIELDS, MIN_JOIN_AGE
from gonghui.orgs.models import GRASSROOTS_KINDS, Employer, Org, OrgStatus

CONSENT_PURPOSE = gettext_lazy("会员实名登记（批量导入，单位已征得本人同意）")
_GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
_YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓", "农民工"}
_NO = {"否", "N", "NO", "FALSE", "0", "×", "非农民工", ""}
_ID_TYPES = (
    {header_key(label): value for value, label in IdType.choices}
    | {header_key(v): v for v in IdType.values}
    | {header_key(alias): IdType.RESIDENT for alias in ("身份证", "居民身份证", "二代身份证")}
)
# What the importer may change on a member who is already in the row's union.
UPDATABLE = (
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
STATUS_LABELS = dict(MemberStatus.choices)
# What the import reads of a member it finds (its counters' fields and what it may update).
EXISTING_FIELDS = (
    "id",
    "id_type",
    "id_index",
    "union_id",
    "status",
    "joined_on",
    "org_path",
    "gender",
    "birth_date",
    *UPDATABLE,
)


class UnionRef(NamedTuple):
    """What the import needs of a row's union: read by ``values_list``, thousands at a time."""

    pk: int
    code: str
    path: str
    kind: str
    status: str
    region_code: str

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE


UNION_FIELDS = ("pk", *UnionRef._fields[1:])
UNION_COLUMNS = ("id", *UnionRef._fields[1:])


class MemberImporter(Importer):
    """会员信息: register the members of one union, or of the unions of a subtree by code."""

    name = gettext_lazy("会员信息")
    capability = "members.manage"
    holds_personal_ids = True
    key_fields = ("id_type", "id_number")
    template_title = gettext_lazy("会员信息导入模板")
    batch_size = 2000
    savepoint_per_batch = False  # a batch's failure fails the job (ADR 0017)
    columns = (
        Column(
            "name",
            gettext_lazy("姓名"),
            ["会员姓名", "职工姓名"],
            required=True,
            example="张三",
            max_length=Member._meta.get_field("name").max_length,
        ),
        Column(
            "id_type",
            gettext_lazy("证件类型"),
            ["证件种类"],
            example="居民身份证",
            help=gettext_lazy("留空即居民身份证"),
            repeats=True,
        ),
        Column(
            "id_number",
            gettext_lazy("证件号码"),
            ["身份证号", "身份证号码", "公民身份号码", "身份证", "证件号", "身份证件号码"],
            required=True,
            kind=Kind.CODE,
            example="11010519491231002X",
            help=gettext_lazy("请把该列设置为“文本”格式，以免 Excel 丢失末尾几位"),
        ),
        Column("gender", gettext_lazy("性别"), example="女", repeats=True),
        Column(
            "birth_date",
            gettext_lazy("出生日期"),
            ["出生年月", "出生时间"],
            kind=Kind.BIRTH_DATE,
            example="1949-12-31",
        ),
        Column("ethnicity", gettext_lazy("民族"), example="汉族", repeats=True),
        Column(
            "education",
            gettext_lazy("学历"),
            ["文化程度", "最高学历", "学历层次"],
            example="大学本科",
            repeats=True,
        ),
        Column("political_status", gettext_lazy("政治面貌"), example="群众", repeats=True),
        Column("skill_level", gettext_lazy("技能等级"), ["职业技能等级", "技术等级"], repeats=True),
        Column(
            "household_type",
            gettext_lazy("户籍类型"),
            ["户口性质", "户籍性质", "户口类型"],
            example="城镇",
            repeats=True,
        ),
        Column(
            "household_place",
            gettext_lazy("户籍所在地"),
            ["户籍地", "户口所在地"],
            max_length=Member._meta.get_field("household_place").max_length,
            repeats=True,
        ),
        Column("employment_status", gettext_lazy("就业状况"), ["就业状态"], repeats=True),
        Column(
            "migrant_worker",
            gettext_lazy("是否农民工"),
            ["农民工", "是否为农民工"],
            example="否",
            repeats=True,
        ),
        Column("new_employment", gettext_lazy("新就业形态"), ["新就业形态类型"], repeats=True),
        Column(
            "phone",
            gettext_lazy("手机号码"),
            ["手机", "手机号", "联系电话", "联系方式", "电话"],
            kind=Kind.CODE,
            example="13800000000",
        ),
        Column(
            "employer",
            gettext_lazy("工作单位"),
            ["单位名称", "所在单位", "工作单位名称"],
            repeats=True,
        ),
        Column(
            "union",
            gettext_lazy("所属工会编码"),
            ["工会编码", "所属工会代码", "基层工会编码"],
            kind=Kind.CODE,
            help=gettext_lazy("留空表示导入到所选的基层工会"),
            repeats=True,
        ),
        Column(
            "joined_on",
            gettext_lazy("入会时间"),
            ["入会日期", "入会年月"],
            kind=Kind.DATE,
            example="2020-05-01",
            help=gettext_lazy("留空按导入当天登记"),
            repeats=True,
        ),
    )

    def field_labels(self) -> dict[str, Any]:
        return {"card": _("会员卡")}

    # --- the run's context ----------------------------------------------------------------

    def setup(self) -> None:
        root = Org.objects.filter(path=self.org_path).first()
        if root is None or not root.is_active:
            raise ImportFileError(_("导入的目标组织不存在或已撤销"))
        self.root = root
        self.today = timezone.localdate()
        self.consent_at = timezone.now()
        self.consent_purpose = str(CONSENT_PURPOSE)
        self._unions: dict[str, tuple[UnionRef | None, str]] = {}
        self._union_names: dict[int, str] = {}
        self._employers: dict[int, dict[str, int]] = {}
        # A roster repeats a few dozen values per dictionary: each text is resolved once.
        self.resolvers = {
            f: functools.lru_cache(maxsize=4096)(dicts.resolver(d)) for f, d in DICT_FIELDS.items()
        }
        self.initial = bool(self.options.get("initial"))
        if self.initial:
            import_first.check_empty()
        self.deferred: import_first.Deferred | None = None
        self._people: dict[int, tuple[str, Any, str]] = {}  # row number -> its validated ID
        self._lookup: tuple[set[str], list[Any]] | None = None
        self.new_members = import_tally.NewMemberTally()
        self.deltas: Tally[tuple[str, str]] = Tally()  # of the members updated
        self.postgres = connection.vendor == "postgresql"
        writer = import_pg.BackgroundMemberWriter if self.postgres else bulk.MemberWriter
        self.writer = writer(actor=self.actor, reason=_("批量导入登记"), org_path=self.org_path)
        self.blocks: import_worker.MemberBlocks | None = None
        self._union_refs: dict[int, Org | UnionRef] = {root.pk: root}
        self.worker_rss_mb = (0.0, 0.0)  # the worker's peak RSS at its start, at its end

    def begin(self) -> None:
        """A large file on PostgreSQL is validated and encoded by a worker process: below a
        few thousand rows, starting it costs more than it saves."""
        minimum = getattr(settings, "GONGHUI_IMPORT_WORKER_MIN_ROWS", 5000)
        if not self.postgres or self.size_hint < minimum or not worker.available():
            return
        self.writer = import_pg.EncodedMemberWriter(
            actor=self.actor, reason=self.writer.reason, org_path=self.org_path
        )
        self.convert_in_parent = False
        self.blocks = import_worker.MemberBlocks(self, self.mapping)

    def drain(self) -> None:
        """Wait for the background write: the connection is ours for a query."""
        if isinstance(self.writer, import_pg.BackgroundMemberWriter):
            self.writer.background.drain()

    def prepare_batch(self, rows: list[Row]) -> None:
        """Fetch the unions the batch names in one query (a province file names thousands);
        on PostgreSQL, queue the lookup of the batch's people behind the previous batch's
        write, so that it runs while this batch is validated."""
        if self.blocks is not None:
            self.blocks.submit(rows)
            return
        wanted = {r.values.get("union") or "" for r in rows} - set(self._unions) - {""}
        if wanted:
            self.resolve_unions(wanted)
        self._people = {}
        self._lookup = None
        if isinstance(self.writer, import_pg.BackgroundMemberWriter) and not self.initial:
            indexes = self._early_indexes(rows)
            self._lookup = (
                set(indexes),
                self.writer.background.submit_query(
                    functools.partial(import_pg.existing, indexes, EXISTING_FIELDS)
                ),
            )

    def resolve_unions(self, codes: set[str]) -> None:
        """Read these union codes (thousands in one query) and say which may take members."""
        self.drain()
        if self.postgres:  # thousands of codes: one array parameter, bound by the server
            refs: Any = import_pg.rows_where(Org, UNION_COLUMNS, "code", sorted(codes))
        else:
            refs = Org.objects.filter(code__in=codes).values_list(*UNION_FIELDS)
        found = {ref.code: ref for ref in map(UnionRef._make, refs)}
        for code in codes:
            union, _problem = self._unions[code] = self._check_union(code, found.get(code))
            if union is not None:
                self._union_refs[union.pk] = union

    def _early_indexes(self, rows: list[Row]) -> list[str]:
        """The blind indexes of the batch's valid ID numbers, before the rest of each row is
        checked; the numbers' validation is kept for ``clean_row``."""
        people: list[tuple[int, str, Any]] = []
        for row in rows:
            id_type = _id_type(row.values)
            if id_type and "id_number" not in row.failed:
                try:
                    person = validate_personal_id(id_type, row.values.get("id_number") or "")
                except ValidationError:
                    continue  # clean_row says why
                people.append((row.number, id_type, person))
        indexes = blind_indexes("id", [person.number for _n, _t, person in people])
        self._people = {
            number: (id_type, person, index)
            for (number, id_type, person), index in zip(people, indexes, strict=True)
        }
        return indexes

    def union_for(self, code: str) -> tuple[Org | UnionRef | None, str]:
        """The row's union and, when it cannot take members from this import, why."""
        if not code:
            if self.root.kind not in GRASSROOTS_KINDS:
                return None, _("导入到上级工会时必须填写所属工会编码（基层工会）")
            return self.root, ""
        if code not in self._unions:
            self.drain()
            ref = Org.objects.filter(code=code).values_list(*UNION_FIELDS).first()
            self._unions[code] = self._check_union(code, UnionRef._make(ref) if ref else None)
        return self._unions[code]

    def _check_union(self, code: str, union: UnionRef | None) -> tuple[UnionRef | None, str]:
        if union is None or not within(union.path, self.root.path):
            return None, _("%(c)s 不存在或不在本次导入的组织之下") % {"c": code}
        if union.kind not in GRASSROOTS_KINDS or not union.is_active:
            return None, _("%(c)s 不是正常状态的基层工会，不能登记会员") % {"c": code}
        if not self.actor.has_capability("members.manage", union.path):
            return None, _("%(c)s 不在管辖范围内") % {"c": code}
        return union, ""

    def employer_of(self, union: Org | UnionRef, name: str) -> int | None:
        """The employer by name among those of the union (or on its line without a union)."""
        if union.pk not in self._employers:
            self._employers[union.pk] = self.employer_table(union)
        return self._employers[union.pk].get(_loose(name))

    def employer_table(self, union: Org | UnionRef) -> dict[str, int]:
        """The union's employers (and those on its line without a union), by loose name."""
        self.drain()
        line = [union.path[:end] for end in range(4, len(union.path) + 1, 4)]
        rows = Employer.objects.filter(union_id=union.pk).values_list("name", "id")
        free = Employer.objects.filter(union__isnull=True, org_path__in=line).values_list(
            "name", "id"
        )
        table: dict[str, int] = {}
        for employer_name, pk in [*rows, *free]:
            table.setdefault(_loose(employer_name), pk)
        return table

    # --- one row ------------------------------------------------------------------------

    def clean_row(self, row: Row) -> RowResult:
        v = row.values
        errors: list[str] = []
        warnings: list[str] = []
        out: dict[str, Any] = {}
        name = " ".join((v.get("name") or "").split())
        if not name and "name" not in row.failed:
            errors.append(self.reason("name", _("不能为空")))
        out["name"] = name
        id_type = _id_type(v)
        if not id_type:
            errors.append(
                self.reason(
                    "id_type",
                    _("“%(v)s”不是有效的证件类型，应为：%(labels)s")
                    % {"v": v["id_type"], "labels": "、".join(str(x) for x in IdType.labels)},
                )
            )
        out["id_type"] = id_type or IdType.RESIDENT
        person = None
        number = v.get("id_number") or ""
        early = self._people.pop(row.number, None)
        if early is not None and early[0] == out["id_type"]:
            person, out["id_index"] = early[1], early[2]
        elif "id_number" not in row.failed:
            try:
                person = validate_personal_id(out["id_type"], number)
            except ValidationError as exc:
                errors.append(self.reason("id_number", exc.messages[0]))
        out["id_number"] = person.number if person else number
        gender = _GENDERS.get((v.get("gender") or "").upper().removesuffix("性"), "")
        if v.get("gender") and not gender:
            errors.append(self.reason("gender", _("应为“男”或“女”")))
        birth_date = v.get("birth_date")
        if person is not None:
            if gender or birth_date:
                try:
                    check_declared(person, gender=gender, birth_date=birth_date)
                except ValidationError as exc:
                    errors.extend(self.messages_for(exc))
            gender = person.gender or gender
            birth_date = person.birth_date or birth_date
            if not gender:
                errors.append(self.reason("gender", _("该证件类型须填写性别")))
            if birth_date is None and "birth_date" not in row.failed:
                errors.append(self.reason("birth_date", _("该证件类型须填写出生日期")))
        out["gender"], out["birth_date"] = gender, birth_date
        joined_on = v.get("joined_on")
        if joined_on is None and "joined_on" not in row.failed:
            joined_on = self.today
        elif joined_on is not None:
            if joined_on > self.today:
                errors.append(self.reason("joined_on", _("入会时间不能晚于今天")))
            elif birth_date and age_on(birth_date, joined_on) < MIN_JOIN_AGE:
                errors.append(
                    self.reason("joined_on", _("入会时应年满%(age)d周岁") % {"age": MIN_JOIN_AGE})
                )
        out["joined_on"] = joined_on
        phone = normalize_phone(v.get("phone") or "")
        if phone and not PHONE_RE.match(phone):
            errors.append(self.reason("phone", _("手机号码应为11位，以1开头，第二位为3至9")))
        out["phone"] = phone
        for field, resolve in self.resolvers.items():
            text = v.get(field) or ""
            value = resolve(text) if text else None
            if text and value is None:
                warnings.append(
                    self.reason(field, _("“%(v)s”不在字典中，该项未导入") % {"v": text})
                )
            out[field] = value.code if value else ""
        migrant = (v.get("migrant_worker") or "").upper()
        if migrant in _YES:
            out["migrant_worker"] = True
        elif migrant in _NO:
            out["migrant_worker"] = False
        else:
            out["migrant_worker"] = False
            warnings.append(self.reason("migrant_worker", _("应为“是”或“否”，该项未导入")))
        out["household_place"] = v.get("household_place") or ""
        union, problem = self.union_for(v.get("union") or "")
        if problem:
            errors.append(self.reason("union", problem))
        out["union"] = union
        out["employer_id"] = None
        employer_name = v.get("employer") or ""
        if union is not None and employer_name:
            out["employer_id"] = self.employer_of(union, employer_name)
            if out["employer_id"] is None:
                warnings.append(
                    self.reason(
                        "employer",
                        _("“%(v)s”不是该工会登记的用人单位，该项未导入") % {"v": employer_name},
                    )
                )
        return RowResult(values=out, errors=errors, warnings=warnings)

    def natural_key(self, values: dict[str, Any]) -> Hashable | None:
        """A resident ID as one int (a million keys held for the duplicate check: a third of
        the memory of a tuple of strings); other documents as (type, number)."""
        number = values.get("id_number")
        if not number:
            return None
        if values.get("id_type") == IdType.RESIDENT and len(number) == 18:
            check = _CHECK_CHARS.find(number[17])
            if number[:17].isdigit() and check >= 0:
                return int(number[:17]) * 11 + check
        return (values.get("id_type"), number)

    def describe_key(self, key: Hashable) -> str:
        if isinstance(key, int):
            body, check = divmod(key, 11)
            return f"{IdType.RESIDENT.label} {body:017d}{_CHECK_CHARS[check]}"
        assert isinstance(key, tuple)
        return f"{IdType(key[0]).label} {key[1]}"

    # --- the batch ------------------------------------------------------------------------

    def process_batch(self, rows: list[Row]) -> list[Row] | None:
        if self.blocks is not None:  # the worker has them: write the one it finished
            return self.blocks.ready()
        # While the previous batch is still being written (PostgreSQL): pure Python.
        valid: list[Row] = []
        validate = self.validate
        for row in rows:
            validate(row)
            if row.cleaned is not None:
                valid.append(row)
        # The blind indexes (and on PostgreSQL the ciphertexts) of the whole batch at once.
        import_pg.seal([row.cleaned for row in valid if row.cleaned], encrypt=self.postgres)
        self.drain()
        if self.initial and self.deferred is None:
            self.deferred = import_first.defer_indexes()
        existing = {} if self.initial else self.existing(valid)
        new_rows: list[dict[str, Any]] = []
        for row in valid:
            values = row.cleaned
            assert values is not None
            current = existing.get((values["id_type"], values["id_index"])) if existing else None
            if current is None:
                new_rows.append(values)
                row.outcome = Outcome.CREATED
            else:
                self.found(row, current, values, values["union"].pk)
        self.new_members.add(new_rows)
        self.writer.create(new_rows, consent_at=self.consent_at, purpose=self.consent_purpose)
        self.writer.flush()
        return None

    def found(self, row: Row, current: dict[str, Any], values: dict[str, Any], union: int) -> None:
        """The row's person is a member already: in another union (reported), or in the
        row's (updated with the cells that differ)."""
        if current["union_id"] != union:
            row.errors.append(self.elsewhere(current))
            return
        changes = self.changes(current, values)
        if changes:
            self.writer.update(current["id"], changes)
            self.deltas.subtract(member_counters.keys_of(current, cards=0))
            self.deltas.update(member_counters.keys_of({**current, **changes}, cards=0))
        row.outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED

    def pending_rows(self) -> list[Row]:
        return self.blocks.ready(last=True) if self.blocks is not None else []

    def existing(self, valid: list[Row]) -> dict[tuple[str, str], dict[str, Any]]:
        """The members the batch's people already are, by (type, blind index): what the
        lookup queued by ``prepare_batch`` found, and the rest (none, normally) now."""
        found: list[dict[str, Any]] = []
        indexes = [r.cleaned["id_index"] for r in valid if r.cleaned]
        if self._lookup is not None:
            looked, result = self._lookup
            self._lookup = None
            found = result[0]
            indexes = [index for index in indexes if index not in looked]
        if indexes:
            found += bulk.with_id_index_in(Member.objects.all(), indexes).values(*EXISTING_FIELDS)
        return {(m["id_type"], m["id_index"]): m for m in found}

    def finish(self) -> None:
        """The last writes, the indexes of a first load, then the whole file's counters."""
        if self.blocks is not None:
            self.worker_rss_mb = self.blocks.close()
        if isinstance(self.writer, import_pg.BackgroundMemberWriter):
            self.writer.background.close()
        if self.deferred is not None:
            import_first.rebuild_indexes(self.deferred)
        import_tally.bump_all(self.new_members, dict(self.deltas), counters.bump)

    def abort(self) -> None:
        if self.blocks is not None:
            self.blocks.abort()
        if isinstance(self.writer, import_pg.BackgroundMemberWriter):
            self.writer.background.abort()

    def elsewhere(self, current: dict[str, Any]) -> str:
        """A re-import of another union's roster names that union once per run, not per row."""
        pk = current["union_id"]
        if pk not in self._union_names:
            self._union_names[pk] = (
                Org.objects.filter(pk=pk).values_list("name", flat=True).first() or "—"
            )
        union = self._union_names[pk]
        return _("已是%(union)s会员（%(status)s），未作改动；如需转入请办理转会") % {
            "union": union,
            "status": STATUS_LABELS.get(current["status"], current["status"]),
        }

    def changes(self, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """The non-empty cells that differ from the record (an empty cell changes nothing)."""
        changed: dict[str, Any] = {}
        for field in UPDATABLE:
            if field == "migrant_worker" and "migrant_worker" not in self.present:
                continue
            new = values.get(field)
            if new in ("", None) and field != "migrant_worker":
                continue
            if new != current[field]:
                changed[field] = new
        if "phone_index" in changed:
            changed["phone"] = values["phone"]
        return changed


_CHECK_CHARS = "0123456789X"


def _id_type(values: dict[str, Any]) -> str:
    """The row's ID type (empty cell: resident), or "" when the cell names none."""
    text = values.get("id_type")
    return _ID_TYPES.get(header_key(text), "") if text else IdType.RESIDENT


def _loose(text: str) -> str:
    return re.sub(r"[\s\u3000()（）]", "", text or "")
