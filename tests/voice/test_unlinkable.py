"""Issue 16 item 2, DESIGN.md rule 2: anonymous means unlinkable. An anonymous appeal carries no
per-person deterministic value (no column equals one of the member's signed items); its author
follows it with a random 查询码 shown once and stored only as a hash — never in the session, a
cookie or a row that names the member; the request log of the submission carries no user id;
its attachments keep no author's name."""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
import tempfile
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.core.workflow import history_of
from gonghui.voice.models import Appeal, AppealStatus
from gonghui.voice.services import appeals as services
from gonghui.voice.services import proposals
from gonghui.voice.services.identity import FOLLOW_LENGTH, follow_normalize, owner_key
from tests.conftest import Cast, fresh
from tests.factories import (
    WORKER_NAME,
    docx_bytes,
    ensure_seeded,
    jpeg_bytes,
    pdf_bytes,
    spellings,
    submit,
    worker,
)


@pytest.fixture(autouse=True)
def seeded_calendar(db: None) -> None:
    ensure_seeded()


def phone_submit(client: Client, cast: Cast, **extra: Any) -> Any:
    return client.post(
        "/m/voice/new/",
        {
            "kind": "appeal",
            "category": services.category_get("wage").pk,
            "title": "车间主任克扣加班费",
            "content": "车间主任每月克扣加班费，职工不敢出面。",
            "anonymous": "on",
            **extra,
        },
    )


def shown_code(response: Any) -> str:
    match = re.search(r'data-testid="follow-code">([0-9A-Z-]+)<', response.content.decode())
    assert match, "the 查询码 is shown in the answer to the submission"
    return match.group(1)


def test_no_column_of_an_anonymous_appeal_equals_a_value_of_the_members_signed_items(
    cast: Cast,
) -> None:
    user, member = worker(cast)
    signed = submit(cast, anonymous=False, title="食堂饭菜涨价")
    idea = proposals.proposal_submit(
        actor=user,
        field="safety",
        title="叉车通道加装凸面镜",
        content="仓库转角视线受阻，建议加装凸面镜。",
    )
    anonymous = submit(cast, anonymous=True, title="班组长克扣绩效")
    assert signed.owner_key and idea.owner_key  # signed items keep the member's own link
    personal = {
        str(v)
        for v in (
            *Appeal.objects.filter(pk=signed.pk).values_list(
                "owner_key", "member_id", "contact_name", "contact_phone"
            )[0],
            *type(idea).objects.filter(pk=idea.pk).values_list("owner_key", "proposer")[0],
            owner_key(user),
            member.name,
            user.get_username(),
        )
        if v not in ("", None)
    }
    row = Appeal.objects.filter(pk=anonymous.pk).values()[0]
    text_columns = [
        f.attname
        for f in Appeal._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
    ]
    for column in text_columns:
        assert str(row[column]) not in personal, column
    # No column points at a person either (member, account).
    assert row["member_id"] is None and row["entered_by_id"] is None
    # The rows written with it: the trail and the audit name nobody and keep no IP.
    step = history_of(anonymous).get()
    assert step.actor_id is None and step.actor_label != WORKER_NAME
    event = AuditEvent.objects.get(target_type="voice.appeal", target_id=str(anonymous.pk))
    assert event.actor_id is None and event.actor_label == "" and event.ip is None
    # Nothing else written at that instant names the member.
    same_time = AuditEvent.objects.filter(created_at=event.created_at).exclude(pk=event.pk)
    assert not same_time.filter(actor=user).exists()


def test_the_code_is_shown_once_and_stored_only_as_its_hash(cast: Cast) -> None:
    user, _ = worker(cast)
    client = Client()
    client.force_login(user)
    session_before = dict(client.session.items())
    response = phone_submit(client, cast)
    code = shown_code(response)
    appeal = Appeal.objects.get(title="车间主任克扣加班费")
    assert len(follow_normalize(code)) == FOLLOW_LENGTH
    digest = hashlib.sha256(follow_normalize(code).encode()).hexdigest()
    assert appeal.follow_digest == digest and appeal.owner_key == ""
    row = Appeal.objects.filter(pk=appeal.pk).values()[0]
    assert not [k for k, v in row.items() if follow_normalize(code) in follow_normalize(str(v))]
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    # The session and the cookies carry neither the code nor the appeal.
    assert dict(client.session.items()) == session_before
    for cookie in client.cookies.values():
        assert code not in cookie.value and appeal.number not in cookie.value
    # Never shown again: not on "my appeals", not on the next page views.
    for url in ("/m/voice/", "/m/voice/follow/", "/m/voice/new/"):
        assert code not in client.get(url).content.decode()
    # Two anonymous appeals of one member share no value either.
    second = shown_code(phone_submit(client, cast, title="宿舍热水不足"))
    assert second != code
    assert Appeal.objects.get(title="宿舍热水不足").follow_digest != digest


def test_the_request_log_of_an_anonymous_submission_has_no_user(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    user, _ = worker(cast)
    client = Client()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="gonghui.request"):
        code = shown_code(phone_submit(client, cast))
        client.post("/m/voice/follow/", {"code": code})
    lines = [r.fields for r in caplog.records if r.name == "gonghui.request"]  # type: ignore[attr-defined]
    posts = [f for f in lines if f["method"] == "POST" and f["path"].startswith("/m/voice/")]
    assert len(posts) == 2
    assert all(f["user"] is None for f in posts)


