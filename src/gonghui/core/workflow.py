"""The one transition service and its history (DESIGN.md rule 4, ADR 0021).

Apps declare which django-fsm transitions of a model may be called and the audit code each
writes (:func:`register_workflow`, in ``AppConfig.ready()``); their services call
:func:`transition`, which in one transaction locks the row, checks the actor's capability at the
object's org path, runs the transition (a clear Chinese refusal when the current state does not
allow it), saves, writes one :class:`HistoryEntry` and the audit row. Pages read a trail with
:func:`history_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from gonghui.core.audit import audit_action_label, audit_record, request_ip
from gonghui.core.models import HistoryEntry
from gonghui.core.scoping import Actor, require_capability

__all__ = [
    "HistoryEntry",
    "history_of",
    "history_record",
    "register_workflow",
    "transition",
    "transitions_of",
]

M = TypeVar("M", bound=Model)

# model label -> {transition name: audit action code}. Only registered names may be called, so
# a name taken from a URL can never reach an arbitrary method of the model.
_workflows: dict[str, dict[str, str]] = {}


def register_workflow(model: type[Model], transitions: Mapping[str, str]) -> None:
    """Declare the transitions of ``model`` that services may run, each with its audit code
    (registered with its Chinese label by the app: the label names the step in refusals)."""
    for name in transitions:
        method = getattr(model, name, None)
        if getattr(method, "_django_fsm", None) is None:
            raise ImproperlyConfigured(f"{model._meta.label}.{name} is not an FSM transition")
    _workflows[model._meta.label] = dict(transitions)


def transitions_of(model: type[Model]) -> dict[str, str]:
    return dict(_workflows.get(model._meta.label, {}))


def _state_field(model: type[Model], name: str) -> str:
    field = getattr(model, name)._django_fsm.field
    return field if isinstance(field, str) else str(field.name)


def _display(obj: Model, field: str) -> str:
    getter = getattr(obj, f"get_{field}_display", None)
    return str(getter()) if getter is not None else str(getattr(obj, field))


def _label(actor: Actor | None) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:150]


def _person(actor: Actor | None, anonymous: bool) -> Actor | None:
    if anonymous or actor is None or not getattr(actor, "pk", None):
        return None  # an anonymous submitter, or a viewer that is not a stored account (a job)
    return actor


def history_record(
    obj: Model,
    name: str,
    *,
    actor: Actor | None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    anonymous: bool = False,
    actor_label: str | None = None,
    path_field: str = "org_path",
) -> HistoryEntry:
    """Write one history row of ``obj``. :func:`transition` calls it for every move; services
    call it directly only for a step that is no declared move (an item created, a question
    answered), inside the transaction that writes the step and its audit row."""
    person = _person(actor, anonymous)
    return HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        org_path=str(getattr(obj, path_field)),
        transition=name,
        from_state=from_state,
        to_state=to_state,
        actor_id=getattr(person, "pk", None),
        actor_label=actor_label if actor_label is not None else _label(person),
        reason=reason,
        data=dict(data or {}),
    )


def stamp_decision(actor: Actor, **fields: Any) -> Callable[[Any], None]:
    """The ``apply`` of a decision taken through ``transition``: who decided and when, plus the
    app's own fields that go with it (a note, a reason, the record the decision created)."""

    def apply(row: Any) -> None:
        row.decided_by, row.decided_at = actor, timezone.now()
        for name, value in fields.items():
            setattr(row, name, value)

    return apply


@transaction.atomic
def transition(
    obj: M,
    name: str,
    *,
    actor: Actor | None,
    capability: str | Callable[[M], bool] | None,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    check: Callable[[M], None] | None = None,
    apply: Callable[[M], None] | None = None,
    params: Mapping[str, Any] | None = None,
    anonymous: bool = False,
    actor_label: str | None = None,
    path_field: str = "org_path",
    locked: bool = False,
    step: str = "",
    target_label: str | None = None,
    on_move: Callable[[M, HistoryEntry], None] | None = None,
) -> M:
    """Run transition ``name`` of ``obj`` and return the locked, saved row.

    ``capability`` is checked at the object's org path; an app whose rule differs (a post held
    at exactly that org, the parent's review) passes ``permits(locked) -> bool`` instead;
    ``None`` only where the caller has established the actor's right itself (the submitter of
    their own item). Either is checked before the state, so a refusal reveals nothing of it.
    ``check(row)`` runs after the lock and the state test: rules of the app that may refuse
    the move. ``apply(row)`` runs after the move, before the save: the app's fields that change
    with it (a reason, a date, sums). ``params`` go to the transition method. ``anonymous``
    records neither the actor nor the client IP (the submitter of an anonymous item, DESIGN.md
    rule 2). ``locked=True``: ``obj`` was locked by the caller in the enclosing transaction
    (services whose other checks need the row first) and is moved as it is. ``step`` names the
    history row when the app's trail calls its steps otherwise than its transitions (voice:
    ``accepted`` for ``accept``); ``target_label`` is the audit row's (a case number).
    ``on_move(row, entry)`` writes the app's domain record of the move (the dated 会籍 change)
    in the same transaction, after the history row. Both rows are filed at the object's path
    after the move (a transfer files them where the object now is). Nothing is written when
    anything refuses."""
    model = type(obj)
    codes = _workflows.get(model._meta.label, {})
    if name not in codes:
        raise ImproperlyConfigured(f"{model._meta.label}.{name} is not a registered transition")
    row = obj if locked else model._default_manager.select_for_update().get(pk=obj.pk)
    path = str(getattr(row, path_field))
    if isinstance(capability, str):
        require_capability(actor, capability, path)
    elif capability is not None and not capability(row):
        raise PermissionDenied(model._meta.label)
    field = _state_field(model, name)
    before = str(getattr(row, field))
    method = getattr(row, name)
    if not can_proceed(method):
        raise ValidationError(
            _("%(object)s当前为“%(state)s”，不能办理此项（%(step)s）")
            % {
                "object": model._meta.verbose_name,
                "state": _display(row, field),
                "step": audit_action_label(codes[name]),
            }
        )
    if check is not None:
        check(row)
    method(**(params or {}))
    if apply is not None:
        apply(row)
    row.save()
    after = str(getattr(row, field))
    entry = history_record(
        row,
        step or name,
        actor=actor,
        from_state=before,
        to_state=after,
        reason=reason,
        data=data,
        anonymous=anonymous,
        actor_label=actor_label,
        path_field=path_field,
    )
    with request_ip(None) if anonymous else nullcontext():
        audit_record(
            action=codes[name],
            actor=_person(actor, anonymous),
            target=row,
            target_label=target_label,
            org_path=str(getattr(row, path_field)),
            before={field: before},
            after={field: after, **({"reason": reason} if reason else {}), **(data or {})},
        )
    if on_move is not None:
        on_move(row, entry)
    return row


def history_of(obj: Model) -> QuerySet[HistoryEntry]:
    """The trail of an object that the caller already found in the viewer's scope, oldest
    first."""
    return (
        HistoryEntry.objects.unscoped(reason="the trail of an object found in scope")
        .filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)
        .select_related("actor")
    )
