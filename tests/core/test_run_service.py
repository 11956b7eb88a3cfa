"""core.views_support.run_service and submit_form: a service's refusal is a Chinese message on the
page (on the form, for submit_form), never a 403 page (issue 17.3: one helper where there were
four, and one form-bound helper where 39 pages each wrote their own try/except)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from gonghui.assistance.models import CaseStatus
from gonghui.assistance.services import cases as services
from gonghui.core.scoping import ExplainedRefusal
from gonghui.core.views_support import Done, run_service, submit_form
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


class _AmountForm(forms.Form):
    amount = forms.IntegerField()
    note = forms.CharField(required=False)


def _bound_form() -> _AmountForm:
    form = _AmountForm({"amount": "5", "note": "备注"})
    assert form.is_valid()
    return form


def test_submit_form_returns_the_result_and_shows_a_message_made_from_it() -> None:
    request, form = _request(), _bound_form()
    done = submit_form(request, form, lambda: 42, lambda n: f"已登记 {n} 号")
    assert done == Done(42)
    assert _texts(request) == [("success", "已登记 42 号")]
    assert form.errors == {}
    # A service that returns nothing still counts as done (None is a result, not a refusal).
    assert submit_form(_request(), _bound_form(), lambda: None) == Done(None)


def test_submit_form_binds_a_validation_error_to_its_fields_and_keeps_the_input() -> None:
    def refuse() -> None:
        raise ValidationError({"amount": ["金额超过可用余额"], "elsewhere": ["材料不全"]})

    request, form = _request(), _bound_form()
    assert submit_form(request, form, refuse, "已办理") is None
    assert form.errors["amount"] == ["金额超过可用余额"]
    assert form.non_field_errors() == ["材料不全"]  # a key the form does not have goes on top
    assert form["note"].value() == "备注"
    assert _texts(request) == []  # no success message, and no message outside the form


def test_submit_form_shows_a_permission_refusal_on_the_form_not_as_a_403() -> None:
    def refuse() -> None:
        raise PermissionDenied("members.register")

    form = _bound_form()
    assert (
        submit_form(_request(), form, refuse, denied="无权在该工会登记", denied_field="amount")
        is None
    )
    assert form.errors["amount"] == ["无权在该工会登记"]
    form = _bound_form()
    assert submit_form(_request(), form, refuse) is None
    assert form.non_field_errors() == ["您没有办理此项的权限"]  # never the capability code


def test_an_explained_refusal_shows_its_own_sentence_on_both_helpers() -> None:
    def refuse() -> None:
        raise ExplainedRefusal("不能授予本人不具备的权限：主席")

    form = _bound_form()
    assert submit_form(_request(), form, refuse, denied="通用", denied_field="note") is None
    assert form.errors["note"] == ["不能授予本人不具备的权限：主席"]
    request = _request()
    assert run_service(request, refuse, "已办理", denied="通用") is False
    assert _texts(request) == [("error", "不能授予本人不具备的权限：主席")]


def test_submit_form_runs_nothing_on_a_get_or_an_invalid_form() -> None:
    calls: list[int] = []
    get: Any = RequestFactory().get("/")
    assert submit_form(get, _bound_form(), lambda: calls.append(1)) is None
    invalid = _AmountForm({"amount": "五"})
    assert submit_form(_request(), invalid, lambda: calls.append(1)) is None
    assert calls == []
    assert "amount" in invalid.errors  # the form's own error stays for the page to show
