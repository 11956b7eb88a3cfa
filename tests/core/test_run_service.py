"""core.views_support.run_service: a service's refusal is a Chinese message on the page, never a
403 page (issue 17.3: one helper where there were four)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from gonghui.assistance.models import CaseStatus
from gonghui.assistance.services import cases as services
from gonghui.core.views_support import run_service
from tests.conftest import Cast, fresh
from tests.factories import apply


def _request() -> Any:
    request: Any = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _texts(request: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_success_shows_the_success_message() -> None:
    request = _request()
    calls: list[int] = []
    assert run_service(request, lambda: calls.append(1), "已办理") is True
    assert calls == [1]
    assert _texts(request) == [("success", "已办理")]


def test_validation_error_shows_every_message_and_no_success() -> None:
    def refuse() -> None:
        raise ValidationError({"amount": ["金额不能为负"], "date": ["日期不能早于申请日"]})

    request = _request()
    assert run_service(request, refuse, "已办理") is False
    assert _texts(request) == [("error", "金额不能为负"), ("error", "日期不能早于申请日")]


def test_permission_refusal_is_a_message_general_or_the_pages_own() -> None:
    def refuse() -> None:
        raise PermissionDenied("assistance.approve")

    request = _request()
    assert run_service(request, refuse, "已办理") is False
    assert _texts(request) == [("error", "您没有办理此项的权限")]
    request = _request()
    assert run_service(request, refuse, "已办理", denied="只有承办工会的干部可以办理") is False
    assert _texts(request) == [("error", "只有承办工会的干部可以办理")]


def test_a_refused_case_step_is_a_message_not_a_403_page(cast: Cast) -> None:
    # The grassroots union may not approve its own case (an upper union approves): the case
    # page's old helper let that PermissionDenied through as a 403 page.
    grass = fresh(cast.grassroots_officer)
    case = apply(cast)
    case = services.case_visit(actor=grass, case=case, opinion="走访")
    case = services.case_review(actor=grass, case=case, passed=True, opinion="同意")
    assert case.publicity_end is not None
    services.case_end_publicity(
        actor=grass, case=case, today=case.publicity_end + dt.timedelta(days=1)
    )
    client = Client()
    client.force_login(grass)
    response = client.post(
        reverse("assistance:step", args=[case.pk, "approve"]), {"opinion": "自批"}, follow=True
    )
    assert response.status_code == 200
    assert "您没有办理此项的权限" in [str(m) for m in response.context["messages"]]
    case.refresh_from_db()
    assert case.status != CaseStatus.ARCHIVED
