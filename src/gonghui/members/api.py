"""The member registry over JSON: scoped, masked search and detail, registration, card checks.

Every answer is masked (DESIGN.md rule 3): an ID number as ``4101************3X``, a phone as
``139******00``, a card by its last four digits, a birth date by its year. Unmasked values are a
separate, audited action of the pages (``reveal_pii``), never part of this API.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import os
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError

from gonghui.accounts.models import AccountType
from gonghui.core import dicts, ratelimit
from gonghui.core.api_schemas import (
    NO_NUL,
    BirthDate,
    ErrorOut,
    EventDate,
    InvalidOut,
    lean_json,
)
from gonghui.core.crypto import mask_card_number
from gonghui.core.identifiers import IdType, normalize_code, validate_personal_id
from gonghui.core.importing.jobs import job_create, run_import_job
from gonghui.core.importing.liveness import busy_message, running_import
from gonghui.core.importing.reader import ACCEPTED_EXTENSIONS
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.members import selectors
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Gender, Member, MemberStatus
from gonghui.members.services import members as services
from gonghui.members.services.cards import Verification, card_verify
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import Employer

# Every status an operation can answer with is declared, so clients and the schema agree.
_REFUSALS: dict[int, type[Schema]] = {401: ErrorOut, 422: InvalidOut}
_SCOPED = {**_REFUSALS, 404: ErrorOut}

router = Router(tags=["members"])
cards_router = Router(tags=["cards"])

# Largest primary key a database accepts (bigint): larger ids are simply not found.
MAX_ID = 2**63 - 1
# Verifications per minute and account: a counter scans a card a second at most.
VERIFY_RATE = getattr(settings, "GONGHUI_CARD_VERIFY_RATE", "120/60")
# The dictionary behind each coded field of a member.
DICT_FIELDS = tuple(services.DICT_FIELDS.items())


class MemberOut(Schema):
    """A member as every list shows it: masked."""

    id: int
    name: str
    gender: str
    gender_label: str
    birth_year: int
    id_type: str
    id_type_label: str
    id_number_masked: str
    phone_masked: str
    union_code: str
    union_name: str
    status: str
    status_label: str
    joined_on: dt.date
    card_no_masked: str


class MemberDetailOut(MemberOut):
    """One member: the masked fields, the dictionary fields (code and label) and employer."""

    ethnicity: str
    ethnicity_label: str
    education: str
    education_label: str
    political_status: str
    political_status_label: str
    skill_level: str
    skill_level_label: str
    household_type: str
    household_type_label: str
    employment_status: str
    employment_status_label: str
    new_employment: str
    new_employment_label: str
    migrant_worker: bool
    employer_id: int | None
    employer_name: str


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None


class MemberQuery(Schema):
    q: str = Field("", max_length=100, pattern=NO_NUL)
    org: str = Field("", max_length=32, pattern=NO_NUL)
    cursor: str = Field("", max_length=200)
    limit: int = Field(50, ge=1, le=200)


def _text(max_length: int) -> Any:
    return Field("", max_length=max_length, pattern=NO_NUL)


class MemberIn(Schema):
    union_code: str = Field(..., max_length=32, pattern=NO_NUL)
    id_type: IdType
    id_number: str = Field(..., max_length=40, pattern=NO_NUL)
    name: str = Field(..., max_length=50, pattern=NO_NUL)
    joined_on: EventDate
    consent_purpose: str = Field(..., max_length=200, pattern=NO_NUL)
    gender: Gender | None = None
    birth_date: BirthDate | None = None
    phone: str = _text(20)
    employer_id: int | None = Field(None, ge=1, le=MAX_ID)
    migrant_worker: bool = False
    household_place: str = _text(100)
    ethnicity: str = _text(20)
    education: str = _text(20)
    political_status: str = _text(20)
    skill_level: str = _text(20)
    household_type: str = _text(20)
    employment_status: str = _text(20)
    new_employment: str = _text(20)


class VerifyIn(Schema):
    """Either the QR ``token``, or ``card_no`` with the 6-digit ``code`` beside the QR."""

    token: str = _text(200)
    card_no: str = _text(40)
    code: str = _text(20)


class VerifyOut(Schema):
    valid: bool
    reason: str
    masked_name: str
    union_name: str
    status: str


# --- helpers -------------------------------------------------------------------------------------


def _encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode()


def _decode_cursor(cursor: str) -> int | None:
    """The id a ``next`` cursor points after; 0 for none; None for a cursor never issued."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    if not re.fullmatch(r"[1-9][0-9]{0,18}", text) or int(text) > MAX_ID:
        return None
    return int(text)


