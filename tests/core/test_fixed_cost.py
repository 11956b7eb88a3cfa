"""Issue 18 items 4 and 5: the per-request fixed cost of the token API (lean middleware path,
values kept per process under version tokens, querysets compiled once)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import signals
from django.test import Client

from gonghui.accounts.services.accounts import token_issue
from gonghui.core import cache_versions, prepared
from gonghui.core.models import AuditEvent
from gonghui.core.prepared import Prepared, insert
from gonghui.members.models import Card
from tests.conftest import Cast
from tests.factories import card_of, members


def test_a_bearer_call_of_the_api_sets_no_session_or_csrf_cookie(cast: Cast) -> None:
    client = Client()
    token = token_issue(user=cast.county_officer)
    response = client.get("/api/orgs/EAST", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert "Content-Security-Policy" in response.headers and "X-Request-ID" in response.headers


def test_a_bad_bearer_token_is_401_even_beside_a_logged_in_session(cast: Cast) -> None:
    """The lean path reads no session: a bearer request stands or falls by its token."""
    client = Client()
    client.force_login(cast.county_officer)
    assert client.get("/api/orgs/EAST").status_code == 200  # the session still opens the API
    response = client.get("/api/orgs/EAST", headers={"Authorization": "Bearer gh_unknown"})
    assert response.status_code == 401 and response.json()["detail"]


def test_remembered_reloads_when_the_version_changes_and_not_before() -> None:
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    version = cache_versions.current("test:fixed-cost")
    assert cache_versions.remembered("test:k", version, load, ttl=60) == 1
    assert cache_versions.remembered("test:k", version, load, ttl=60) == 1  # kept
    cache_versions.bump("test:fixed-cost")
    version = cache_versions.current("test:fixed-cost")
    assert cache_versions.remembered("test:k", version, load, ttl=60) == 2  # reloaded
    assert cache_versions.remembered("test:k", version, load, ttl=0) == 3  # past its TTL


def test_current_many_joins_the_tokens_in_order() -> None:
    a, b = cache_versions.current("test:a"), cache_versions.current("test:b")
    assert cache_versions.current_many("test:a", "test:b") == f"{a}:{b}"


def _card_query(number: Any) -> Any:
    return Card.objects.select_related("member__union").filter(number=number)[:1]


def test_a_prepared_query_answers_what_the_queryset_answers(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    first, second = members(cast, 2)
    prepared = Prepared(_card_query, "number")
    for member in (first, second):  # compiled once, run with each number
        number = card_of(member)
        with django_assert_num_queries(1):  # the member and union come with the card
            card = prepared.first(number)
            assert card is not None and card.member.union.name == member.union.name
        expected = _card_query(number)[0]
        assert (card.pk, card.number, card.member.pk) == (expected.pk, number, member.pk)
        assert card.member.id_number == member.id_number  # the field's converter ran
        # every column of the three rows as the ORM converts it (the converters built once)
        for got, want in ((card, expected), (card.member, expected.member)):
            assert _values(got) == _values(want)
        assert _values(card.member.union) == _values(expected.member.union)
    assert prepared.first("0000000000000") is None


def _values(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _audit_row(event: AuditEvent) -> tuple[Any, ...]:
    return tuple(getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields)


def test_insert_writes_the_row_save_would_write(cast: Cast, django_assert_num_queries: Any) -> None:
    """core.prepared.insert: the same columns as ``save()`` (auto_now_add, JSON, a foreign key,
    an address), the key read back in the same statement, the instance marked as stored."""
    officer = cast.county_officer
    fields = {
        "action": "test.inserted",
        "actor": officer,
        "actor_label": officer.get_username(),
        "org_path": cast.county.path,
        "after": {"card": "****1234", "n": [1, 2]},
        "ip": "10.0.0.7",
    }
    saved = AuditEvent(**fields)
    saved.save()
    for _ in range(2):  # the INSERT's text built the first time, reused the second
        with django_assert_num_queries(1):
            event = insert(AuditEvent(**fields))
        assert event.pk is not None and event.pk > saved.pk
        assert not event._state.adding and event._state.db == "default"
        assert event.created_at is not None  # the field's pre_save ran
        assert (AuditEvent, "default") in prepared._inserts  # written by insert, not save()
        stored, expected = AuditEvent.objects.get(pk=event.pk), AuditEvent.objects.get(pk=saved.pk)
        assert _audit_row(stored)[1:-1] == _audit_row(expected)[1:-1]  # all but id and time
        assert stored.created_at == event.created_at
        saved = stored


def test_insert_leaves_a_model_with_save_listeners_to_save(cast: Cast) -> None:
    """A receiver of pre_save or post_save is called as save() would call it."""
    seen: list[Any] = []

    def receiver(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        seen.append((instance.pk, created))

    signals.post_save.connect(receiver, sender=AuditEvent)
    try:
        event = insert(AuditEvent(action="test.inserted", org_path=cast.county.path))
    finally:
        signals.post_save.disconnect(receiver, sender=AuditEvent)
    assert seen == [(event.pk, True)]
    assert insert(AuditEvent(action="test.inserted")).pk not in (None, event.pk)  # and after


def test_insert_refuses_what_the_database_refuses(cast: Cast) -> None:
    """A statement refused inside a transaction marks it for rollback, as save() does."""
    first = insert(AuditEvent(action="test.inserted"))
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            insert(AuditEvent(action=None))  # NOT NULL
        assert transaction.get_rollback()
    assert list(AuditEvent.objects.filter(action="test.inserted")) == [first]


def test_insert_linked_writes_both_rows_and_the_link_in_one_statement_on_postgresql(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    """core.prepared.insert_linked: the second row's link column holds the first row's new key;
    one round trip on PostgreSQL (a data-modifying CTE), two elsewhere; the same rows as save()."""
    from django.db import connection

    officer = cast.county_officer
    fields = {"action": "test.inserted", "actor": officer, "org_path": cast.county.path}
    for _ in range(2):  # the statement built the first time, reused the second
        target = AuditEvent(**fields, after={"n": 1})
        event = AuditEvent(**fields, target_type="core.auditevent", ip="10.0.0.8")
        with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
            assert prepared.insert_linked(target, event, link="target_id") is target
        assert target.pk is not None and event.pk is not None and target.pk != event.pk
        assert not target._state.adding and not event._state.adding
        assert event.target_id == str(target.pk)
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.target_id == str(target.pk) and stored.ip == "10.0.0.8"
        assert stored.created_at == event.created_at  # pre_save ran for the second row
        assert AuditEvent.objects.get(pk=target.pk).after == {"n": 1}


def test_a_refused_linked_insert_writes_neither_row(cast: Cast) -> None:
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            prepared.insert_linked(
                AuditEvent(action="test.inserted"), AuditEvent(action=None), link="target_id"
            )
        assert transaction.get_rollback()
    assert not AuditEvent.objects.filter(action="test.inserted").exists()


def test_the_api_is_resolved_first_and_no_page_pattern_starts_with_api() -> None:
    """gonghui.urls lists ``api/`` first so an API call does not walk the pages' patterns:
    that is only the same routing while no other pattern could match an ``/api/`` path."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def routes(entries: Any, prefix: str = "") -> list[str]:
        found = []
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                found += routes(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                found.append(route)
        return found

    first, *rest = get_resolver().url_patterns
    assert str(first.pattern) == "api/"
    others = routes(rest)
    # nor a pattern that starts with a converter (a catch-all)
    assert others and not [r for r in others if r.startswith(("api", "^api", "<", "^("))]