def test_the_submitter_rates_and_reopens_with_the_code_only(cast: Cast) -> None:
    user, _ = worker(cast)
    client = Client()
    client.force_login(user)
    code = shown_code(phone_submit(client, cast))
    appeal = Appeal.objects.get(title="车间主任克扣加班费")
    officer = fresh(cast.grassroots_officer)
    services.appeal_accept(actor=officer, appeal=appeal)
    services.appeal_reply(actor=officer, appeal=appeal, reply="已约谈车间主任，补发加班费。")
    # Not through the account's own pages, nor with a wrong code.
    assert client.post(f"/m/voice/{appeal.pk}/rate/", {"rating": "satisfied"}).status_code == 404
    wrong = client.post("/m/voice/follow/rate/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "rating": "basic"})
    assert wrong.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REPLIED
    page = client.post(
        "/m/voice/follow/rate/", {"code": code.lower().replace("-", " "), "rating": "unsatisfied"}
    )
    assert "感谢您的评价" in page.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED and appeal.rating == "unsatisfied"
    client.post("/m/voice/follow/reopen/", {"code": code, "reason": "补发数额不对"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED and appeal.reopened == 1
    own = AuditEvent.objects.filter(
        target_id=str(appeal.pk), action__in=["voice.appeal.rated", "voice.appeal.reopened"]
    )
    assert own.count() == 2 and not own.exclude(actor=None).exists()
    # The service refuses the account without the code.
    with pytest.raises(PermissionDenied):
        services.appeal_reopen(actor=user, appeal=appeal, reason="再次")


def test_guessing_codes_is_rate_limited(cast: Cast) -> None:
    user, _ = worker(cast)
    client = Client()
    client.force_login(user)
    code = shown_code(phone_submit(client, cast))
    for i in range(10):
        page = client.post("/m/voice/follow/", {"code": f"0000-0000-0000-{i:04d}"}).content
        assert "查询码不正确" in page.decode()
    page = client.post("/m/voice/follow/", {"code": code}).content.decode()
    assert "尝试次数过多" in page and "车间主任克扣加班费" not in page


def test_existing_anonymous_appeals_lose_their_owner_link_in_the_migration(cast: Cast) -> None:
    migration = importlib.import_module("gonghui.voice.migrations.0002_anonymous_follow_code")
    signed = submit(cast, anonymous=False)
    old = submit(cast, anonymous=True, title="旧匿名诉求")
    Appeal.objects.filter(pk=old.pk).update(owner_key=signed.owner_key)  # as stored before
    migration.clear_anonymous_owner_keys(django_apps, None)
    assert Appeal.objects.get(pk=old.pk).owner_key == ""
    assert Appeal.objects.get(pk=signed.pk).owner_key == signed.owner_key


def test_anonymous_attachments_keep_no_author_in_the_download(cast: Cast, settings: Any) -> None:
    settings.MEDIA_ROOT = tempfile.mkdtemp()
    user, _ = worker(cast)
    client = Client()
    client.force_login(user)
    pdf = SimpleUploadedFile("证据.pdf", pdf_bytes(), content_type="application/pdf")
    assert shown_code(phone_submit(client, cast, attachment=pdf))
    appeal = Appeal.objects.get(title="车间主任克扣加班费")
    more = submit(
        cast,
        anonymous=True,
        title="更多证据",
        attachments=[
            SimpleUploadedFile("photo.jpg", jpeg_bytes()),
            SimpleUploadedFile("记录.docx", docx_bytes()),
        ],
    )
    officer = Client()
    officer.force_login(fresh(cast.grassroots_officer))
    items = [*appeal.attachments.all(), *more.attachments.all()]
    assert len(items) == 3
    for item in items:
        response = officer.get(f"/voice/{item.appeal_id}/files/{item.pk}/")
        body = b"".join(response.streaming_content)
        assert response.status_code == 200 and body
        assert spellings(body) == [], item.name
    # A type that cannot be scrubbed is refused on an anonymous appeal, kept on a signed one.
    legacy = SimpleUploadedFile("旧.doc", b"\xd0\xcf\x11\xe0" + b"Zhang Sanfeng")
    with pytest.raises(ValidationError, match="doc"):
        submit(cast, anonymous=True, title="旧格式", attachments=[legacy])
    legacy.seek(0)
    assert submit(cast, title="旧格式实名", attachments=[legacy]).attachments.count() == 1


def test_the_api_gives_the_code_once_and_logs_no_user(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    user, _ = worker(cast)
    client = Client()
    client.force_login(user)
    payload = {"category": "wage", "title": "API匿名诉求", "content": "通过接口提交的匿名诉求。"}
    with caplog.at_level(logging.INFO, logger="gonghui.request"):
        answer = client.post(
            "/api/voice/appeals", {**payload, "anonymous": True}, content_type="application/json"
        )
    assert answer.status_code == 201
    code = answer.json()["follow_code"]
    appeal = Appeal.objects.get(title="API匿名诉求")
    assert (
        appeal.owner_key == ""
        and appeal.follow_digest == hashlib.sha256(follow_normalize(code).encode()).hexdigest()
    )
    lines = [r.fields for r in caplog.records if r.name == "gonghui.request"]  # type: ignore[attr-defined]
    assert [f["user"] for f in lines if f["path"] == "/api/voice/appeals"] == [None]
    # Not in the member's own list, nor readable by id; by the code, yes.
    assert client.get("/api/voice/appeals").json()["count"] == 0
    assert client.get(f"/api/voice/appeals/{appeal.pk}").status_code == 404
    found = client.post("/api/voice/follow", {"code": code}, content_type="application/json")
    assert found.status_code == 200 and found.json()["follow_code"] == ""
    signed = client.post("/api/voice/appeals", payload, content_type="application/json").json()
    assert signed["follow_code"] == ""
