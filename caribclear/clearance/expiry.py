"""One definition of an expired travel document, for every page that flags one.

A travel document is expired for a voyage if it expires on or before the day of the voyage: the day of
arrival for an arrival, of departure for a departure, in the port's own calendar (a passport that
expires on the day the craft arrives is not valid to enter on). The operator's warning, the officer's
page and the API all ask `document_expired`, so operator and officer always see the same.
"""

from __future__ import annotations

import datetime as dt

from caribclear.reference.models import Port
from caribclear.reference.timezones import port_zone

from .models import Notification, NotificationPerson


def travel_day(expected_at: dt.datetime, port: Port) -> dt.date:
    """The day of arrival or departure in the port's calendar."""
    return expected_at.astimezone(port_zone(port)).date()


def document_expired(expiry_date: dt.date, day: dt.date) -> bool:
    """Whether a document that expires on `expiry_date` is expired on `day` (the day of travel)."""
    return expiry_date <= day


def expired_on_board(notification: Notification) -> list[NotificationPerson]:
    """The people on board whose travel document is expired on the day of the voyage (prefetch
    `people_on_board` with person and document for lists; otherwise they are read here)."""
    day = travel_day(notification.expected_at, notification.port)
    rows = notification.people_on_board.all()
    if "people_on_board" not in getattr(notification, "_prefetched_objects_cache", {}):
        rows = rows.select_related("person", "document").order_by("pk")
    return [row for row in rows if document_expired(row.document.expiry_date, day)]
