"""Demo data for a first look: officials of two administrations, a skipper with a vessel and crew, and
notifications in every state. Idempotent: running it again changes nothing and prints the same sign-ins."""

from __future__ import annotations

import datetime as dt
import hashlib
from base64 import b32encode
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Decision, Kind, PersonRole, Purpose
from caribclear.clearance.models import Notification
from caribclear.clearance.services import Aboard, clearance_decide, notification_create
from caribclear.demo.cargo import seed_cargo_demo
from caribclear.demo.hits import seed_hits_demo
from caribclear.demo.passengers import seed_passengers_demo
from caribclear.demo.security import seed_security_demo
from caribclear.demo.unfinished_draft import seed_unfinished_draft_demo
from caribclear.partners.demo import seed_partners_demo
from caribclear.reference.models import Port
from caribclear.reference.services import ports_of_entry_seed
from caribclear.risk.choices import Lane
from caribclear.risk.services import criterion_create, declaration_check
from caribclear.screening.choices import LookoutKind, Sharing
from caribclear.screening.services import lookout_create
from caribclear.training.demo import seed_training_demo
from caribclear.valuation.demo import seed_valuation_demo
from caribclear.vessels.models import Person, TravelDocument, Vessel, Weapon

DEMO_PASSWORD = "caribclear-demo"  # noqa: S105 - printed for the local demo only

OFFICIALS = [
    # email, first, last, administration, role, agency
    ("customs@antigua.demo", "Kendra", "Joseph", "AG", Role.OFFICER, Agency.CUSTOMS),
    ("immigration@antigua.demo", "Marlon", "Henry", "AG", Role.OFFICER, Agency.IMMIGRATION),
    ("health@antigua.demo", "Aisha", "Thomas", "AG", Role.OFFICER, Agency.PORT_HEALTH),
    ("supervisor@antigua.demo", "Desmond", "Richards", "AG", Role.SUPERVISOR, Agency.CUSTOMS),
    ("admin@antigua.demo", "Claudette", "Francis", "AG", Role.ADMINISTRATOR, Agency.CUSTOMS),
    ("customs@barbados.demo", "Ryan", "Clarke", "BB", Role.OFFICER, Agency.CUSTOMS),
    ("immigration@barbados.demo", "Nadia", "Greenidge", "BB", Role.OFFICER, Agency.IMMIGRATION),
    ("analyst@stlucia.demo", "Jean", "Baptiste", "LC", Role.SUPERVISOR, Agency.CUSTOMS),
]


def demo_key(email: str) -> bytes:
    """A stable authenticator key per demo official, so re-seeding keeps the app entries working."""
    return hashlib.sha256(f"caribclear-demo-totp:{email}".encode()).digest()[:20]


