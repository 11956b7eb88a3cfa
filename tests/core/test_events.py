"""core.events: explicit in-process events, handlers in the same transaction or on commit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gonghui.core import events
from gonghui.core.models import AuditEvent

EVENT = "tests.thing.happened"


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    saved = {k: list(v) for k, v in events._handlers.items()}
    events._handlers.pop(EVENT, None)
    yield
    events._handlers.clear()
    events._handlers.update(saved)


def test_emit_runs_now_handlers_in_registration_order_with_the_payload() -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    events.register_handler(EVENT, lambda **kw: calls.append(("a", kw)), name="a")
    events.register_handler(EVENT, lambda **kw: calls.append(("b", kw)), name="b")
    events.emit(EVENT, thing=1, actor="x")
    assert calls == [("a", {"thing": 1, "actor": "x"}), ("b", {"thing": 1, "actor": "x"})]


def test_emit_with_no_handlers_does_nothing() -> None:
    events.emit("tests.nobody.listens", x=1)


def test_on_commit_handlers_wait_for_the_commit_and_keep_their_order(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    calls: list[str] = []
    events.register_handler(EVENT, lambda **kw: calls.append("late1"), when="on_commit", name="1")
    events.register_handler(EVENT, lambda **kw: calls.append("now"), name="now")
    events.register_handler(EVENT, lambda **kw: calls.append("late2"), when="on_commit", name="2")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        events.emit(EVENT)
        assert calls == ["now"]
    assert len(callbacks) == 2
    assert calls == ["now", "late1", "late2"]


def test_a_failing_now_handler_rolls_the_emitters_transaction_back(db: None) -> None:
    def boom(**kw: Any) -> None:
        raise RuntimeError("counter out of sync")

    events.register_handler(EVENT, boom, name="boom")
    with pytest.raises(RuntimeError), transaction.atomic():
        AuditEvent.objects.create(action="tests.thing.happened")
        events.emit(EVENT)
    assert not AuditEvent.objects.filter(action="tests.thing.happened").exists()


def test_now_handlers_write_in_the_same_transaction(db: None) -> None:
    events.register_handler(
        EVENT, lambda **kw: AuditEvent.objects.create(action=kw["action"]), name="write"
    )
    with pytest.raises(ValueError), transaction.atomic():
        events.emit(EVENT, action="tests.handler.wrote")
        assert AuditEvent.objects.filter(action="tests.handler.wrote").exists()
        raise ValueError("the emitter fails later")
    assert not AuditEvent.objects.filter(action="tests.handler.wrote").exists()


def test_on_commit_handlers_never_run_when_the_transaction_rolls_back(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    calls: list[str] = []
    events.register_handler(EVENT, lambda **kw: calls.append("sent"), when="on_commit", name="x")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        events.emit(EVENT)
        raise ValueError("rolled back")
    assert callbacks == []
    assert calls == []


def test_registration_is_idempotent_by_name_and_keeps_the_position() -> None:
    calls: list[str] = []
    events.register_handler(EVENT, lambda **kw: calls.append("a1"), name="a")
    events.register_handler(EVENT, lambda **kw: calls.append("b"), name="b")
    events.register_handler(EVENT, lambda **kw: calls.append("a2"), name="a")  # ready() again
    events.emit(EVENT)
    assert calls == ["a2", "b"]
    assert [r.name for r in events.handlers(EVENT)] == ["a", "b"]


def _named_handler(**kw: Any) -> None:
    pass


def test_default_name_is_the_dotted_path_so_reregistering_a_function_is_a_no_op() -> None:
    events.register_handler(EVENT, _named_handler)
    events.register_handler(EVENT, _named_handler)
    assert [r.name for r in events.handlers(EVENT)] == [f"{__name__}._named_handler"]


def test_unregister_handler() -> None:
    events.register_handler(EVENT, _named_handler, name="x")
    events.unregister_handler(EVENT, "x")
    events.unregister_handler(EVENT, "unknown")
    assert events.handlers(EVENT) == []


@pytest.mark.parametrize("name", ["joined", "Members.member.joined", "members..joined", ""])
def test_event_names_must_be_namespaced(name: str) -> None:
    with pytest.raises(ValueError):
        events.register_handler(name, _named_handler)
    with pytest.raises(ValueError):
        events.emit(name)


def test_when_must_be_now_or_on_commit() -> None:
    with pytest.raises(ValueError):
        events.register_handler(EVENT, _named_handler, when="later")  # type: ignore[arg-type]
