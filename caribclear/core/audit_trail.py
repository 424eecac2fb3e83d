"""The audit trail page's filter and its grouping of what one request did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .audit_actions import action_choices, action_label
from .forms import BoundedDateField
from .models import AuditEvent

DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


def _date(label: Any) -> BoundedDateField:
    return BoundedDateField(
        label=label,
        required=False,
        input_formats=DATE_INPUTS,
        help_text=_("Day/month/year, UTC."),
        widget=forms.TextInput(
            attrs={"placeholder": "31/12/2026", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    who = forms.ChoiceField(label=_("Who"), required=False)
    date_from = _date(_("From"))
    date_to = _date(_("To"))
    record = forms.CharField(label=_("Record id"), required=False, max_length=64)
    request = forms.CharField(label=_("Request id"), required=False, max_length=64)

    def __init__(self, *args: Any, actors: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *action_choices()]  # type: ignore[attr-defined]
        self.fields["who"].choices = [("", _("Anyone")), *actors]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end is before the start."))
        return data

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("who"):
            events = events.filter(actor_id=data["who"])
        if data.get("date_from"):
            events = events.filter(at__gte=_utc_midnight(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(at__lt=_utc_midnight(data["date_to"] + dt.timedelta(days=1)))
        if data.get("record"):
            events = events.filter(object_id=data["record"].strip())
        if data.get("request"):
            events = events.filter(request_id=data["request"].strip())
        return events


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def record_label(object_type: str) -> str:
    """`vessels.person` -> "Person" (the model's name in the reader's language)."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name).capitalize()


@dataclass
class RequestGroup:
    """What one request did: its events, in the order of the trail."""

    request_id: str
    method: str
    path: str
    events: list[Any] = field(default_factory=list)


def group_by_request(events: Iterable[AuditEvent]) -> list[RequestGroup]:
    """Neighbouring events of the same request as one group (an event without a request id alone)."""
    groups: list[RequestGroup] = []
    for event in events:
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
        event.record_label = record_label(event.object_type)  # type: ignore[attr-defined]
        last = groups[-1] if groups else None
        if last is not None and event.request_id and last.request_id == event.request_id:
            last.events.append(event)
        else:
            groups.append(RequestGroup(event.request_id, event.method, event.path, [event]))
    return groups
