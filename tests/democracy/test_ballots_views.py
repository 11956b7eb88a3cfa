"""Ballot pages: an officer runs a ballot end to end, delegates vote on the phone, and no page
links a voter to a choice."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from gonghui.core.audit import AuditEvent
from gonghui.democracy.models import Ballot, BallotState, SealedCast, VoterSlot
from gonghui.democracy.selectors.ballot_results import decision_result
from tests.conftest import Cast
from tests.factories import TELLERS, open_session, voter


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_officer_runs_a_ballot_and_delegates_vote_by_phone(cast: Cast) -> None:
    session, seats = open_session(cast, in_office=5)
    office = _client(cast.grassroots_officer)
    response = office.post(
        reverse("democracy:ballot_create", args=[session.pk]),
        {"kind": "decision", "title": "关于职工福利方案", "seats": 1, "pass_rule": ""},
    )
    ballot = Ballot.objects.get(title="关于职工福利方案")
    assert response.status_code == 302
    detail = reverse("democracy:ballot_detail", args=[ballot.pk])
    assert "名单尚未确定" in office.get(detail).content.decode()
    office.post(
        reverse("democracy:ballot_tellers", args=[ballot.pk]),
        {"names": "\n".join(TELLERS), "needed": 2},
    )
    office.post(reverse("democracy:ballot_action", args=[ballot.pk, "freeze"]))
    opening = office.post(reverse("democracy:ballot_open", args=[ballot.pk]))
    ballot.refresh_from_db()
    assert ballot.state == BallotState.OPEN and ballot.slots.count() == 5
    # The key ceremony: each teller's share, shown in this answer only, with the fingerprint.
    assert opening.status_code == 200 and opening["Cache-Control"] == "no-store"
    shares = [share for _teller, share in opening.context["shares"]]
    sheet = opening.content.decode()
    assert len(shares) == 3 and all(share in sheet for share in shares)
    assert ballot.fingerprint in sheet
    again = office.get(detail).content.decode()
    assert ballot.fingerprint in again and not any(share in again for share in shares)

    phones = [_client(voter(cast, seat)) for seat in seats[:3]]
    vote_url = reverse("democracy_m:ballot", args=[ballot.pk])
    codes = []
    for phone, choice in zip(phones, ["Y", "N", "Y"], strict=True):
        assert "投票" in phone.get(vote_url).content.decode()
        answer = phone.post(vote_url, {"choice": choice})
        assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
        code = answer.context["code"]
        assert code in answer.content.decode()
        codes.append(code)
        # Shown once: the next visit says only "voted".
        again = phone.get(vote_url).content.decode()
        assert code not in again and "您已投票" in again
    # A second vote is refused.
    phones[0].post(vote_url, {"choice": "N"})
    assert SealedCast.objects.filter(ballot=ballot).count() == 3
    # Officers see who voted, no choice and no result while open.
    page = office.get(detail).content.decode()
    assert "已投 3 / 5" in page and "监票人计票前不显示结果" in page
    assert not any(code in page for code in codes)

    # Paper: two delegates hand in paper ballots.
    paper = reverse("democracy:ballot_paper", args=[ballot.pk])
    marked = VoterSlot.objects.filter(ballot=ballot, delegate__in=seats[3:5])
    office.post(paper, {"form": "mark", "voters": [str(s.pk) for s in marked]})
    office.post(reverse("democracy:ballot_action", args=[ballot.pk, "close"]))
    office.post(
        paper,
        {
            "form": "tally",
            "returned": 2,
            "invalid": 0,
            "scrutineers": "张监票",
            "counters": "李计票",
            "signed_off": "on",
            "n_Y_": 1,
            "n_N_": 1,
            "n_A_": 0,
        },
    )
    # The paper counts are sealed: the page says they were entered, not what they are.
    entered = office.get(paper).content.decode()
    assert "已录入" in entered
    # The tally: a mistyped share, another ballot's share and too few shares are refused in
    # Chinese; two right shares tally.
    tally = reverse("democracy:ballot_tally", args=[ballot.pk])
    assert office.get(tally).status_code == 200
    typo = shares[0][:-1] + ("A" if shares[0][-1] != "A" else "B")
    answer = office.post(tally, {"share_1": typo, "share_2": shares[1]}).content.decode()
    assert "第1栏的份额有误" in answer
    answer = office.post(tally, {"share_1": shares[0]}).content.decode()
    assert "须有2名监票人" in answer
    ballot.refresh_from_db()
    assert ballot.state == BallotState.CLOSED
    office.post(tally, {"share_1": shares[0], "share_3": shares[2]})
    office.post(reverse("democracy:ballot_action", args=[ballot.pk, "publish"]))
    ballot.refresh_from_db()
    assert ballot.published_at is not None and ballot.state == BallotState.PUBLISHED
    page = office.get(detail).content.decode()
    # 5 in office, 过半数 needs 3: Y = 2 phone + 1 paper = 3.
    assert "通过" in page and "须3票" in page
    result = decision_result(Ballot.objects.get(pk=ballot.pk))
    assert (result.needed, result.passed) == (3, True)
    assert {r.option.code: r.votes for r in result.rows} == {"Y": 3, "N": 2, "A": 0}
    assert (result.turnout.phone, result.turnout.paper) == (3, 2)
    sheet = office.get(reverse("democracy:ballot_sheet", args=[ballot.pk])).content.decode()
    assert "张监票" in sheet and ballot.published_hash in sheet

    published = reverse("democracy_m:ballot_published", args=[ballot.pk])
    check = phones[1].post(published, {"code": codes[1]}).content.decode()
    assert "已计入" in check
    assert "没有这个回执码" in phones[1].post(published, {"code": "ZZZZ"}).content.decode()
    # The published page shows totals and trackers, not a choice per voter.
    shown = phones[1].get(published).content.decode()
    assert ballot.published_hash in shown and "选票内容" not in shown

    # The audit rows say who voted, with no choice and no receipt.
    for event in AuditEvent.objects.filter(target_id=str(ballot.pk)):
        text = f"{event.before} {event.after}"
        assert not any(code in text for code in codes)
        assert "'Y'" not in text and "'N'" not in text


def test_rule_and_list_pages(cast: Cast) -> None:
    office = _client(cast.grassroots_officer)
    assert office.get(reverse("democracy:ballot_list")).status_code == 200
    rule = reverse("democracy:ballot_rule")
    assert office.get(rule).status_code == 200
    office.post(
        rule,
        {
            "decision_rule": "at_least_half",
            "election_rule": "more_than_half",
            "min_surplus_pct": 20,
            "appraisal_threshold_pct": 85,
        },
    )
    session, _s = open_session(cast, in_office=3)
    from gonghui.democracy.services.ballots import ballot_create
    from tests.factories import officer

    ballot = ballot_create(actor=officer(cast), session=session, kind="decision", title="事项")
    assert ballot.pass_rule == "at_least_half"


def test_non_delegate_sees_no_ballot(cast: Cast) -> None:
    session, _seats = open_session(cast, in_office=3)
    from gonghui.democracy.services.ballots import ballot_create
    from tests.factories import officer

    ballot = ballot_create(actor=officer(cast), session=session, kind="decision", title="事项")
    from tests.factories import open_ballot

    open_ballot(officer(cast), ballot)
    member = _client(cast.member)
    assert member.get(reverse("democracy_m:ballot", args=[ballot.pk])).status_code == 404
    assert (
        member.post(reverse("democracy_m:ballot", args=[ballot.pk]), {"choice": "Y"}).status_code
        == 404
    )
    assert "事项" not in member.get(reverse("democracy_m:ballots")).content.decode()


def test_a_members_assembly_ballot_from_the_officer_page_to_a_member_phone(cast: Cast) -> None:
    """会员大会: created on the org's page, voted on by a member who is no delegate."""
    from tests.factories import make_account, register, resident

    member = register(cast, number=resident("41010519850101123"), name="普通会员", phone="")
    member.account = make_account("member", "plain_member")
    member.save(update_fields=["account"])
    office = _client(cast.grassroots_officer)
    page = office.get(reverse("democracy:ballot_create_org"))
    assert page.status_code == 200 and "投票人范围" in page.content.decode()
    missing = office.post(
        reverse("democracy:ballot_create_org"),
        {"electorate": "staff", "kind": "decision", "title": "职工大会表决", "seats": 1},
    )
    assert "覆盖的用人单位" in missing.content.decode()
    office.post(
        reverse("democracy:ballot_create_org"),
        {"electorate": "members", "kind": "decision", "title": "会员大会表决", "seats": 1},
    )
    ballot = Ballot.objects.get(title="会员大会表决")
    assert ballot.electorate == "members" and ballot.session_id is None
    office.post(
        reverse("democracy:ballot_tellers", args=[ballot.pk]),
        {"names": "\n".join(TELLERS), "needed": 2},
    )
    office.post(reverse("democracy:ballot_action", args=[ballot.pk, "freeze"]))
    assert office.post(reverse("democracy:ballot_open", args=[ballot.pk])).status_code == 200
    phone = _client(member.account)
    home = phone.get(reverse("democracy_m:home")).content.decode()
    assert "会员大会表决" in home
    answer = phone.post(reverse("democracy_m:ballot", args=[ballot.pk]), {"choice": "Y"})
    assert "投票成功" in answer.content.decode()
    assert VoterSlot.objects.get(ballot=ballot, member=member).voted
