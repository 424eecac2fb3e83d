"""Who may see notifications and what hangs off them.

- "view" (the whole record): the operator account that filed it (drafts included); officials of the
  administration it is filed to (not drafts). Nobody else.
- "documents": the same, once cleared (certificates and crew lists).
- "summary": every official, of every non-draft notification, as voyage history and counts only
  (date, port, administration, kind, status): callers must read these with `.values()` of
  `SUMMARY_FIELDS` or aggregate them, never show the record.
- "verify": anyone, a non-draft notification by its certificate's unguessable token (the public
  verification page, which shows no personal data).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import (
    VIEW,
    administration_id,
    is_official,
    is_operator,
    register,
    visible,
)

from .choices import Status
from .models import (
    AgencyClearance,
    Notification,
    NotificationPerson,
    NotificationVersion,
    UnfinishedNotification,
)

DOCUMENTS = "documents"
SUMMARY = "summary"
VERIFY = "verify"

# What any official may see of another administration's notification.
SUMMARY_FIELDS = (
    "expected_at",
    "port__name",
    "port__locode",
    "administration_id",
    "administration__name",
    "kind",
    "status",
    "reference",  # shown only to the reader's own administration (see officer_selectors._record)
)


@register(Notification, actions=(VIEW, DOCUMENTS, SUMMARY, VERIFY))
def notifications(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if action == VERIFY:
        return qs.exclude(status=Status.DRAFT)
    if action == SUMMARY:
        return qs.exclude(status=Status.DRAFT) if is_official(reader) else qs.none()
    if is_operator(reader):
        qs = qs.filter(account_id=reader.pk)
    elif is_official(reader):
        qs = qs.filter(administration_id=administration_id(reader)).exclude(status=Status.DRAFT)
    else:
        return qs.none()
    return qs.filter(status=Status.CLEARED) if action == DOCUMENTS else qs


@register(NotificationPerson, actions=(VIEW, SUMMARY))
def people_on_board(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """People on board of the notifications the reader may see (for "summary": voyage history)."""
    if action == SUMMARY:
        return qs.exclude(notification__status=Status.DRAFT) if is_official(reader) else qs.none()
    return qs.filter(notification__in=visible(reader, Notification).values("pk"))


@register(NotificationVersion)
@register(AgencyClearance)
def parts_of_notification(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(notification__in=visible(reader, Notification).values("pk"))


@register(UnfinishedNotification)
def unfinished_notifications(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """A form kept as typed is its author's alone: no official sees it."""
    return qs.filter(account_id=reader.pk) if is_operator(reader) else qs.none()
