"""Demo of watchlist hits that hold a declaration (issue 9, finding 1): a small fictitious sanctions list,
a yacht expected in Antigua with a listed person aboard (red, clearance on hold, banner), and a second one
whose lookout hit an officer confirmed (referred to the supervisor)."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import User
from caribclear.clearance.choices import Kind, PersonRole, Purpose
from caribclear.clearance.models import Notification
from caribclear.clearance.services import Aboard, notification_create
from caribclear.reference.models import Port
from caribclear.risk.services import declaration_check, hit_review
from caribclear.screening.choices import Disposition, SourceFormat
from caribclear.screening.models import Hit, Watchlist
from caribclear.screening.services import watchlist_create, watchlist_import
from caribclear.vessels.models import Person, TravelDocument, Vessel

LIST_NAME = "Demo sanctions list (fictitious)"
# FollowTheMoney entities as OpenSanctions publishes them; every name is made up.
ENTITIES = [
    {
        "id": "demo-sanction-1",
        "schema": "Person",
        "properties": {
            "name": ["Viktor Halvorsen KRANTZ"],
            "birthDate": ["1961-09-18"],
            "nationality": ["no"],
            "topics": ["sanction"],
        },
    },
    {
        "id": "demo-sanction-2",
        "schema": "Vessel",
        "properties": {"name": ["Northern Lantern"], "imoNumber": ["9074729"], "topics": ["sanction"]},
    },
]


def _sanctions_list() -> Watchlist:
    watchlist = Watchlist.objects.filter(name=LIST_NAME).first()
    if watchlist is not None:
        return watchlist
    watchlist = watchlist_create(
        actor=None,
        name=LIST_NAME,
        source_format=SourceFormat.FTM,
        owner=None,
        description="Fictitious entries for the demo, in the OpenSanctions FollowTheMoney format.",
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "demo-sanctions.ftm.json"
        path.write_text("\n".join(json.dumps(e) for e in ENTITIES) + "\n", encoding="utf-8")
        watchlist_import(actor=None, watchlist=watchlist, path=path, file_name=path.name)
    return watchlist


def _crew_member(
    owner: User, surname: str, given: str, sex: str, born: dt.date, nat: str, number: str
) -> tuple[Person, TravelDocument]:
    person = Person.objects.create(
        account=owner, surname=surname, given_names=given, sex=sex, date_of_birth=born, nationality=nat
    )
    document = TravelDocument.objects.create(
        person=person, number=number, issuing_state=nat, expiry_date=dt.date(2030, 3, 31)
    )
    return person, document


def _arrival(
    owner: User, vessel: Vessel, crew: list[tuple[Person, TravelDocument]], hours: float
) -> Notification:
    data = {
        "vessel": vessel,
        "kind": Kind.ARRIVAL,
        "port": Port.objects.get(locode="AGSJO"),
        "expected_at": timezone.now() + dt.timedelta(hours=hours),
        "last_port": "Gustavia",
        "last_port_country": "BL",
        "next_port": "Bridgetown",
        "next_port_country": "BB",
        "purpose": Purpose.CRUISING,
        "is_charter": False,
        "declares_firearms": False,
        "declares_currency": False,
        "declares_alcohol_tobacco": False,
        "declares_animals": False,
        "declares_plants_food": False,
        "declares_goods_for_sale": False,
        "declares_illness": False,
    }
    aboard = [
        Aboard(person=p, document=d, role=PersonRole.MASTER if i == 0 else PersonRole.CREW)
        for i, (p, d) in enumerate(crew)
    ]
    notification = notification_create(actor=owner, data=data, people=aboard, submit=True)
    # Screened and assessed now, so the demo shows the hold without waiting for the background worker.
    assert notification.declaration_id is not None
    declaration_check(declaration_id=notification.declaration_id)
    return notification


AGENT = ("agent@charter.demo", "Paul", "Lewis")


def seed_hits_demo(
    *, officials: list[User], make_user: Callable[..., User], write: Callable[[str], Any]
) -> list[Notification]:
    """The two held arrivals, filed by a charter agent (idempotent: nothing is added once the agent has
    filed); prints the agent's sign-in."""
    agent = make_user(*AGENT, Role.OPERATOR, language="en")
    officer = next(o for o in officials if o.email == "customs@antigua.demo")
    write(f"  operator (charter agent)  {agent.email}: two arrivals held by watchlist hits in Antigua")
    if Notification.objects.filter(account=agent).exists():
        return list(Notification.objects.filter(account=agent))
    _sanctions_list()
    vessel = Vessel.objects.create(
        account=agent,
        name="Blue Heron",
        vessel_type="motor_yacht",
        flag="KY",
        registration_number="KY-740112",
        port_of_registry="George Town",
        length_m=Decimal("24.60"),
        gross_tonnage=Decimal("88.00"),
        owner_name="Heron Charters Ltd",
    )
    crew = [
        _crew_member(agent, "Baptiste", "Jean-Luc", "M", dt.date(1975, 6, 2), "FR", "19AF44120"),
        _crew_member(agent, "Krantz", "Viktor Halvorsen", "M", dt.date(1961, 9, 18), "NO", "NO4471920"),
    ]
    held = _arrival(agent, vessel, crew, hours=20)

    second = Vessel.objects.create(
        account=agent,
        name="Coral Dancer",
        vessel_type="sailing_yacht",
        flag="GB",
        registration_number="GB-921004",
        port_of_registry="Southampton",
        length_m=Decimal("15.20"),
        gross_tonnage=Decimal("21.00"),
        owner_name="Heron Charters Ltd",
    )
    okafor = _crew_member(agent, "Okafor", "Daniel", "M", dt.date(1988, 9, 30), "GB", "533401999")
    referred = _arrival(agent, second, [okafor], hours=30)
    hit = Hit.objects.filter(declaration=referred.declaration, lookout__isnull=False).first()
    if hit is not None:
        hit_review(
            actor=officer,
            hit=hit,
            disposition=Disposition.TRUE_MATCH,
            note="Same date of birth and photo as the lookout; skipper confirmed by radio.",
        )
    return [held, referred]
