"""The member import's compiled row path (issue 18 item 3, fourth round): for any row, the
plan either declines it or returns exactly what ``convert`` + ``clean_row`` + the duplicate
check give; it takes every clean row; its resident-ID tables agree with the checker."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from gonghui.core.identifiers import _check_char
from gonghui.core.importing import Row
from gonghui.members.bulkload import rowplan
from gonghui.members.importers import MemberImporter
from tests.conftest import Cast, fresh
from tests.factories import resident

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
HEADER = [str(c.label) for c in MemberImporter.columns]
KEYS = [c.key for c in MemberImporter.columns]
GOOD = [
    resident("41010519700315123"),
    resident("41010519850312456"),
    resident("11010519491231002"),
    resident("41010520000229777"),
]
TODAY = dt.date.today()


def pools(cast: Cast) -> dict[str, list[Any]]:
    """Each column's cells: clean ones, and every kind of doubtful one."""
    bad_check = GOOD[0][:-1] + ("0" if GOOD[0][-1] != "0" else "1")
    return {
        "name": ["张三", " 李 四 ", "A\u3000B", "", "王" * 200, "赵六"],
        "id_type": ["", "居民身份证", "身份证", "护照", "未知证件", "resident"],
        "id_number": [
            *GOOD,
            GOOD[0].lower(),
            " " + GOOD[1].translate(FULLWIDTH) + " ",
            "410105700707909",
            bad_check,
            resident("41010519701345123"),  # no 45th day of the 13th month
            resident("99010519700315123"),  # no such region
            resident("81000019700315123"),  # a Hong Kong permit's prefix
            resident("41010530000315123"),  # born in the future
            "E12345678",
            "",
            "12345",
            410105197003151230,
        ],
        "gender": ["", "男", "女", "女性", "M", "未知", "男"],
        "birth_date": ["", "1970-03-15", "1985-03-12", "1970.3.15", "不是日期", "1800-01-01"],
        "ethnicity": ["", "汉", "汉族", "火星族"],
        "education": ["", "本科", "博士后研究"],
        "political_status": ["群众", "", "无党派"],
        "skill_level": ["", "高级工", "宇宙级"],
        "household_type": ["", "城镇", "农村", "外星"],
        "household_place": ["", "河南郑州", "长" * 300],
        "employment_status": ["", "在岗", "未知状态"],
        "migrant_worker": ["", "是", "否", "也许", "√"],
        "new_employment": ["", "快递员", "外卖骑手", "不存在"],
        "phone": ["", "13912345678", "1391234567", "139-1234-5678", "+8613912345678", 13912345678],
        "employer": ["", cast.employer.name, "不存在的单位"],
        "union": ["", cast.grassroots.code, "NOPE", cast.town.code, cast.grassroots.code.lower()],
        "joined_on": [
            "",
            "2020-05-01",
            "2019年3月",
            (TODAY + dt.timedelta(days=3)).isoformat(),
            "1971-01-01",
            "bad",
            dt.datetime(2001, 7, 1),
        ],
    }


def importer_for(cast: Cast) -> MemberImporter:
    importer = MemberImporter(actor=fresh(cast.grassroots_officer), org_path=cast.grassroots.path)
    importer.setup()
    importer.mapping = importer.match_header(HEADER)
    importer.present = set(importer.mapping.values())
    return importer


def full_path(importer: MemberImporter, number: int, raw: list[Any]) -> tuple[Any, ...]:
    row = Row(number=number, raw=list(raw))
    importer.convert(row, importer.mapping)
    importer.validate(row)
    cleaned = rowplan.as_tuple(row.cleaned) if row.cleaned is not None else None
    return cleaned, row.errors, row.warnings


