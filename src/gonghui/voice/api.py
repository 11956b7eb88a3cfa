"""JSON API of the app: appeals listed and read through the same scoped selectors as the pages
(mailbox letters only for their own office), submitted by a member (their own) or entered by an
officer. No field ever carries the submitter of an anonymous appeal, nor the owner link; the
查询码 of an anonymous appeal is in the answer to its submission only (``follow_code``), and
``POST /follow`` finds the appeal by it. Neither request logs a user id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from gonghui.accounts.models import AccountType
from gonghui.core.api_schemas import NO_NUL, ErrorOut, InvalidOut
from gonghui.core.net import client_ip
from gonghui.core.observability import hide_user
from gonghui.core.scoping import ViewerRequest
from gonghui.orgs import selectors as org_selectors
from gonghui.voice import selectors
from gonghui.voice.models import Appeal, AppealKind, Channel
from gonghui.voice.services import appeals as services

router = Router(tags=["voice"])
_SCOPED: dict[int, type[Schema]] = {401: ErrorOut, 422: InvalidOut, 404: ErrorOut}
MAX_ID = 2**63 - 1


class StepOut(Schema):
    action: str
    action_label: str
    org_name: str
    actor_label: str
    opinion: str
    at: dt.datetime


class AppealOut(Schema):
    id: int
    number: str
    kind: str
    category: str
    category_label: str
    channel: str
    channel_label: str
    title: str
    anonymous: bool
    submitter: str
    org_code: str
    org_name: str
    status: str
    status_label: str
    received_on: dt.date
    accept_due: dt.date
    reply_due: dt.date
    deadline_confirmed: bool
    escalations: int
    rating: str


class AppealDetailOut(AppealOut):
    content: str
    department: str
    reply: str
    steps: list[StepOut]
    follow_code: str = ""  # the 查询码, in the answer to an anonymous submission only


class FollowIn(Schema):
    code: str = Field(..., max_length=40, pattern=NO_NUL)


class AppealPage(Schema):
    count: int
    items: list[AppealOut]


class AppealQuery(Schema):
    status: str = Field("", max_length=12, pattern=NO_NUL)
    category: str = Field("", max_length=20, pattern=NO_NUL)
    channel: str = Field("", max_length=10, pattern=NO_NUL)
    kind: str = Field("", max_length=10, pattern=NO_NUL)
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class AppealIn(Schema):
    category: str = Field(..., max_length=20, pattern=NO_NUL)
    title: str = Field(..., max_length=100, pattern=NO_NUL)
    content: str = Field(..., max_length=10000, pattern=NO_NUL)
    anonymous: bool = False
    kind: AppealKind = AppealKind.APPEAL
    org_code: str = Field("", max_length=32, pattern=NO_NUL)
    channel: Channel = Channel.HOTLINE
    contact_name: str = Field("", max_length=50, pattern=NO_NUL)
    contact_phone: str = Field("", max_length=20, pattern=NO_NUL)


def _out(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "kind": a.kind,
        "category": a.category.code,
        "category_label": a.category.name,
        "channel": a.channel,
        "channel_label": a.get_channel_display(),
        "title": a.title,
        "anonymous": a.anonymous,
        "submitter": a.submitter_label,
        "org_code": a.org.code,
        "org_name": a.org.name,
        "status": a.status,
        "status_label": a.get_status_display(),
        "received_on": a.received_on,
        "accept_due": a.accept_due,
        "reply_due": a.reply_due,
        "deadline_confirmed": a.deadline_confirmed,
        "escalations": a.escalations,
        "rating": a.rating,
    }


def _detail(a: Appeal) -> dict[str, Any]:
    return {
        **_out(a),
        "content": a.content,
        "department": a.department,
        "reply": a.reply,
        "steps": [
            {
                "action": s.action,
                "action_label": s.get_action_display(),
                "org_name": s.org_name,
                "actor_label": s.actor_label,
                "opinion": s.opinion,
                "at": s.created_at,
            }
            for s in selectors.appeal_steps(appeal=a)
        ],
    }


def _is_member(request: ViewerRequest) -> bool:
    return getattr(request.user, "account_type", "") == AccountType.MEMBER


@router.get("/appeals", response={200: AppealPage, **_SCOPED})
def appeal_list(request: ViewerRequest, params: Query[AppealQuery]) -> dict[str, Any]:
    """Appeals in the caller's scope (a member: their own), newest first."""
    if _is_member(request):
        qs = selectors.my_appeals(user=request.user)
    else:
        qs = selectors.appeal_list(
            viewer=request.user,
            filters=selectors.AppealFilters(
                status=params.status,
                category=params.category,
                channel=params.channel,
                kind=params.kind,
            ),
        )
    rows = list(qs[params.offset : params.offset + params.limit])
    return {"count": qs.count(), "items": [_out(a) for a in rows]}


@router.get("/appeals/{id}", response={200: AppealDetailOut, **_SCOPED})
def appeal_detail(request: ViewerRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """One appeal with its trail (outside scope: 404)."""
    if _is_member(request):
        return _detail(selectors.my_appeal_get(user=request.user, pk=id))
    return _detail(selectors.appeal_get(viewer=request.user, pk=id))


@router.post("/appeals", response={201: AppealDetailOut, 400: ErrorOut, 403: ErrorOut, **_SCOPED})
def appeal_submit(request: ViewerRequest, payload: AppealIn) -> Status[dict[str, Any]]:
    """A member submits their own appeal (or a letter to a chairman: ``org_code``); an officer
    enters one on a worker's behalf at a union in scope (``org_code``, ``channel``)."""
    category = services.category_get(payload.category)
    if _is_member(request):
        to_org = None
        if payload.kind == AppealKind.LETTER and payload.org_code:
            to_org = org_selectors.directory_get(code=payload.org_code)
            if to_org is None:
                raise ValidationError({"org_code": _("组织目录中没有该工会编码")})
        hide_user(request)  # every member submission, so the anonymous ones do not stand out
        appeal = services.appeal_submit(
            actor=request.user,
            category=category,
            title=payload.title,
            content=payload.content,
            anonymous=payload.anonymous,
            kind=payload.kind.value,
            to_org=to_org,
        )
        if appeal.anonymous:
            return Status(201, {**_detail(appeal), "follow_code": appeal.follow_code})
        return Status(201, _detail(selectors.my_appeal_get(user=request.user, pk=appeal.pk)))
    if getattr(request.user, "account_type", "") != AccountType.OFFICER:
        raise PermissionDenied
    org = org_selectors.org_get(viewer=request.user, code=payload.org_code.strip().upper())
    appeal = services.appeal_enter(
        actor=request.user,
        org=org,
        category=category,
        channel=payload.channel.value,
        title=payload.title,
        content=payload.content,
        anonymous=payload.anonymous,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        kind=payload.kind.value,
    )
    return Status(201, _detail(selectors.appeal_get(viewer=request.user, pk=appeal.pk)))


@router.post("/follow", response={200: AppealDetailOut, 400: ErrorOut, 403: ErrorOut, **_SCOPED})
def appeal_follow(request: ViewerRequest, payload: FollowIn) -> dict[str, Any]:
    """A member reads an anonymous appeal by its 查询码 (guesses are rate-limited; wrong: 404)."""
    hide_user(request)
    if not _is_member(request):
        raise PermissionDenied
    appeal = selectors.appeal_follow(
        code=payload.code, account=request.user, client=client_ip(request)
    )
    if appeal is None:
        raise Http404
    return _detail(appeal)
