"""Small builders for clearance tests: vessels, people with travel documents, notifications.

Notifications are created directly with the ORM (no operator services), in whatever status a test needs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from caribclear.accounts.models import User
from caribclear.core.models import Declaration
from caribclear.core.refs import new_reference
from caribclear.reference.models import Port
from caribclear.screening.services import declaration_screen
from caribclear.vessels.models import Person, TravelDocument, Vessel

from ..choices import Decision, Kind, PersonRole, Status
from ..declaration import notification_declaration_sync
from ..models import AgencyClearance, Notification, NotificationPerson

_counter = itertools.count(1)


def vessel_make(*, account: User, **fields: Any) -> Vessel:
    n = next(_counter)
    defaults: dict[str, Any] = {
        "name": f"Sea Breeze {n}",
        "vessel_type": "sailing_yacht",
        "flag": "GB",
        "registration_number": f"REG{n:05d}",
        "port_of_registry": "Southampton",
        "mmsi": f"{232000000 + n:09d}",
        "length_m": Decimal("12.50"),
        "owner_name": "Owner Example",
    }
    defaults.update(fields)
    return Vessel.objects.create(account=account, **defaults)


def person_make(
    *,
    account: User,
    surname: str = "",
    given_names: str = "Alex",
    nationality: str = "GB",
    document_number: str = "",
    issuing_state: str = "",
    expiry_date: dt.date | None = None,
) -> tuple[Person, TravelDocument]:
    n = next(_counter)
    person = Person.objects.create(
        account=account,
        surname=surname or f"Sailor{n}",
        given_names=given_names,
        sex="F",
        date_of_birth=dt.date(1980, 1, 1 + n % 28),
        nationality=nationality,
    )
    document = TravelDocument.objects.create(
        person=person,
        number=document_number or f"P{n:08d}",
        issuing_state=issuing_state or nationality,
        expiry_date=expiry_date or (timezone.localdate() + dt.timedelta(days=3650)),
    )
    return person, document


def notification_make(
    *,
    account: User,
    vessel: Vessel,
    port: Port | str,
    kind: str = Kind.ARRIVAL,
    status: str = Status.SUBMITTED,
    expected_at: dt.datetime | None = None,
    people: list[tuple[Person, TravelDocument]] | None = None,
    screened: bool = False,
    **fields: Any,
) -> Notification:
    """A notification at a port (Port or UN/LOCODE); the first person given is the master. Filed ones
    (any status but draft) have their declaration, as filing makes it; ``screened`` screens it too (as
    filing's background job does), so officers may clear it."""
    if isinstance(port, str):
        port = Port.objects.get(locode=port)
    assert port.administration_id is not None, "a notification is filed at a member's port of entry"
    now = timezone.now()
    notification = Notification.objects.create(
        reference=new_reference(),
        account=account,
        vessel=vessel,
        kind=kind,
        administration_id=port.administration_id,
        port=port,
        expected_at=expected_at or now,
        status=status,
        version=1 if status != Status.DRAFT else 0,
        submitted_at=None if status == Status.DRAFT else now,
        decided_at=now if status in (Status.CLEARED, Status.REFUSED, Status.REFERRED) else None,
        **fields,
    )
    for index, (person, document) in enumerate(people or []):
        NotificationPerson.objects.create(
            notification=notification,
            person=person,
            document=document,
            role=PersonRole.MASTER if index == 0 else PersonRole.CREW,
        )
    if status != Status.DRAFT:
        notification_declaration_sync(notification)  # filed: screening and risk know it as a declaration
    if screened:
        screen(notification)
    return notification


def screen(notification: Notification) -> Notification:
    """Screen a filed notification against the watchlists, as filing's background job does after commit
    (which a test's transaction never reaches): nothing is cleared before its screening has run."""
    notification.refresh_from_db()
    declaration_screen(declaration=declaration_of(notification))
    return notification


def declaration_of(notification: Notification) -> Declaration:
    """The declaration of a filed notification (screening and risk take the declaration)."""
    assert notification.declaration is not None, "only a filed notification is a declaration"
    return notification.declaration


def clearances_make(notification: Notification, decisions: dict[str, str]) -> None:
    """Record agency decisions directly (for notifications created already decided)."""
    for agency, decision in decisions.items():
        AgencyClearance.objects.create(
            notification=notification,
            agency=agency,
            decision=decision,
            remarks="" if decision == Decision.CLEARED else "Recorded for the test.",
            decided_at=timezone.now(),
        )
