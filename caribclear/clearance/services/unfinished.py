"""Drafts kept as typed: a notification form saved before it has a vessel, kind, port and time.

"Save as draft" keeps whatever is filled. A notification needs its port and time to exist (its
reference, administration and the officers' registries come from them), so until then the form is kept
as posted, for its author alone; `notification_create(replaces=...)` removes it when the notification is
made from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record

from ..models import UnfinishedNotification

# What a form keeps: its own fields (and each person's role and document), never the CSRF token.
KEPT_FIELDS_MAX = 2000


def _own(actor: User, unfinished: UnfinishedNotification) -> None:
    if not actor.is_operator or unfinished.account_id != actor.pk:
        raise PermissionDenied


@transaction.atomic
def unfinished_save(
    *,
    actor: User,
    data: Mapping[str, Sequence[str]],
    unfinished: UnfinishedNotification | None = None,
) -> UnfinishedNotification:
    """Keep (or keep again) a notification form exactly as typed."""
    if not actor.is_operator:
        raise PermissionDenied
    kept = {
        str(name): [str(value)[:KEPT_FIELDS_MAX] for value in values]
        for name, values in data.items()
        if name not in {"csrfmiddlewaretoken", "action", "unfinished"}
    }
    if unfinished is None:
        unfinished = UnfinishedNotification(account=actor)
    else:
        _own(actor, unfinished)
    unfinished.data = kept
    unfinished.save()
    audit_record(
        actor=actor, action="notification.unfinished_save", obj=unfinished, summary="draft kept as typed"
    )
    return unfinished


@transaction.atomic
def unfinished_discard(*, actor: User, unfinished: UnfinishedNotification, finished: bool = False) -> None:
    """Remove a kept form: discarded by its author, or made into a notification (`finished`)."""
    _own(actor, unfinished)
    audit_record(
        actor=actor,
        action="notification.unfinished_finish" if finished else "notification.unfinished_discard",
        obj=unfinished,
        summary="made into a notification" if finished else "discarded",
    )
    unfinished.delete()
