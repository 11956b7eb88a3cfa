"""Full-ID and phone search (issue 18 item 5): ``POST /api/members/search`` as a grassroots
officer with a bearer token, against its limit measured in the same run, the statement of the
member page that the request runs (the blind index ``id_index`` / ``phone_index``) replayed bare
with psycopg and returning the same row. The gap is the request's fixed cost: token lookup,
posts, middleware, ninja, JSON.

The requests run in process (Django's test client: the whole middleware chain and ninja, no
HTTP server), one at a time; each figure is the median latency of ``runs`` requests, three
repetitions. Run alone: ``DATABASE_URL=postgres://… python -m bench.search [members]``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from bench.timing import measure, record, scaled, standalone


def build(members: int) -> tuple[Any, list[tuple[str, str]]]:
    """A province, a union with ``members`` members (blind indexes as the registry writes
    them) and its chair; ``(chair, [(id number, phone), …])``."""
    from django.utils import timezone

    from gonghui.accounts.models import User, phone_index
    from gonghui.members.models import Member
    from gonghui.members.services.members import id_index
    from gonghui.orgs.models import OrgKind, Post
    from gonghui.orgs.services.orgs import org_create

    admin = User.objects.create(username="bench-search-admin", is_superuser=True, is_staff=True)
    province = org_create(
        actor=admin, parent=None, code="BS", name="检索省总工会", kind=OrgKind.PROVINCE
    )
    union = org_create(
        actor=admin, parent=province, code="BS-G", name="检索工会", kind=OrgKind.GRASSROOTS
    )
    now = timezone.now()
    # Region 419001: neither bench.members_scope (410105) nor bench.members uses it.
    people = [(f"419001198001{i:05d}X", f"139{i:08d}") for i in range(members)]
    rows = [
        Member(
            id_type="resident",
            id_number=number,
            id_index=id_index(number),
            phone=phone,
            phone_index=phone_index(phone),
            name=f"检索{i}",
            gender="M",
            birth_date=dt.date(1980, 1, 1),
            union=union,
            org_path=union.path,
            joined_on=dt.date(2020, 1, 1),
            consent_at=now,
            consent_purpose="基准测试",
        )
        for i, (number, phone) in enumerate(people)
    ]
    Member.objects.bulk_create(rows, batch_size=2000)
    chair = User.objects.create(username="bench-search-chair")
    Post.objects.create(user=chair, org=union, role="chair", org_path=union.path)
    return User.objects.get(pk=chair.pk), people


def _keep(statements: list[Any], execute: Any, sql: str, params: Any, *rest: Any) -> Any:
    statements.append((sql, tuple(params or ())))
    return execute(sql, params, *rest)


def _bare(sql: str, params: tuple[Any, ...], member_id: int) -> Callable[[int], Any]:
    """The member page's statement on a psycopg connection of its own (client-side binding,
    like Django's), checked to return the row the API returned."""
    import psycopg

    from bench.benefits import _database_url

    conn = psycopg.connect(_database_url(), autocommit=True, cursor_factory=psycopg.ClientCursor)
    cursor = conn.cursor()
    cursor.execute(sql, params)
    assert [row[0] for row in cursor.fetchall()] == [member_id], "bare SQL: another row"
    return lambda i: cursor.execute(sql, params).fetchall()


def run(members: int = 0, runs: int = 0, repetitions: int = 3) -> None:
    from django.db import connection
    from django.test import Client

    from gonghui.accounts.services.accounts import token_issue

    members = members or scaled(20000)
    runs = runs or scaled(300)
    chair, people = build(members)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=chair)}")
    number, phone = people[members // 2]
    for label, term, column in (("full ID", number, "id_index"), ("phone", phone, "phone_index")):

        def request(i: int, term: str = term) -> Any:
            response = client.post("/api/members/search", {"q": term}, "application/json")
            assert response.status_code == 200 and len(response.json()["items"]) == 1
            return response

        request(0)  # warm caches (the posts, the token's last use): capture a steady request
        statements: list[tuple[str, tuple[Any, ...]]] = []
        with connection.execute_wrapper(partial(_keep, statements)):
            found = request(0).json()["items"][0]["id"]
        sql, params = next(s for s in statements if f'"{column}" =' in s[0])
        bare = _bare(sql, params, found)
        product, limit = [], []
        for _rep in range(repetitions):
            limit.append(measure(f"bare {label}", bare, runs).p50_ms)
            product.append(measure(f"API {label}", request, runs).p50_ms)
        record(
            f"member search by {label} (API vs bare SQL, {members} members)",
            "ms p50",
            product,
            limit,
            higher_is_better=False,
        )
        print(f"search: {len(statements)} statements per {label} request")


def main() -> None:
    standalone(run, 1)


if __name__ == "__main__":
    main()
