"""Member registry: real-name registration, one person one record, PII at rest, scoped search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.core.models import AuditEvent
from gonghui.members.models import Member
from gonghui.members.selectors import MemberFilters, member_list, member_page
from gonghui.members.services.members import member_register, member_reveal
from gonghui.orgs.services.orgs import org_dissolve, org_merge
from tests.conftest import Cast, fresh
from tests.factories import ZHENGZHOU_1970, register, resident


def test_registration_derives_gender_and_birth_and_maps_aliases(cast: Cast) -> None:
    member = register(cast)
    assert (member.gender, member.birth_date) == ("M", dt.date(1970, 3, 15))
    assert (member.ethnicity, member.political_status) == ("01", "01")
    assert member.org_path == cast.grassroots.path and member.consent_purpose
    event = AuditEvent.objects.get(action="members.member.registered")
    assert ZHENGZHOU_1970 not in str(event.after) and event.after["id_number"].startswith("4101**")


def test_id_and_phone_are_encrypted_at_rest(cast: Cast) -> None:
    register(cast)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM members_member")
        stored = cursor.fetchone()
    assert ZHENGZHOU_1970 not in stored[0] and "13912340000" not in stored[1]
    assert stored[0].startswith("gh1$A256GCM$")


def test_one_person_one_record(cast: Cast) -> None:
    register(cast)
    with pytest.raises(ValidationError, match="一人只能有一条会员记录"):
        register(cast, name="张伟二")


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"gender": "F"}, "gender"),
        ({"birth_date": dt.date(1970, 3, 16)}, "birth_date"),
        ({"joined_on": dt.date(1985, 1, 1)}, "joined_on"),  # aged 14
        ({"phone": "12345"}, "phone"),
        ({"ethnicity": "火星族"}, "ethnicity"),
        ({"consent_purpose": " "}, "consent_purpose"),
    ],
)
def test_bad_input_names_the_field(cast: Cast, kw: dict, field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        register(cast, **kw)
    assert field in exc.value.message_dict
    assert not Member.objects.exists()


def test_federation_officers_may_not_register_members(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        member_register(
            actor=fresh(cast.county_officer),
            union=cast.grassroots,
            id_type="resident",
            id_number=ZHENGZHOU_1970,
            name="张伟",
            joined_on=dt.date(2020, 1, 1),
            consent_purpose="实名登记",
        )


def test_search_by_name_id_phone_within_scope(cast: Cast) -> None:
    member = register(cast)
    officer = fresh(cast.county_officer)
    for query in ("张", ZHENGZHOU_1970, ZHENGZHOU_1970.lower(), "139 1234 0000"):
        found = list(member_list(viewer=officer, filters=MemberFilters(query=query)))
        assert found == [member], query
    sibling = fresh(cast.sibling_officer)
    for query in ("张", ZHENGZHOU_1970, "13912340000", ""):
        assert not member_list(viewer=sibling, filters=MemberFilters(query=query)).exists()


def test_keyset_pages_cover_every_member_once(cast: Cast) -> None:
    numbers = [resident(f"11010519800101{i:03d}") for i in range(7)]
    for i, number in enumerate(numbers):
        register(cast, number=number, name=f"会员{i}", phone="")
    officer, seen, after = fresh(cast.county_officer), [], None
    while True:
        rows, after = member_page(viewer=officer, filters=MemberFilters(), after_id=after, size=3)
        seen += [m.pk for m in rows]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 7


def test_reveal_needs_the_capability_and_is_audited(cast: Cast) -> None:
    member = register(cast)
    assert (
        member_reveal(actor=fresh(cast.grassroots_officer), member=member, field="id_number")
        == ZHENGZHOU_1970
    )
    assert AuditEvent.objects.filter(action="members.member.revealed").count() == 1
    with pytest.raises(PermissionDenied):
        member_reveal(actor=fresh(cast.county_officer), member=member, field="phone")


def test_an_org_with_members_cannot_be_dissolved_and_merging_moves_them(cast: Cast) -> None:
    from gonghui.orgs.services.orgs import employer_update

    member = register(cast)
    employer_update(
        actor=fresh(cast.county_officer),
        employer=cast.employer,
        name=cast.employer.name,
        union=None,
        employee_count=300,
    )
    with pytest.raises(ValidationError, match="名会员"):
        org_dissolve(actor=fresh(cast.county_officer), org=cast.grassroots)
    org_merge(
        actor=fresh(cast.city_officer), source=cast.grassroots, target=cast.sibling_grassroots
    )
    member.refresh_from_db()
    assert member.union_id == cast.sibling_grassroots.pk
    assert member.org_path == cast.sibling_grassroots.path


def test_filters_by_age_band_and_employer(cast: Cast) -> None:
    from gonghui.members.selectors import AGE_BANDS

    older = register(cast, employer=cast.employer)  # born 1970-03-15
    younger = register(cast, number=resident("11010520000101002"), name="小李", phone="")
    officer = fresh(cast.county_officer)

    def found(**kw: object) -> set[int]:
        return {m.pk for m in member_list(viewer=officer, filters=MemberFilters(**kw))}

    assert "55+" in AGE_BANDS
    assert found(age_band="55+") == {older.pk}
    assert found(age_band="25-34") == {younger.pk}
    assert found(employer_id=cast.employer.pk) == {older.pk}


def test_key_rotation_keeps_member_lookups(cast: Cast, settings: object) -> None:
    import base64
    import os

    from gonghui.core import crypto
    from gonghui.core.keys import rotate_all

    member = register(cast)
    old = settings.GONGHUI_PII_KEY  # type: ignore[attr-defined]
    settings.GONGHUI_PII_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()  # type: ignore[attr-defined]
    settings.GONGHUI_PII_OLD_KEYS = [old]  # type: ignore[attr-defined]
    crypto.reset_keyring()
    assert rotate_all()["members.member"] == 1
    settings.GONGHUI_PII_OLD_KEYS = []  # type: ignore[attr-defined]
    crypto.reset_keyring()
    officer = fresh(cast.county_officer)
    for query in (ZHENGZHOU_1970, "13912340000"):
        assert list(member_list(viewer=officer, filters=MemberFilters(query=query))) == [member]
    assert Member.objects.get().id_number == ZHENGZHOU_1970
    crypto.reset_keyring()


def test_latin_names_are_searched_as_names(cast: Cast) -> None:
    member = register(cast, name="SMITH JOHN")
    officer = fresh(cast.county_officer)
    assert list(member_list(viewer=officer, filters=MemberFilters(query="SMITH"))) == [member]
