"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
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
