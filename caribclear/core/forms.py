"""Helpers for forms that describe themselves (e.g. a sharing form's summary of who will see a record)."""

from __future__ import annotations

from typing import Any

from django import forms


def bound_value(field: forms.BoundField) -> Any:
    """What a field holds now: its cleaned value once the form is checked (None when it did not clean),
    else its initial value."""
    form = field.form
    if form.is_bound:
        form.errors  # noqa: B018 - checks the form once, if nobody did yet
        return getattr(form, "cleaned_data", {}).get(field.name)
    return form.get_initial_for_field(field.field, field.name)


def bound_objects(field: forms.BoundField) -> list[Any]:
    value = bound_value(field) or []
    queryset = field.field.queryset  # type: ignore[attr-defined]
    if value and not hasattr(next(iter(value)), "pk"):
        value = queryset.filter(pk__in=[getattr(v, "pk", v) for v in value])
    return sorted(value, key=str)
