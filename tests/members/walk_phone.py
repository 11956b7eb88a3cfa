"""Objects of the other county that tests/test_scoping_walk.py walks (its own leak test)."""

from __future__ import annotations

from tests.conftest import Cast

WALK_MEMBER = "东郊会员丙"
WALK_NOTE = "东郊更正说明丙"
# text of these objects that must never show to the sibling officer
SECRETS: list[str] = [WALK_MEMBER, WALK_NOTE, "东郊更正姓名丙"]


def walk_correction(cast: Cast) -> object:
    """A member of the other county with an account, and their pending correction request."""
    from gonghui.members.models import CorrectionRequest, Member
    from gonghui.members.services.corrections import correction_request
    from tests.factories import make_account, register, resident

    existing = CorrectionRequest.objects.filter(member__name=WALK_MEMBER).first()
    if existing is not None:
        return existing
    member = Member.objects.filter(name=WALK_MEMBER).first() or register(
        cast,
        number=resident("41010519810203003"),
        name=WALK_MEMBER,
        phone="13911113333",
        account=make_account("member", "walk_phone_member"),
    )
    return correction_request(
        actor=member.account, member=member, values={"name": "东郊更正姓名丙"}, note=WALK_NOTE
    )


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    """Route name -> URL parameter -> values, for this app's routes with parameters."""
    pk = str(walk_correction(cast).pk)  # type: ignore[attr-defined]
    return {
        "members_corrections:detail": {"pk": [pk]},
        "members_corrections:decide": {"pk": [pk], "decision": ["approve", "reject"]},
    }