def _member_out(member: Member, card_no: str) -> dict[str, Any]:
    return {
        "id": member.pk,
        "name": member.name,
        "gender": member.gender,
        "gender_label": member.get_gender_display(),
        "birth_year": member.birth_date.year,
        "id_type": member.id_type,
        "id_type_label": member.get_id_type_display(),
        "id_number_masked": member.masked_id_number,
        "phone_masked": member.masked_phone,
        "union_code": member.union.code,
        "union_name": member.union.name,
        "status": member.status,
        "status_label": str(MemberStatus(member.status).label),
        "joined_on": member.joined_on,
        "card_no_masked": mask_card_number(card_no),
    }


def _member_detail(member: Member) -> dict[str, Any]:
    out = _member_out(member, selectors.active_card_numbers([member]).get(member.pk, ""))
    for field, dictionary in DICT_FIELDS:
        code = getattr(member, field)
        out[field] = code
        out[f"{field}_label"] = dicts.label(dictionary, code) if code else ""
    out["migrant_worker"] = member.migrant_worker
    out["employer_id"] = member.employer_id
    out["employer_name"] = member.employer.name if member.employer else ""
    return out


def _employer(request: ViewerRequest, pk: int | None) -> Employer | None:
    """The employer if the caller may see it; one message for unknown and out of scope."""
    if pk is None:
        return None
    employer = org_selectors.employer_queryset(viewer=request.user).filter(pk=pk).first()
    if employer is None:
        raise ValidationError({"employer_id": _("工作单位不存在或不在管辖范围内")})
    return employer


# A QR payload as card_token() writes it; anything else is refused before it is parsed.
_TOKEN_SHAPE = re.compile(r"[0-9]{1,20}\.-?[0-9]{1,20}\.[A-Za-z0-9_=-]{1,64}")


# --- members -------------------------------------------------------------------------------------


@router.get("", response={200: MemberPage, **_SCOPED})
def member_list(request: ViewerRequest, params: Query[MemberQuery]) -> dict[str, Any]:
    """Members in scope, union by union (newest union first, newest member first), masked:
    ``q`` is a name (its start) or a card number; ``org`` narrows to a subtree. Pass ``next``
    back as ``cursor``. A full ID or phone number is refused here (a URL lands in access logs):
    POST it to ``/api/members/search``."""
    if selectors.query_is_personal(params.q):
        raise ValidationError(
            {"q": _("按证件号码或手机号码查询请用 POST /api/members/search，不要放在网址中")}
        )
    return _member_page(request, params)


@router.post(
    "/search", response={200: MemberPage, 400: ErrorOut, **_SCOPED}, url_name="member_search"
)
def member_search(request: ViewerRequest, params: MemberQuery) -> HttpResponse:
    """The same search with the terms in the JSON body: ``q`` may also be a full ID number or
    a phone number (they never travel in a URL)."""
    # MemberPage, rendered without re-validation (tests/members/test_search_prepared.py)
    return lean_json(_member_page(request, params))


def _member_page(request: ViewerRequest, params: MemberQuery) -> dict[str, Any]:
    org = None
    if params.org.strip():
        org = org_selectors.org_get(viewer=request.user, code=params.org.strip().upper())
    after = _decode_cursor(params.cursor)
    if after is None:  # an unreadable cursor is past the end: an empty page, not an error
        return {"items": [], "next": None}
    rows, last = selectors.member_page(
        viewer=request.user,
        filters=selectors.MemberFilters(query=params.q, org=org),
        after_id=after or None,
        size=params.limit,
        with_card=True,
    )
    return {
        "items": [_member_out(m, getattr(m, "active_card", None) or "") for m in rows],
        "next": _encode_cursor(last) if last is not None else None,
    }


# Declared before /{id}: ninja matches paths in order.
class ImportAccepted(Schema):
    job: int
    status_url: str


