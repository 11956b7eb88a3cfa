"""Form helpers shared by every app."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.dateranges import date_bounds, date_range_error

# Digits with an optional fraction: no exponent (1e309), no NaN/Infinity, no spaces inside.
PLAIN_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors by name, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def error_messages(exc: ValidationError) -> list[str]:
    """Flatten a ValidationError into messages for an API response."""
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {m}" if field != NON_FIELD_ERRORS else m
            for field, errors in exc.message_dict.items()
            for m in errors
        ]
    return list(exc.messages)


class AmountField(forms.DecimalField):
    """Money and other amounts typed by people: plain digits with an optional fraction.

    Django's DecimalField accepts ``1e5`` (and turns ``1e309`` into a number no column can
    hold); nobody types an amount that way, so it is refused with a message that says so.
    Defaults: 14 digits with 2 after the point (a money column) and no negative values; a
    field that needs a lower bound other than 0 passes ``min_value``.
    """

    default_error_messages = {
        "invalid": _("请输入数字，如 1200 或 1200.50（不能用科学计数法）"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip()
            if value and not PLAIN_DECIMAL.fullmatch(value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        result: Decimal | None = super().to_python(value)
        return result


class BoundedDateField(forms.DateField):
    """A date typed by people, inside core.dateranges' range (``birth=True`` for birth dates).

    The browser's date picker gets the same range as ``min``/``max``.
    """

    def __init__(self, *, birth: bool = False, **kwargs: Any) -> None:
        self.birth = birth
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput):
            low, high = date_bounds(birth=self.birth)
            attrs.update(min=low.isoformat(), max=high.isoformat())
        return attrs

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, dt.date):
            error = date_range_error(value, birth=self.birth)
            if error:
                raise ValidationError(error, code="date_range")


class BootstrapMixin:
    """Give every widget Bootstrap's classes."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