CLEAN = {  # per column, the cells that make no error or warning (with a valid ID)
    "name": 3,
    "id_type": 3,
    "id_number": 6,
    "gender": 1,
    "birth_date": 1,
    "ethnicity": 3,
    "education": 2,
    "political_status": 2,
    "skill_level": 1,
    "household_type": 1,
    "household_place": 2,
    "employment_status": 1,
    "migrant_worker": 3,
    "new_employment": 1,
    "phone": 2,
    "employer": 2,
    "union": 2,
    "joined_on": 3,
}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_plan_returns_what_the_full_path_returns_or_declines(cast: Cast, seed: int) -> None:
    """Random rosters, nineteen cells in twenty clean so that most rows are whole and clean, the
    rest of any kind: every row's cleaned values, errors and warnings are the full path's."""
    draw = random.Random(seed)
    cells = pools(cast)
    rows = [
        [
            draw.choice(cells[key][: CLEAN[key]] if draw.random() < 0.95 else cells[key])
            for key in KEYS
        ]
        for _ in range(400)
    ]
    at = KEYS.index("id_number")
    for row in rows:  # mostly new people, some of the pool's (duplicates, bad numbers)
        if draw.random() < 0.8:
            born = dt.date(1950, 1, 1) + dt.timedelta(days=draw.randrange(18000))
            row[at] = resident(f"410105{born:%Y%m%d}{draw.randrange(1000):03d}")
    reference, planned = importer_for(cast), importer_for(cast)
    plan = rowplan.RowPlan(planned)
    fast = 0
    for number, raw in enumerate(rows, start=2):
        expected = full_path(reference, number, raw)
        cleaned = plan(number, list(raw))
        fast += cleaned is not None
        got = (cleaned, [], []) if cleaned is not None else full_path(planned, number, raw)
        assert got == expected, raw
    assert planned.seen == reference.seen
    assert fast >= 150, fast  # most rows are clean: the plan must take them


@pytest.mark.django_db
def test_the_plan_takes_every_clean_row(cast: Cast) -> None:
    importer = importer_for(cast)
    plan = rowplan.RowPlan(importer)
    cells = dict.fromkeys(KEYS, "")
    clean = [
        {"name": "张三", "id_number": GOOD[0], "ethnicity": "汉", "education": "本科"},
        {"name": "李四", "id_number": GOOD[1].lower(), "phone": "13912345678"},
        {
            "name": "王五",
            "id_number": GOOD[2],
            "employer": cast.employer.name,
            "migrant_worker": "是",
        },
        {"name": "赵六", "id_number": GOOD[3], "union": cast.grassroots.code, "gender": "男"},
    ]
    for number, values in enumerate(clean, start=2):
        raw = [(cells | values)[key] for key in KEYS]
        expected = full_path(importer_for(cast), number, raw)
        assert expected[1:] == ([], []), values  # a clean row indeed
        assert plan(number, raw) == expected[0], values
    assert plan(9, [(cells | clean[0])[key] for key in KEYS]) is None  # a duplicate: declined


def test_the_resident_id_tables_agree_with_the_check_character() -> None:
    draw = random.Random(18)
    plan = rowplan.RowPlan.__new__(rowplan.RowPlan)
    plan.regions = rowplan._Memo(lambda digits: rowplan._weighted(digits, 0))
    plan.births = rowplan._Memo(plan._birth)
    plan.sequences = {
        f"{n:03d}": (rowplan._weighted(f"{n:03d}", 14), "M" if n % 2 else "F") for n in range(1000)
    }
    for _ in range(2000):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=draw.randrange(20000))
        body = f"{draw.randrange(110000, 660000)}{born:%Y%m%d}{draw.randrange(1000):03d}"
        number = body + _check_char(body + "0")
        found = plan.person("resident", number)
        assert found is not rowplan.SLOW and found[1] == born, number
        assert found[2] == ("M" if int(number[16]) % 2 else "F")
        wrong = number[:17] + ("1" if number[17] != "1" else "2")
        assert plan.person("resident", wrong) is rowplan.SLOW
