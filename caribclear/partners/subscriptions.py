"""Taking intelligence in over TAXII: an administration subscribes to a collection of a partner agency's
TAXII 2.1 server, and a queued task polls it with OASIS' `taxii2-client`, as any TAXII consumer would.

Each poll asks for what was added since the last one (`added_after`, kept per subscription): the
collection's manifest first (its `date_added` values give the next mark), then the objects, page by
page. The objects are put in one bundle and taken in by `services.bundle_take_in`, the service an
uploaded bundle goes through (stix2-validator over the whole bundle, one alert per new indicator, one
re-screen after the intake), with the subscription's TLP for unmarked objects and its evaluation of the
source. What each poll did (when, how many alerts, what went wrong) is kept on the subscription for its
page. A poll that fails leaves the mark where it was, so nothing is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any

import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_tasks import task
from taxii2client.common import _HTTPConnection
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Collection, as_pages

from caribclear.accounts.choices import OrganisationKind
from caribclear.accounts.models import Administration, User
from caribclear.core.audit import audit_record
from caribclear.intel.choices import SourceReliability, Tlp

from . import secrets
from .choices import Received, TaxiiAuth
from .models import TaxiiSubscription
from .services import bundle_take_in

logger = logging.getLogger(__name__)

PAGE = 500  # objects asked for per request
TIMEOUT = 30  # seconds for each request to the partner's server
MIN_INTERVAL = 5  # minutes


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class _TimedSession(requests.Session):
    """A session whose requests give up after TIMEOUT seconds (a partner's server that hangs must not
    hold a worker for ever)."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def collection_url(subscription: TaxiiSubscription) -> str:
    return f"{subscription.api_root.rstrip('/')}/collections/{subscription.collection_id}/"


def _collection(subscription: TaxiiSubscription) -> Collection:
    secret = secrets.unseal(subscription.sealed_secret)
    if subscription.auth == TaxiiAuth.BASIC:
        conn = _HTTPConnection(user=subscription.username, password=secret, version="2.1")
    else:
        conn = _HTTPConnection(auth=_Bearer(secret), version="2.1")
    session = _TimedSession()
    session.auth = conn.session.auth
    conn.session = session
    return Collection(collection_url(subscription), conn=conn)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- Writes -----------------------------------------------------------------------------------------


def _clean(
    *,
    source: Administration,
    api_root: str,
    collection_id: str,
    auth: str,
    username: str,
    secret: str,
    unmarked_tlp: str,
    source_reliability: str,
    interval_minutes: int,
) -> None:
    errors: dict[str, str] = {}
    if source.kind != OrganisationKind.PARTNER:
        errors["source"] = _("Choose the partner agency whose server it is.")
    if not api_root.startswith(("https://", "http://")):
        errors["api_root"] = _("Give the address of the API root, starting with https://.")
    if not collection_id.strip():
        errors["collection_id"] = _("Give the collection's id, as the partner's server lists it.")
    if auth not in TaxiiAuth.values:
        errors["auth"] = _("Choose how to sign in.")
    if auth == TaxiiAuth.BASIC and not username.strip():
        errors["username"] = _("Give the user name the partner gave you.")
    if not secret:
        errors["secret"] = _("Give the token or password the partner gave you.")
    if unmarked_tlp not in Tlp.values:
        errors["unmarked_tlp"] = _("Choose a TLP label.")
    if source_reliability not in SourceReliability.values:
        errors["source_reliability"] = _("Choose a source evaluation.")
    if interval_minutes < MIN_INTERVAL:
        errors["interval_minutes"] = _("Poll at most every %(minutes)s minutes.") % {"minutes": MIN_INTERVAL}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def subscription_create(
    *,
    actor: User,
    source: Administration,
    api_root: str,
    collection_id: str,
    auth: str,
    username: str = "",
    secret: str,
    unmarked_tlp: str = Tlp.AMBER,
    source_reliability: str = SourceReliability.UNTESTED,
    interval_minutes: int = 60,
) -> TaxiiSubscription:
    """Subscribe the actor's administration (a supervisor's) to a partner's TAXII collection; the first
    poll is queued at once."""
    if not actor.is_supervisor or actor.administration_id is None:
        raise PermissionDenied
    _clean(
        source=source,
        api_root=api_root,
        collection_id=collection_id,
        auth=auth,
        username=username,
        secret=secret,
        unmarked_tlp=unmarked_tlp,
        source_reliability=source_reliability,
        interval_minutes=interval_minutes,
    )
    subscription = TaxiiSubscription.objects.create(
        administration_id=actor.administration_id,
        source=source,
        api_root=api_root.strip(),
        collection_id=collection_id.strip(),
        auth=auth,
        username=username.strip() if auth == TaxiiAuth.BASIC else "",
        sealed_secret=secrets.seal(secret),
        unmarked_tlp=unmarked_tlp,
        source_reliability=source_reliability,
        interval_minutes=interval_minutes,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="partners.taxii_subscribed",
        obj=subscription,
        summary=f"Subscribed to {collection_url(subscription)} of {source.name}",
    )
    poll_on_commit(subscription.pk)
    return subscription


