"""Appeals end to end: submit, accept, transfer through the org directory, refer to a
department, reply, rate, reopen once; the congress hand-off; mailbox letters stay with the
chairman's office; overdue items reach the upper union (to-do, then escalation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import Client
from freezegun import freeze_time

from gonghui.core import registry
from gonghui.core.models import AuditEvent, Notification
from gonghui.core.workflow import history_of
from gonghui.voice import reports, selectors
from gonghui.voice.models import AppealKind, AppealStatus, StepAction
from gonghui.voice.services import appeals as services
from tests.conftest import Cast, fresh
from tests.factories import ensure_seeded, submit, worker

ALL = selectors.AppealFilters()


@pytest.fixture(autouse=True)
def seeded_calendar(db: None) -> None:
    ensure_seeded()


def test_a_members_appeal_lands_at_their_union_and_runs_to_a_rated_reply(cast: Cast) -> None:
    user, member = worker(cast)
    appeal = submit(cast)
    assert appeal.org == cast.grassroots and appeal.channel == "phone"
    assert appeal.member == member and appeal.contact_name == member.name
    officer = fresh(cast.grassroots_officer)
    services.appeal_accept(actor=officer, appeal=appeal, opinion="已受理")
    services.appeal_refer(
        actor=officer, appeal=appeal, department="区人社局劳动监察大队", reason=""
    )
    appeal = services.appeal_reply(actor=officer, appeal=appeal, reply="已督促企业补发加班工资。")
    assert appeal.status == AppealStatus.REPLIED and appeal.on_time
    assert Notification.objects.filter(recipient=user, template="voice.appeal.replied").exists()
    appeal = services.appeal_rate(actor=user, appeal=appeal, rating="unsatisfied", comment="未补足")
    assert appeal.status == AppealStatus.CLOSED
    appeal = services.appeal_reopen(actor=user, appeal=appeal, reason="只补了一个月")
    assert appeal.status == AppealStatus.ACCEPTED and appeal.reopened == 1
    appeal = services.appeal_reply(actor=officer, appeal=appeal, reply="三个月已全部补发。")
    with pytest.raises(ValidationError):
        services.appeal_reopen(actor=user, appeal=appeal, reason="再次")
    actions = list(history_of(appeal).values_list("transition", flat=True))
    assert actions == [
        StepAction.SUBMITTED,
        StepAction.ACCEPTED,
        StepAction.DEPARTMENT,
        StepAction.REPLIED,
        StepAction.RATED,
        StepAction.REOPENED,
        StepAction.REPLIED,
    ]
    # The member sees the whole trail on their own list.
    assert list(selectors.my_appeals(user=user)) == [appeal]


def test_only_the_owner_rates_and_only_the_handling_union_acts(cast: Cast) -> None:
    appeal = submit(cast)
    with pytest.raises(PermissionDenied):  # the town sees it but does not handle it
        services.appeal_accept(actor=fresh(cast.town_officer), appeal=appeal)
    officer = fresh(cast.grassroots_officer)
    services.appeal_accept(actor=officer, appeal=appeal)
    appeal = services.appeal_reply(actor=officer, appeal=appeal, reply="答复意见内容。")
    with pytest.raises(PermissionDenied):
        services.appeal_rate(actor=fresh(cast.member), appeal=appeal, rating="satisfied")


def test_transfer_goes_to_a_union_found_in_the_directory(cast: Cast) -> None:
    appeal = submit(cast)
    officer = fresh(cast.grassroots_officer)
    with pytest.raises(ValidationError):
        services.appeal_transfer(actor=officer, appeal=appeal, to_code="NOPE", reason="x")
    appeal = services.appeal_transfer(
        actor=officer, appeal=appeal, to_code="WEST-G1", reason="属西区企业"
    )
    assert appeal.org == cast.sibling_grassroots and appeal.status == AppealStatus.SUBMITTED
    with pytest.raises(Http404):  # it left the east county's scope
        selectors.appeal_get(viewer=officer, pk=appeal.pk)
    assert selectors.appeal_get(viewer=fresh(cast.sibling_officer), pk=appeal.pk) == appeal


def test_a_congress_motion_arrives_through_the_handoff_registry(cast: Cast) -> None:
    appeal = registry.handoff(
        "voice.appeal.suggestion",
        actor=fresh(cast.grassroots_officer),
        org=cast.grassroots,
        title="建议增设职工食堂夜班供餐",
        content="夜班职工无处就餐，建议食堂增加夜班供餐。",
        member=None,
        source="职代会提案 第3号",
    )
    assert appeal.pk and appeal.get_absolute_url() == f"/voice/{appeal.pk}/"
    assert appeal.category.name == "意见建议" and appeal.channel == "congress"
    assert appeal.source == "职代会提案 第3号"
    assert history_of(appeal).get().transition == StepAction.HANDED_OFF


def test_mailbox_letters_stay_with_the_chairmans_office_upper_levels_see_counts(
    cast: Cast,
) -> None:
    letter = submit(cast, kind=AppealKind.LETTER, title="致主席的一封信")
    assert selectors.appeal_get(viewer=fresh(cast.grassroots_officer), pk=letter.pk) == letter
    town = fresh(cast.town_officer)
    with pytest.raises(Http404):
        selectors.appeal_get(viewer=town, pk=letter.pk)
    assert not selectors.appeal_list(viewer=town, filters=ALL).exists()
    assert reports.appeal_report(viewer=town, filters=ALL).total == 1


def test_an_overdue_appeal_shows_to_the_upper_union_then_passes_to_it(cast: Cast) -> None:
    with freeze_time("2026-11-02 02:00:00"):  # a Monday
        appeal = submit(cast)
    assert appeal.accept_due == dt.date(2026, 11, 5)
    assert appeal.escalate_due == dt.date(2026, 11, 12)
    town, grass = fresh(cast.town_officer), fresh(cast.grassroots_officer)
    with freeze_time("2026-11-06 02:00:00"):  # overdue: on the town's to-do panel
        titles = [str(i.title) for i in registry.todo_items(town)]
        assert any(appeal.number in t and "超期" in t for t in titles), titles
        assert any(appeal.number in str(i.title) for i in registry.todo_items(grass))
        assert services.appeal_escalate_overdue() == 0
    with freeze_time("2026-11-13 02:00:00"):  # past the second deadline: it passes up
        call_command("voice_escalate_overdue")
        appeal.refresh_from_db()
        assert appeal.org == cast.town and appeal.org_path == cast.town.path
        assert appeal.escalations == 1 and appeal.status == AppealStatus.SUBMITTED
        assert appeal.accept_due == dt.date(2026, 11, 18)
        step = history_of(appeal).get(transition=StepAction.ESCALATED)
        assert step.actor is None and cast.town.name in step.reason
        event = AuditEvent.objects.get(action="voice.appeal.escalated")
        assert event.actor is None and event.org_path == cast.town.path
        with pytest.raises(PermissionDenied):
            services.appeal_accept(actor=grass, appeal=appeal)
        services.appeal_accept(actor=town, appeal=appeal)


def test_the_upper_union_may_act_before_the_nightly_task_runs(cast: Cast) -> None:
    with freeze_time("2026-11-02 02:00:00"):
        appeal = submit(cast)
    with freeze_time("2026-11-13 02:00:00"):
        appeal = services.appeal_accept(actor=fresh(cast.town_officer), appeal=appeal)
        assert appeal.org == cast.town and appeal.status == AppealStatus.ACCEPTED


def test_hot_terms_count_each_text_once_and_skip_function_words() -> None:
    texts = ["加班工资拖欠", "加班工资没有发", "食堂饭菜价格高", "加班太多"]
    terms = dict(reports.hot_terms(texts))
    assert terms["加班"] == 3 and terms["工资"] == 2
    assert "没有" not in terms and "食堂" not in terms  # below two mentions


def test_an_overdue_letter_stays_with_the_chairmans_office(cast: Cast) -> None:
    with freeze_time("2026-11-02 02:00:00"):
        letter = submit(cast, kind=AppealKind.LETTER, title="致主席的一封信")
    with freeze_time("2026-11-20 02:00:00"):
        assert services.appeal_escalate_overdue() == 0
        letter = services.appeal_accept(actor=fresh(cast.grassroots_officer), appeal=letter)
        assert letter.org == cast.grassroots


@pytest.mark.parametrize("rating", ["satisfied", "basic"])
def test_a_submitter_who_rated_the_reply_satisfying_cannot_reopen_it(
    cast: Cast, rating: str
) -> None:
    """满意 or 基本满意 settles the matter: the service refuses a reopening, naming the rating,
    and the member's page shows their own rating and comment with no reopening form."""
    user, _ = worker(cast)
    appeal = submit(cast)
    officer = fresh(cast.grassroots_officer)
    services.appeal_accept(actor=officer, appeal=appeal)
    services.appeal_reply(actor=officer, appeal=appeal, reply="已督促企业补发加班工资。")
    appeal = services.appeal_rate(actor=user, appeal=appeal, rating=rating, comment="补发及时")
    with pytest.raises(ValidationError) as refused:
        services.appeal_reopen(actor=user, appeal=appeal, reason="想再问问")
    label = appeal.get_rating_display()
    assert f"您已评价为“{label}”" in str(refused.value)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED and appeal.reopened == 0
    client = Client()
    client.force_login(user)
    page = client.get(f"/m/voice/{appeal.pk}/").content.decode()
    assert "我的评价" in page and label in page and "补发及时" in page
    assert f"/m/voice/{appeal.pk}/reopen/" not in page


