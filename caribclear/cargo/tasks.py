"""Background work of the cargo app: each task fetches by id and calls a service."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from caribclear.accounts.models import OrganisationMember

from . import selectors
from .models import Filer, Manifest
from .webhooks import deliver


@task()
def webhook_task(filer_id: int, manifest_id: int, event: str) -> int | None:
    """Send a filing's current answer to its filer's webhook, as one of the filer's users sees it."""
    filer = Filer.objects.filter(pk=filer_id).exclude(webhook_url="").first()
    manifest = Manifest.objects.filter(pk=manifest_id, filer_id=filer_id).first()
    member = (
        OrganisationMember.objects.filter(organisation__cargo_filer=filer_id, is_admin=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if filer is None or manifest is None or member is None:
        return None
    payload = selectors.answer_json(member.user, manifest)
    return deliver(url=filer.webhook_url, secret=filer.webhook_secret, event=event, payload=payload)


def notify_on_commit(filer_id: int, manifest_id: int, event: str) -> None:
    """After commit, queue the manifest's current answer for the filer's webhook (if it has one)."""
    transaction.on_commit(
        lambda: webhook_task.enqueue(filer_id=filer_id, manifest_id=manifest_id, event=event)
    )
