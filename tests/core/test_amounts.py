"""Decimal inputs (issue 16 item 9): plain digits only, finite, not negative where that makes no
sense, within the column's digits — in the forms (core.forms.AmountField) and the API
(core.api_schemas.Amount)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from gonghui.assistance.forms import ApplyForm
from gonghui.benefits.forms import OfferForm
from tests.conftest import Cast


@pytest.mark.parametrize("text", ["1e5", "1e309", "NaN", "Infinity", "-Infinity", "1 000", "0x10"])
def test_amount_field_refuses_what_is_not_plain_digits(text: str) -> None:
    from gonghui.core.forms import AmountField

    field = AmountField(label="金额")
    with pytest.raises(Exception) as caught:
        field.clean(text)
    assert "科学计数法" in " ".join(caught.value.messages)  # type: ignore[attr-defined]


def test_amount_field_refuses_negatives_and_too_many_digits() -> None:
    from gonghui.core.forms import AmountField

    field = AmountField(label="金额", max_digits=10)
    assert field.clean(" 1200.50 ") == Decimal("1200.50")
    for text in ("-1", "123456789012", "1.005"):
        with pytest.raises(Exception):  # noqa: B017 - Django's ValidationError
            field.clean(text)


def test_forms_that_took_exponents_and_negatives_refuse_them() -> None:
    """The hardship application took 1e5; the offer form took a negative budget."""
    application = ApplyForm(data={"annual_income": "1e5"})
    application.is_valid()
    assert "annual_income" in application.errors
    offer = OfferForm(data={"budget": "-100", "min_bill": "-1", "value": "-5"})
    offer.is_valid()
    assert {"budget", "min_bill", "value"} <= set(offer.errors)


@pytest.mark.parametrize(
    "body",
    [
        '{"org": "EAST-G1", "household_size": 3, "annual_income": 1e309}',
        '{"org": "EAST-G1", "household_size": 3, "annual_income": "1e309"}',
        '{"org": "EAST-G1", "household_size": 3, "annual_income": "1e3"}',
        '{"org": "EAST-G1", "household_size": 3, "annual_income": "NaN"}',
        '{"org": "EAST-G1", "household_size": 3, "annual_income": -60000}',
        '{"org": "EAST-G1", "household_size": 3, "annual_income": 60000, "rigid": -1}',
    ],
)
def test_identify_api_answers_422_not_500(cast: Cast, body: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.grassroots_officer)
    response = client.post("/api/assistance/identify", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert any(m.startswith(("annual_income", "rigid")) for m in response.json()["detail"])


def test_identify_api_still_takes_numbers_and_strings(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.grassroots_officer)
    for income in ("60000", 60000, 60000.0, "60000.00"):
        body = {"org": "EAST-G1", "household_size": 3, "annual_income": income}
        response = client.post("/api/assistance/identify", body, content_type="application/json")
        assert response.status_code == 200, response.content
