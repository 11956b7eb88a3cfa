"""DESIGN.md rule 2: an anonymous appeal shows no identity — name, phone, ID number, member id,
account name — on any page, export, API answer or audit row; its submitter still follows it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gonghui.core.crypto import mask_id_number, mask_phone
from gonghui.core.exporting import rows_to_bytes
from gonghui.core.models import AuditEvent, Notification
from gonghui.core.workflow import history_of
from gonghui.voice.models import Appeal
from gonghui.voice.reports import AppealExporter
from gonghui.voice.services import appeals as services
from gonghui.voice.services.identity import follow_digest
from tests.conftest import Cast, fresh
from tests.factories import (
    WORKER_ID,
    WORKER_LOGIN,
    WORKER_NAME,
    WORKER_PHONE,
    ensure_seeded,
    pdf_bytes,
    submit,
    worker,
)


@pytest.fixture(autouse=True)
def seeded_calendar(db: None) -> None:
    ensure_seeded()


def identity(cast: Cast) -> list[str]:
    worker(cast)
    return [
        WORKER_NAME,
        WORKER_PHONE,
        mask_phone(WORKER_PHONE),
        WORKER_ID,
        mask_id_number(WORKER_ID),
        WORKER_LOGIN,
    ]


def leaks(text: str, cast: Cast) -> list[str]:
    return [s for s in identity(cast) if s in text]


def run_through(cast: Cast) -> Appeal:
    """Submitted anonymously, handled, replied, rated and reopened by its submitter."""
    worker(cast)
    appeal = submit(
        cast, anonymous=True, title="班组长克扣绩效", content="班组长按个人好恶克扣绩效奖金。"
    )
    officer = fresh(cast.grassroots_officer)
    services.appeal_accept(actor=officer, appeal=appeal)
    services.appeal_reply(actor=officer, appeal=appeal, reply="已约谈车间负责人并纠正。")
    code = appeal.follow_code
    services.appeal_rate(actor=None, appeal=appeal, rating="unsatisfied", code=code)
    appeal = services.appeal_reopen(actor=None, appeal=appeal, reason="仍未纠正", code=code)
    appeal.follow_code = code
    return appeal


def test_nothing_stored_with_the_appeal_names_its_submitter(cast: Cast) -> None:
    _, member = worker(cast)
    appeal = run_through(cast)
    assert appeal.member is None and appeal.contact_name == "" and appeal.contact_phone == ""
    # No per-person value: no owner link, only the hash of the random 查询码.
    assert appeal.owner_key == "" and appeal.follow_digest == follow_digest(appeal.follow_code)
    assert not history_of(appeal).filter(actor=member.account).exists()
    assert (
        not Notification.objects.filter(recipient=member.account)
        .filter(template__startswith="voice.")
        .exists()
    )


def test_audit_rows_of_an_anonymous_appeal_keep_no_submitter(cast: Cast) -> None:
    _, member = worker(cast)
    appeal = run_through(cast)
    events = AuditEvent.objects.filter(target_type="voice.appeal", target_id=str(appeal.pk))
    own = events.filter(
        action__in=["voice.appeal.submitted", "voice.appeal.rated", "voice.appeal.reopened"]
    )
    assert own.count() == 3
    for event in own:
        assert event.actor is None and event.actor_label == "" and event.ip is None
    for event in events:
        text = json.dumps(
            [event.actor_label, event.target_label, event.before, event.after], ensure_ascii=False
        )
        assert not leaks(text, cast), text
        assert str(member.pk) not in (event.after or {}).values()


@pytest.mark.parametrize("who", ["grassroots_officer", "town_officer", "province_officer"])
def test_no_officer_page_export_or_api_shows_the_submitter(cast: Cast, who: str) -> None:
    appeal = run_through(cast)
    services.appeal_reply(
        actor=fresh(cast.grassroots_officer), appeal=appeal, reply="再次答复：已纠正。"
    )
    officer = fresh(getattr(cast, who))
    client = Client()
    client.force_login(officer)
    pages = [
        "/voice/",
        f"/voice/?q={appeal.title}",
        f"/voice/{appeal.pk}/",
        f"/voice/{appeal.pk}/letter/",
        "/voice/report/",
        f"/api/voice/appeals/{appeal.pk}",
        "/api/voice/appeals",
        "/voice/?format=csv",
        "/audit/?action=voice.",
    ]
    for url in pages:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8", "replace")
        if url.startswith(f"/voice/{appeal.pk}/") or url.startswith("/api/voice/appeals/"):
            assert response.status_code == 200, url
        assert not leaks(body, cast), (url, leaks(body, cast))
    detail = client.get(f"/api/voice/appeals/{appeal.pk}").json()
    assert detail["submitter"] == "匿名" and detail["anonymous"] is True
    assert not [k for k in detail if "member" in k or "owner" in k or "contact" in k]
    step_fields = {"action", "action_label", "org_name", "actor_label", "opinion", "at"}
    assert all(set(step) == step_fields for step in detail["steps"])
    xlsx = rows_to_bytes(AppealExporter(viewer=officer), "csv").decode("utf-8-sig")
    assert appeal.number in xlsx and not leaks(xlsx, cast)


def test_the_submitter_still_follows_their_anonymous_appeal_by_its_code(cast: Cast) -> None:
    user, _ = worker(cast)
    appeal = run_through(cast)
    client = Client()
    client.force_login(user)
    # Not by the account: it is not among "my appeals", its page is not theirs.
    assert appeal.title not in client.get("/m/voice/").content.decode()
    assert client.get(f"/m/voice/{appeal.pk}/").status_code == 404
    assert client.get("/api/voice/appeals").json()["count"] == 0
    page = client.post("/m/voice/follow/", {"code": appeal.follow_code}).content.decode()
    assert "仍未纠正" in page and "已约谈车间负责人并纠正" in page
    api = client.post(
        "/api/voice/follow", {"code": appeal.follow_code}, content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["number"] == appeal.number
    # A wrong code finds nothing.
    wrong = client.post("/m/voice/follow/", {"code": "0000-0000-0000-0000"}).content.decode()
    assert "查询码不正确" in wrong and appeal.title not in wrong


def test_an_anonymous_upload_keeps_no_name_in_file_or_path(cast: Cast, settings: object) -> None:
    import tempfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tempfile.mkdtemp()  # type: ignore[attr-defined]
    user, _ = worker(cast)
    client = Client()
    client.force_login(user)
    response = client.post(
        "/m/voice/new/",
        {
            "kind": "appeal",
            "category": services.category_get("wage").pk,
            "title": "工资条有误",
            "content": "工资条上的加班时长少算了十个小时。",
            "anonymous": "on",
            "attachment": SimpleUploadedFile(f"{WORKER_NAME}的工资条.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 200 and "查询码" in response.content.decode()
    appeal = Appeal.objects.get(title="工资条有误")
    item = appeal.attachments.get()
    assert item.name == "附件1.pdf" and WORKER_NAME not in item.file.name
    officer = Client()
    officer.force_login(fresh(cast.grassroots_officer))
    page = officer.get(f"/voice/{appeal.pk}/").content.decode()
    assert "附件1.pdf" in page and not leaks(page, cast)
    download = officer.get(f"/voice/{appeal.pk}/files/{item.pk}/")
    assert download.status_code == 200 and WORKER_NAME not in download["Content-Disposition"]


def test_the_submitter_still_finds_a_signed_appeal_after_a_key_rotation(cast: Cast) -> None:
    """Rule 3 (keys rotate): the owner's keyed hash of a signed appeal follows the new key."""
    import base64
    import os

    from django.conf import settings
    from django.test import override_settings

    from gonghui.core import crypto
    from gonghui.core.keys import rotate_all
    from gonghui.voice.selectors import my_appeals

    appeal = submit(cast, anonymous=False)
    user, _ = worker(cast)
    old = settings.GONGHUI_PII_KEY
    new = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with override_settings(GONGHUI_PII_KEY=new, GONGHUI_PII_OLD_KEYS=[old]):
        crypto.reset_keyring()
        assert not my_appeals(user=user).exists()  # the hash still carries the old key
        done = rotate_all(batch=50)
        assert done["voice.owner"] == 1
        assert list(my_appeals(user=user)) == [appeal]
    crypto.reset_keyring()