def test_an_unsatisfied_submitter_still_sees_the_reopening_form(cast: Cast) -> None:
    user, _ = worker(cast)
    appeal = submit(cast)
    officer = fresh(cast.grassroots_officer)
    services.appeal_accept(actor=officer, appeal=appeal)
    services.appeal_reply(actor=officer, appeal=appeal, reply="已督促企业补发加班工资。")
    services.appeal_rate(actor=user, appeal=appeal, rating="unsatisfied", comment="只补了一个月")
    client = Client()
    client.force_login(user)
    page = client.get(f"/m/voice/{appeal.pk}/").content.decode()
    assert f"/m/voice/{appeal.pk}/reopen/" in page and "只补了一个月" in page


def test_opening_an_appeal_marks_its_notices_read(cast: Cast) -> None:
    """The reply notice points at the appeal's page; opening that page reads it, and only it."""
    user, _ = worker(cast)
    appeal = submit(cast)
    other = submit(cast, title="食堂饭菜涨价")
    officer = fresh(cast.grassroots_officer)
    for row in (appeal, other):
        services.appeal_accept(actor=officer, appeal=row)
        services.appeal_reply(actor=officer, appeal=row, reply="已与食堂协商。")
    replied = Notification.objects.filter(recipient=user, template="voice.appeal.replied")
    assert replied.count() == 2 and not replied.filter(read_at__isnull=False).exists()
    client = Client()
    client.force_login(user)
    assert client.get(f"/m/voice/{appeal.pk}/").status_code == 200
    assert replied.get(url=f"/m/voice/{appeal.pk}/").read_at is not None
    assert replied.get(url=f"/m/voice/{other.pk}/").read_at is None
