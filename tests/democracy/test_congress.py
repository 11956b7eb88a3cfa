"""Congress, delegates, composition rules, sessions and the 2/3 quorum (DOMAIN.md §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.workflow import history_of
from gonghui.democracy.models import CongressKind, SessionState
from gonghui.democracy.services import congress as svc
from gonghui.democracy.services import rules
from tests.conftest import Cast, fresh
from tests.factories import elect, make_congress, officer


def open_session(cast: Cast, delegates: int, present: int):  # type: ignore[no-untyped-def]
    _congress, term = make_congress(cast)
    people = elect(cast, term, delegates)
    actor = officer(cast)
    session = svc.session_create(
        actor=actor, term=term, title="一届三次职代会", scheduled_for=timezone.localdate()
    )
    svc.session_send_materials(actor=actor, session=session)
    for delegate in people[:present]:
        svc.attendance_check_in(actor=actor, session=session, delegate=delegate)
    return actor, session


def test_quorum_90_in_office_60_present_may_sit_and_vote(cast: Cast) -> None:
    actor, session = open_session(cast, 90, 60)
    quorum = svc.session_quorum(session)
    assert (quorum.in_office, quorum.present, quorum.needed, quorum.can_sit) == (90, 60, 60, True)
    assert not svc.session_may_vote(session)  # not open yet
    session = svc.session_open(actor=actor, session=session)
    assert session.state == SessionState.OPEN and session.in_office_at_open == 90
    assert svc.session_may_vote(session)
    svc.session_close(actor=actor, session=session)
    assert not svc.session_may_vote(session)
    states = list(history_of(session).values_list("from_state", "to_state"))
    assert states == [
        ("", "planned"),
        ("planned", "materials_sent"),
        ("materials_sent", "open"),
        ("open", "closed"),
    ]


def test_quorum_90_in_office_59_present_cannot_sit(cast: Cast) -> None:
    actor, session = open_session(cast, 90, 59)
    quorum = svc.session_quorum(session)
    assert (quorum.present, quorum.needed, quorum.can_sit) == (59, 60, False)
    with pytest.raises(ValidationError, match="三分之二"):
        svc.session_open(actor=actor, session=session)
    session.refresh_from_db()
    assert session.state == SessionState.MATERIALS_SENT
    assert not svc.session_may_vote(session)
    assert any("59" in note for note in svc.session_preflight(session))


def test_the_quorum_base_is_fixed_when_the_session_opens(cast: Cast) -> None:
    actor, session = open_session(cast, 90, 60)
    session = svc.session_open(actor=actor, session=session)
    _c, term = make_congress(cast)
    # Delegates leaving office after the opening do not lower the base.
    for delegate in term.delegates.all()[80:]:
        svc.delegate_leave(
            actor=actor, delegate=delegate, left_on=dt.date(2026, 1, 1), reason="调离"
        )
    assert svc.session_quorum(session).in_office == 90


def test_congress_kind_follows_staff_count(cast: Cast) -> None:
    small = svc.congress_create(
        actor=fresh(cast.grassroots_officer), org=cast.grassroots, name="职工大会", staff_count=99
    )
    assert small.kind == CongressKind.GENERAL


def test_a_term_lasts_three_to_five_years(cast: Cast) -> None:
    congress, _term = make_congress(cast)
    with pytest.raises(ValidationError):
        svc.term_create(
            actor=officer(cast),
            congress=congress,
            starts_on=dt.date(2030, 1, 1),
            ends_on=dt.date(2031, 12, 31),
        )


def test_composition_warnings_come_from_the_orgs_rule_set(cast: Cast) -> None:
    _congress, term = make_congress(cast, staff=1000, female=500)
    elect(cast, term, 20, group="frontline", gender="M")
    elect(cast, term, 6, group="management", gender="F")
    elect(cast, term, 4, group="leadership", gender="M")
    report = rules.composition_check(term)
    # National default: at least max(30, 5% of 1000 = 50) delegates.
    assert report.in_office == 30 and report.required == 50
    assert report.rule == "全国默认规则"
    text = "\n".join(report.warnings)
    assert "少于规定的50名" in text
    assert "中层以上管理人员代表10名" in text  # 33.3% > 20%
    assert "女代表6名" in text  # 20% against 50% of staff
    assert "一线" not in text  # 20 of 30 = 66.7% ≥ 50%

    # The county sets looser rules; the grassroots union inherits them.
    rules.rule_save(
        actor=fresh(cast.county_officer),
        org=cast.county,
        min_delegates=30,
        min_staff_pct=3,
        managers_max_pct=35,
        women_gap_max_pct=30,
        frontline_min_pct=70,
    )
    report = rules.composition_check(term)
    assert report.rule == "东区总工会的规则" and report.required == 30
    text = "\n".join(report.warnings)
    assert "一线职工代表20名" in text and "管理人员" not in text and "女代表" not in text
    assert not [w for w in report.warnings if "少于规定" in w]


def test_by_election_keeps_the_history(cast: Cast) -> None:
    _c, term = make_congress(cast)
    actor = officer(cast)
    old = svc.delegate_elect(
        actor=actor,
        term=term,
        name="李强",
        gender="M",
        group="frontline",
        constituency="二车间",
        elected_on=dt.date(2025, 1, 10),
    )
    with pytest.raises(ValidationError):  # 补选 only for a seat whose delegate left
        svc.delegate_elect(
            actor=actor,
            term=term,
            name="王芳",
            gender="F",
            group="frontline",
            constituency="二车间",
            elected_on=dt.date(2026, 3, 1),
            replaces=old,
        )
    old = svc.delegate_leave(actor=actor, delegate=old, left_on=dt.date(2026, 2, 1), reason="退休")
    new = svc.delegate_elect(
        actor=actor,
        term=term,
        name="王芳",
        gender="F",
        group="frontline",
        constituency="二车间",
        elected_on=dt.date(2026, 3, 1),
        replaces=old,
    )
    old.refresh_from_db()
    assert not old.in_office and old.leave_reason == "退休"
    assert new.by_election and new.replaces == old and new.in_office
    assert AuditEvent.objects.filter(action="democracy.delegate.by_elected").count() == 1


def test_checkin_by_qr_code_once(cast: Cast) -> None:
    _c, term = make_congress(cast)
    (delegate,) = elect(cast, term, 1)
    actor = officer(cast)
    session = svc.session_create(
        actor=actor, term=term, title="一届一次", scheduled_for=dt.date(2026, 12, 1)
    )
    token = svc.checkin_token(session, delegate)
    assert svc.checkin_delegate_from_token(session, token) == delegate
    with pytest.raises(ValidationError):
        svc.checkin_delegate_from_token(session, token + "x")
    other = svc.session_create(
        actor=actor, term=term, title="一届二次", scheduled_for=dt.date(2027, 12, 1)
    )
    with pytest.raises(ValidationError):  # a code is good for one session only
        svc.checkin_delegate_from_token(other, token)
    assert svc.checkin_delegate_from_token(session, f" {token.lower()} ") == delegate  # typed
    svc.attendance_check_in(actor=actor, session=session, delegate=delegate, method="qr")
    with pytest.raises(ValidationError, match="已签到"):
        svc.attendance_check_in(actor=actor, session=session, delegate=delegate)


def test_federation_and_sibling_officers_cannot_run_a_session(cast: Cast) -> None:
    _c, term = make_congress(cast)
    with pytest.raises(PermissionDenied):
        svc.session_create(
            actor=fresh(cast.sibling_officer), term=term, title="x", scheduled_for=dt.date.today()
        )


def test_the_api_tells_a_ballot_engine_whether_the_session_may_vote(cast: Cast) -> None:
    from django.test import Client

    actor, session = open_session(cast, 90, 60)
    svc.session_open(actor=actor, session=session)
    client = Client()
    client.force_login(cast.grassroots_officer)
    data = client.get(f"/api/democracy/sessions/{session.pk}").json()
    assert (data["in_office"], data["present"], data["may_vote"]) == (90, 60, True)
    client.force_login(cast.sibling_officer)
    assert client.get(f"/api/democracy/sessions/{session.pk}").status_code == 404


def test_the_live_quorum_follows_delegates_leaving_and_returning(cast: Cast) -> None:
    actor, session = open_session(cast, 90, 60)
    session = svc.session_open(actor=actor, session=session)
    first = session.attendances.first().delegate  # type: ignore[union-attr]
    svc.attendance_leave(actor=actor, session=session, delegate=first)
    assert svc.session_quorum(session).present == 59
    assert not svc.session_may_vote(session)  # the ballot engine must wait
    svc.attendance_check_in(actor=actor, session=session, delegate=first)
    assert svc.session_may_vote(session)


def test_a_term_ending_soon_is_on_the_todo_panel(cast: Cast) -> None:
    from gonghui.core import registry

    congress, _term = make_congress(cast)
    today = timezone.localdate()
    svc.term_create(
        actor=officer(cast),
        congress=congress,
        starts_on=today.replace(year=today.year - 3) - dt.timedelta(days=300),
        ends_on=today + dt.timedelta(days=30),
    )
    titles = [str(i.title) for i in registry.todo_items(officer(cast))]
    assert any("第2届任期将满" in t for t in titles)


def test_the_agenda_is_frozen_once_materials_are_sent(cast: Cast) -> None:
    _c, term = make_congress(cast)
    actor = officer(cast)
    session = svc.session_create(
        actor=actor, term=term, title="一届一次", scheduled_for=dt.date(2026, 12, 1)
    )
    session = svc.session_update(actor=actor, session=session, agenda="一、工作报告")
    assert session.agenda == "一、工作报告"
    svc.session_send_materials(actor=actor, session=session)
    with pytest.raises(ValidationError):
        svc.session_update(actor=actor, session=session, agenda="改")
