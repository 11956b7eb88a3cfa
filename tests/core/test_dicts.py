"""core.dicts: one lookup with codes, labels and aliases; admin edits take effect."""

from __future__ import annotations

import pytest

from gonghui.core import dicts
from gonghui.core.dicts_data import BUILTIN
from gonghui.core.models import DictEntry


@pytest.fixture
def seeded(db: None) -> None:
    dicts.seed_builtin()


def test_every_builtin_dictionary_is_seeded_once(seeded: None) -> None:
    assert dicts.seed_builtin() == 0  # idempotent
    assert len(dicts.values("ethnicity")) == 58
    assert dicts.values("ethnicity")[0].label == "汉族"
    for name, (_title, entries) in BUILTIN.items():
        assert len(dicts.choices(name)) == len(entries)


@pytest.mark.parametrize(
    "dictionary,text,code",
    [
        ("ethnicity", "汉", "01"),
        ("ethnicity", "汉族", "01"),
        ("ethnicity", " 蒙古族 ", "02"),
        ("political_status", "党员", "01"),
        ("political_status", "中共党员", "01"),
        ("political_status", "群众", "13"),
        ("education", "大学本科", "21"),
        ("education", "本科", "21"),
        ("household_type", "农村", "1"),
        ("household_type", "城镇", "2"),
        ("new_employment", "外卖骑手", "06"),
        ("industry", "c", "C"),
        ("ownership", "民营企业", "private"),
    ],
)
def test_aliases_resolve_to_the_dictionary_value(
    seeded: None, dictionary: str, text: str, code: str
) -> None:
    value = dicts.resolve(dictionary, text)
    assert value is not None and value.code == code


def test_unknown_values_resolve_to_nothing(seeded: None) -> None:
    assert dicts.resolve("ethnicity", "火星族") is None
    assert dicts.resolve("ethnicity", "") is None
    with pytest.raises(KeyError):
        dicts.resolve("no_such_dictionary", "x")


def test_label_of_an_unknown_code_is_the_code(seeded: None) -> None:
    assert dicts.label("education", "21") == "大学本科"
    assert dicts.label("education", "zz") == "zz"


def test_admin_edits_are_seen_after_forget(seeded: None) -> None:
    DictEntry.objects.filter(dictionary="education", code="21").update(
        label="大学本科（学士）", aliases=["本科", "学士"]
    )
    dicts.forget()
    assert dicts.resolve("education", "学士").label == "大学本科（学士）"  # type: ignore[union-attr]
    DictEntry.objects.filter(dictionary="education", code="90").update(active=False)
    dicts.forget()
    assert dicts.resolve("education", "其他") is None


def test_dict_choice_field_offers_the_dictionary(seeded: None) -> None:
    field = dicts.DictChoiceField("political_status", label="政治面貌")
    assert ("13", "群众") in list(field.choices)
    assert field.clean("13") == "13"


def test_an_emptied_table_still_answers_from_the_national_tables(db: None) -> None:
    DictEntry.objects.all().delete()
    dicts.forget()
    assert dicts.resolve("ethnicity", "汉").label == "汉族"  # type: ignore[union-attr]