@router.post(
    "/import", response={202: ImportAccepted, 403: ErrorOut, **_SCOPED}, url_name="member_import"
)
def member_import(
    request: ViewerRequest,
    file: UploadedFile = File(...),  # noqa: B008 (ninja's declaration style)
    org: str = Form(..., max_length=32, pattern=NO_NUL),
    dry_run: bool = Form(False),
) -> Status[dict[str, Any]]:
    """Upload a roster (.xlsx, .xls, .csv) into ``org`` (needs ``members.manage`` there). The
    import runs as a task: poll ``GET /api/jobs/{job}`` for progress and the counts."""
    union = org_selectors.org_get(viewer=request.user, code=normalize_code(org))
    require_capability(request.user, "members.manage", union.path)
    name = file.name or "upload"
    ext = os.path.splitext(name)[1].lower()
    if ext not in ACCEPTED_EXTENSIONS:
        raise ValidationError(
            {"file": _("不支持的文件类型“%(ext)s”：请上传 .xlsx、.xls 或 .csv 文件") % {"ext": ext}}
        )
    if (file.size or 0) > settings.GONGHUI_IMPORT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("文件过大：不能超过 %(mb)d MB")
                % {"mb": settings.GONGHUI_IMPORT_MAX_BYTES // (1024 * 1024)}
            }
        )
    running = running_import(union.path)
    if running is not None:
        raise ValidationError({"file": busy_message(running)})
    job = job_create(
        importer=MemberImporter,
        actor=request.user,
        org_path=union.path,
        fileobj=file,
        filename=name,
        dry_run=dry_run,
        options={"org": union.code},
    )
    run_import_job.enqueue(job.pk)
    return Status(202, {"job": job.pk, "status_url": f"/api/jobs/{job.pk}"})


@router.get("/{id}", response={200: MemberDetailOut, **_SCOPED})
def member_detail(request: ViewerRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """One member in the caller's scope, masked (outside scope: 404)."""
    return _member_detail(selectors.member_get(viewer=request.user, pk=id))


@router.post("", response={201: MemberDetailOut, 400: ErrorOut, 403: ErrorOut, **_SCOPED})
def member_create(request: ViewerRequest, payload: MemberIn) -> Status[dict[str, Any]]:
    """Register a member at a grassroots union in scope (needs ``members.manage`` there).
    The person's consent and its purpose are recorded with the ID and phone."""
    union = org_selectors.org_get(viewer=request.user, code=payload.union_code.strip().upper())
    require_capability(request.user, "members.manage", union.path)
    employer = _employer(request, payload.employer_id)
    try:
        validate_personal_id(payload.id_type.value, payload.id_number)
    except ValidationError as exc:  # the service says the same, without naming the field
        raise ValidationError({"id_number": exc.messages}) from exc
    member = services.member_register(
        actor=request.user,
        union=union,
        id_type=payload.id_type.value,
        id_number=payload.id_number,
        name=payload.name,
        joined_on=payload.joined_on,
        consent_purpose=payload.consent_purpose,
        gender=payload.gender.value if payload.gender else "",
        birth_date=payload.birth_date,
        phone=payload.phone,
        employer=employer,
        migrant_worker=payload.migrant_worker,
        household_place=payload.household_place,
        **{field: getattr(payload, field) for field, _dictionary in DICT_FIELDS},
    )
    member = selectors.member_get(viewer=request.user, pk=member.pk)
    return Status(201, _member_detail(member))


# --- cards ---------------------------------------------------------------------------------------


@cards_router.post(
    "/verify", response={200: VerifyOut, 400: ErrorOut, 403: ErrorOut, 429: ErrorOut, **_REFUSALS}
)
def verify(request: ViewerRequest, payload: VerifyIn) -> dict[str, Any]:
    """Check a member's card at a counter (merchant and officer accounts): the QR token, or the
    card number with its current code. A refusal says why: forged, expired, wrong code, lost
    card, no longer a member."""
    user = request.user
    if getattr(user, "account_type", "") not in (AccountType.OFFICER, AccountType.MERCHANT):
        raise PermissionDenied("cards.verify")
    if not ratelimit.hit(f"card-verify:{user.pk}", VERIFY_RATE):
        raise HttpError(429, _("核验次数过多，请稍后再试"))
    token = payload.token.strip()
    code = normalize_code(payload.code)
    if token and not _TOKEN_SHAPE.fullmatch(token):
        result = Verification(False, _("二维码无效"))
    elif not token and code and not re.fullmatch(r"[0-9]{6}", code):
        result = Verification(False, _("动态码不正确或已过期"))
    else:
        result = card_verify(
            guesser=f"user:{user.pk}",
            token=token,
            card_no=normalize_code(payload.card_no),
            code=code,
        )
    return result.as_dict()