def subscription_set_active(*, actor: User, subscription: TaxiiSubscription, active: bool) -> None:
    if not actor.is_supervisor or actor.administration_id != subscription.administration_id:
        raise PermissionDenied
    subscription.is_active = active
    subscription.next_poll_at = timezone.now()
    subscription.save(update_fields=["is_active", "next_poll_at"])
    audit_record(
        actor=actor,
        action="partners.taxii_resumed" if active else "partners.taxii_stopped",
        obj=subscription,
        summary=collection_url(subscription),
    )
    if active:
        poll_on_commit(subscription.pk)


# --- Polling ----------------------------------------------------------------------------------------


def _pull(subscription: TaxiiSubscription) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """What the collection added since the subscription's mark: its objects (each version once) and the
    latest `date_added` of its manifest (the next mark; None when nothing was added)."""
    collection = _collection(subscription)
    filters = {"added_after": _stamp(subscription.added_after)} if subscription.added_after else {}
    mark: dt.datetime | None = None
    for page in as_pages(collection.get_manifest, per_request=PAGE, **filters):
        for entry in page.get("objects", []):
            added = parse_datetime(str(entry.get("date_added", "")))
            if added is not None and added.tzinfo is not None and (mark is None or added > mark):
                mark = added
    objects: dict[tuple[str, str], dict[str, Any]] = {}
    if mark is not None:
        for page in as_pages(collection.get_objects, per_request=PAGE, **filters):
            for obj in page.get("objects", []):
                if isinstance(obj, dict) and "id" in obj:
                    objects[(obj["id"], str(obj.get("modified", "")))] = obj
    return list(objects.values()), mark


def subscription_poll(*, subscription_id: int) -> TaxiiSubscription:
    """Poll one subscription now: pull what was added since its mark, take it in, record what happened."""
    subscription = TaxiiSubscription.objects.select_related("source", "created_by").get(pk=subscription_id)
    now = timezone.now()
    count, error, mark = 0, "", subscription.added_after
    try:
        objects, added = _pull(subscription)
        if any(o.get("type") == "indicator" for o in objects):
            bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
            result = bundle_take_in(
                actor=subscription.created_by,
                source=subscription.source,
                content=json.dumps(bundle).encode(),
                via=Received.TAXII,
                unmarked_tlp=subscription.unmarked_tlp,
                reliability=subscription.source_reliability,
            )
            count = len(result.created)
            if result.problems:
                error = _("The partner's objects were refused: %(problems)s") % {
                    "problems": "; ".join(result.problems[:20])
                }
        if not error and added is not None:
            mark = added
    except PermissionDenied:
        error = _("%(email)s, who set up this subscription, may no longer take intelligence in.") % {
            "email": subscription.created_by.email
        }
    except ValidationError as failure:
        error = " ".join(failure.messages)
    except (requests.RequestException, TAXIIServiceException, ValueError) as failure:
        error = _("The partner's server could not be read: %(error)s") % {"error": failure}
    if error:
        logger.warning("TAXII subscription %s: %s", subscription.pk, error)
    TaxiiSubscription.objects.filter(pk=subscription.pk).update(
        last_polled_at=now,
        last_count=count,
        last_error=error,
        added_after=mark,
        next_poll_at=now + dt.timedelta(minutes=subscription.interval_minutes),
    )
    subscription.refresh_from_db()
    return subscription


@task()
def subscription_poll_task(subscription_id: int, scheduled: bool = False) -> int:
    """Poll a subscription and queue its next poll (the queue is the schedule: each poll queues the next,
    to run after the subscription's interval). A scheduled poll that finds the subscription stopped, or
    already polled since (someone asked for a poll in between), does nothing and queues nothing, so one
    chain of polls is left per subscription."""
    subscription = TaxiiSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None or not subscription.is_active:
        return 0
    if scheduled and subscription.next_poll_at > timezone.now():
        return 0
    polled = subscription_poll(subscription_id=subscription_id)
    if subscription_poll_task.get_backend().supports_defer:
        subscription_poll_task.using(run_after=polled.next_poll_at).enqueue(
            subscription_id=subscription_id, scheduled=True
        )
    return polled.last_count


def poll_on_commit(subscription_id: int) -> None:
    """Queue a poll of the subscription now, once the current transaction commits."""
    transaction.on_commit(lambda: subscription_poll_task.enqueue(subscription_id=subscription_id))