def demo_key_base32(email: str) -> str:
    return b32encode(demo_key(email)).decode().rstrip("=")


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        # What each part of the demo says (its accounts, where to look) is printed with the summary, after
        # the e-mails the seeding sends, so a first run ends with every sign-in on the screen.
        told: list[str] = []
        with transaction.atomic():
            ports_of_entry_seed()
            officials = [self._official(*row) for row in OFFICIALS]
            skipper = self._user("skipper@yacht.demo", "Ana", "Marín", Role.OPERATOR, language="es")
            if not Notification.objects.filter(account=skipper).exists():
                self._voyages(skipper, officials)  # issues Antigua's lookout and criteria on the way
            seed_hits_demo(officials=officials, make_user=self._user, write=told.append)
            seed_cargo_demo(officials=officials, password=DEMO_PASSWORD, write=told.append)
            seed_training_demo(
                officials=officials, totp_key=demo_key, password=DEMO_PASSWORD, write=told.append
            )
            seed_unfinished_draft_demo(skipper=skipper, write=told.append)
            seed_partners_demo(officials=officials, write=told.append)
            seed_passengers_demo(
                officials=officials, totp_key=demo_key, password=DEMO_PASSWORD, write=told.append
            )
            seed_valuation_demo(officials=officials, write=told.append)
        self._print(officials, skipper, told)
        seed_security_demo(write=self.stdout.write)

    def _user(self, email: str, first: str, last: str, role: str, **extra: Any) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(
                username=email,
                email=email,
                first_name=first,
                last_name=last,
                role=role,
                email_confirmed_at=timezone.now(),
                **extra,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _official(self, email: str, first: str, last: str, code: str, role: str, agency: str) -> User:
        administration = Administration.objects.get(code=code)
        user = self._user(email, first, last, role, administration=administration, agency=agency)
        TOTPDevice.objects.get_or_create(
            user=user,
            defaults={"name": "Demo authenticator", "confirmed": True, "key": demo_key(email).hex()},
        )
        return user

    def _risk(self, officials: list[User]) -> None:
        """A regional lookout and two criteria of Antigua, so the first notification shows a lane and a hit."""
        supervisor = next(o for o in officials if o.email == "supervisor@antigua.demo")
        lookout_create(
            actor=supervisor,
            kind=LookoutKind.PERSON,
            name="Daniel Okafor",
            birth_date="1988-09-30",
            nationalities=["GB"],
            reason="Demo: wanted for questioning about undeclared cash (fictitious).",
            sharing=Sharing.ALL,
            source="Demo data",
        )
        criterion_create(
            actor=supervisor,
            kind="clearance.notification",
            name="Firearms on board",
            lane=Lane.YELLOW,
            weight=20,
            documentation="Firearms or flare guns declared: check the serial numbers against the vessel's list and "
            "seal them in the bonded locker for the stay.",
            conditions=[{"field": "declares_firearms", "operator": "is_yes", "values": []}],
        )
        criterion_create(
            actor=supervisor,
            kind="clearance.notification",
            name="Lookout match",
            lane=Lane.RED,
            weight=50,
            documentation="Someone on board matches a regional lookout: hold the vessel for a joint inspection.",
            conditions=[{"field": "lookout_hit", "operator": "is_yes", "values": []}],
        )

    def _voyages(self, skipper: User, officials: list[User]) -> None:
        today = timezone.now()
        vessel = Vessel.objects.create(
            account=skipper,
            name="Sea Turtle",
            vessel_type="sailing_yacht",
            flag="ES",
            registration_number="7-PM-2-114-21",
            port_of_registry="Palma de Mallorca",
            call_sign="EA1234",
            mmsi="224123450",
            # No IMO number: a 13-metre, 14-tonne cruising yacht has none (they go to larger ships).
            hull_id="ESBEN12345C818",
            length_m=Decimal("13.40"),
            gross_tonnage=Decimal("14.20"),
            hull_colour="White",
            masts=1,
            engine="Yanmar 57 hp diesel",
            owner_name="Ana Marín",
            owner_email="skipper@yacht.demo",
        )
        Weapon.objects.create(vessel=vessel, kind="flare_gun", make="Orion", model="12 gauge", quantity=1)
        crew = []
        for surname, given, sex, born, nat, number in [
            ("Marín", "Ana", "F", dt.date(1979, 4, 12), "ES", "PAB123456"),
            ("Okafor", "Daniel", "M", dt.date(1988, 9, 30), "GB", "533401872"),
            ("van der Berg", "Sanne", "F", dt.date(1992, 1, 5), "NL", "NXR4K81P2"),
        ]:
            person = Person.objects.create(
                account=skipper,
                surname=surname,
                given_names=given,
                sex=sex,
                date_of_birth=born,
                nationality=nat,
            )
            document = TravelDocument.objects.create(
                person=person, number=number, issuing_state=nat, expiry_date=dt.date(2031, 6, 30)
            )
            crew.append((person, document))

        aboard = [
            Aboard(
                person=person, document=document, role=PersonRole.MASTER if index == 0 else PersonRole.CREW
            )
            for index, (person, document) in enumerate(crew)
        ]
        declaration = {
            "declares_firearms": True,
            "declares_currency": False,
            "declares_alcohol_tobacco": False,
            "declares_animals": False,
            "declares_plants_food": False,
            "declares_goods_for_sale": False,
            "declares_illness": False,
            "declaration_details": "One flare gun (Orion 12 gauge) with 12 cartridges.",
        }

        def file(
            kind: str,
            port: str,
            days: float,
            last: tuple[str, str],
            nxt: tuple[str, str],
            *,
            submit: bool = True,
        ) -> Notification:
            """Filed through the operator's own services, so versions, audit and hooks are real."""
            data = {
                "vessel": vessel,
                "kind": kind,
                "port": Port.objects.get(locode=port),
                "expected_at": today + dt.timedelta(days=max(days, 0.5)),
                "last_port": last[0],
                "last_port_country": last[1],
                "next_port": nxt[0],
                "next_port_country": nxt[1],
                "purpose": Purpose.CRUISING,
                "is_charter": False,
                **declaration,
            }
            notification = notification_create(actor=skipper, data=data, people=aboard, submit=submit)
            if days < 0:
                # An earlier voyage: move it back in time as if it had been filed then.
                Notification.objects.filter(pk=notification.pk).update(
                    expected_at=today + dt.timedelta(days=days),
                    submitted_at=today + dt.timedelta(days=days - 2),
                )
                notification.refresh_from_db()
            return notification

        by_email = {official.email: official for official in officials}
        # Earlier voyage, cleared in Barbados: regional history seen from Antigua.
        for kind, days in ((Kind.ARRIVAL, -20), (Kind.DEPARTURE, -12)):
            earlier = file(kind, "BBBGI", days, ("Las Palmas", "ES"), ("St. John's", "AG"))
            # Screened and assessed before the officers decide, as the filing's background job does: nothing
            # is cleared before its screening has run.
            assert earlier.declaration_id is not None
            declaration_check(declaration_id=earlier.declaration_id)
            for email in ("customs@barbados.demo", "immigration@barbados.demo"):
                clearance_decide(actor=by_email[email], notification=earlier, decision=Decision.CLEARED)
        # Antigua's lookout and criteria came after that voyage was cleared; the arrival below matches them.
        self._risk(officials)
        # Expected in Antigua tomorrow: waiting for the officers.
        file(Kind.ARRIVAL, "AGSJO", 1, ("Bridgetown", "BB"), ("Castries", "LC"))
        # A draft for the next leg.
        file(Kind.DEPARTURE, "AGSJO", 6, ("St. John's", "AG"), ("Castries", "LC"), submit=False)

    def _print(self, officials: list[User], skipper: User, told: list[str]) -> None:
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS("Demo data ready. Every demo account's password: " + DEMO_PASSWORD))
        write(f"  operator (yacht skipper)  {skipper.email}")
        for official in officials:
            assert official.administration is not None
            write(
                f"  {official.get_role_display().lower():<13} {official.get_agency_display().lower():<12}"
                f" {official.administration.code}  {official.email:<28} authenticator key {demo_key_base32(official.email)}"
            )
        for line in told:
            write(line)
        write("Officials sign in with a six-digit code: add the key to an authenticator app, or run")
        write("  ./dev manage demo_totp EMAIL")
