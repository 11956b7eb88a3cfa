"""DESIGN.md rule 3: nothing that the masked outputs show together determines a full ID number.

For one member, every masked output an officer or the member sees (the list, the record, the
printable roster, the API list and detail, the member's own profile, correction and card pages,
the masked CSV export) is rendered and its text collected. An attacker who reads all of it knows
the characters the mask keeps and whatever birth information is shown; the test counts the valid
resident ID numbers consistent with that knowledge, assuming even the county (the household
place may give it away), and wants many of them.
"""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from stdnum.cn import ric

from gonghui.core.crypto import mask_id_number
from gonghui.core.exporting import rows_to_bytes
from gonghui.members.exporters import MemberExporter
from gonghui.members.models import Member
from tests.conftest import Cast, fresh
from tests.factories import ZHENGZHOU_1970, bearer, register

MANY = 1000  # candidates an attacker would still have to tell apart


def _logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def masked_outputs(cast: Cast, member: Member) -> dict[str, str]:
    officer = _logged_in(cast.grassroots_officer)
    phone = _logged_in(cast.member)
    api = Client()
    headers = bearer(cast.grassroots_officer)
    export = MemberExporter(viewer=fresh(cast.grassroots_officer), org=cast.grassroots.code)
    pages = {
        "list": officer.get(reverse("members:list")),
        "detail": officer.get(reverse("members:detail", args=[member.pk])),
        "roster": officer.get(reverse("members:roster", args=[cast.grassroots.code])),
        "api list": api.get("/api/members", headers=headers),
        "api detail": api.get(f"/api/members/{member.pk}", headers=headers),
        "phone profile": phone.get("/m/profile/"),
        "phone correction": phone.get("/m/profile/correct/"),
        "phone card print": phone.get("/m/card/print/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
    texts = {name: response.content.decode() for name, response in pages.items()}
    texts["masked csv"] = rows_to_bytes(export, "csv").decode("utf-8-sig")
    return texts


def candidates(number: str, masked: str, born: dt.date | None, birth_year: int | None) -> int:
    """Valid resident IDs agreeing with the kept characters, the birth date or year shown, and
    (the attacker's best case) the true region code; counting stops once there are MANY."""
    region = number[:6]
    assert all(m in ("*", c) for m, c in zip(masked, number, strict=True))
    if born is not None:
        days = [born]
    else:
        assert birth_year is not None
        first = dt.date(birth_year, 1, 1)
        days = [
            first + dt.timedelta(days=i)
            for i in range((dt.date(birth_year + 1, 1, 1) - first).days)
        ]
    found = 0
    for day in days:
        for sequence in range(1000):
            body = f"{region}{day:%Y%m%d}{sequence:03d}"
            full = body + ric.calc_check_digit(body + "0")
            if all(m in ("*", c) for m, c in zip(masked, full, strict=True)):
                found += 1
                if found >= MANY:
                    return found
    return found


def test_masked_outputs_together_leave_many_candidate_ids(cast: Cast) -> None:
    member = register(cast, account=cast.member, household_place="河南省郑州市金水区")
    number = ZHENGZHOU_1970
    masked = mask_id_number(number)
    assert masked == number[:4] + "*" * 12 + number[-2:]
    texts = masked_outputs(cast, member)
    born = member.birth_date
    date_forms = [
        f"{born:%Y-%m-%d}",
        f"{born:%Y%m%d}",
        f"{born:%Y/%m/%d}",
        f"{born.year}年{born.month}月{born.day}日",
    ]
    windows = {number[i : i + 8] for i in range(len(number) - 7)}
    shown_date = None
    for name, text in texts.items():
        assert masked in text, name  # the one masked form, everywhere it is shown
        assert number not in text, name
        assert not [w for w in windows if w in text], name  # no 8 characters of the ID in a row
        if any(form in text for form in date_forms):
            shown_date = born
    assert shown_date is None, "a masked output shows the full birth date beside the ID"
    assert candidates(number, masked, shown_date, born.year) >= MANY


def test_main_s_old_mask_beside_the_birth_date_gave_one_candidate() -> None:
    """The counter itself: the old mask (first 6, last 4) beside the full date leaves one ID."""
    number = ZHENGZHOU_1970
    old = number[:6] + "*" * 8 + number[-4:]
    assert candidates(number, old, dt.date(1970, 3, 15), None) == 1
