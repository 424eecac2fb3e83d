"""A passenger or crew list as a kind of declaration: the one place that tells screening and risk about it.

Registered in :class:`caribclear.passengers.apps.PassengersConfig.ready`. The declaration is the list (one
flight or voyage to one administration); its subjects are every traveller still on it (names, date of
birth, nationality, gender, every travel document) and, for a ship, the ship. Criteria test the facts
below: each fact is the list of its travellers' values, and a condition holds when any value does.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.core.declarations import (
    BOOL,
    CHOICE,
    COUNTRY,
    NUMBER,
    PERSON,
    TEXT,
    VESSEL,
    DeclarationKind,
    Facts,
    Subject,
    Summary,
    fact,
)
from caribclear.core.models import Declaration

from .choices import ListKind, ListStatus, Role, Transport

if TYPE_CHECKING:
    from caribclear.screening.models import ScreeningRun
from .models import Traveller, TravellerDocument, TravelList

KEY = "passengers.list"
_GENDERS = {"F": "female", "M": "male"}


@functools.lru_cache(maxsize=2048)
def alpha2(code: str) -> str:
    """ISO 3166 alpha-3 (as PAXLST sends it) or alpha-2 to alpha-2; "" when unknown. Remembered: a ship's
    list asks for the same few codes thousands of times, and each look-up builds the list of countries."""
    code = (code or "").strip().upper()
    if len(code) == 2:
        return code if code in dict(countries) else ""
    return countries.alpha2(code) or "" if len(code) == 3 else ""


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def arrival_day(record: TravelList) -> dt.date:
    """The day of arrival on the arrival port's clock (today when not given)."""
    when = record.arrival_at or record.departure_at or timezone.now()
    if record.arrival_port is not None and record.arrival_port.time_zone:
        from caribclear.reference.timezones import port_time

        return port_time(when, record.arrival_port).date()
    return timezone.localtime(when).date()


def document_expired(expiry: dt.date | None, on: dt.date) -> bool:
    """Expired for the journey: expires on or before the day of arrival (as clearance/expiry.py rules)."""
    return expiry is not None and expiry <= on


@dataclass(frozen=True, slots=True)
class ListedDocument:
    """A travel document as screening and the criteria read it."""

    number: str
    issuing_state: str
    expiry: dt.date | None


@dataclass(frozen=True, slots=True)
class ListedPerson:
    """A traveller still on a list, as screening and the criteria read them: a plain record, not a model
    instance (a ship's 6,000 travellers and their documents made as model instances were most of the time
    of loading a list for its check)."""

    pk: int
    role: str
    surname: str
    given_names: str
    gender: str
    date_of_birth: dt.date | None
    nationality: str
    country_of_residence: str
    reservation_locator: str
    bags: int | None
    in_transit: bool
    masked: bool
    documents: tuple[ListedDocument, ...]

    @property
    def full_name(self) -> str:
        if self.masked and not self.surname:
            return str(_("Masked traveller"))
        return f"{self.surname}, {self.given_names}".strip(", ")

    @property
    def subject_key(self) -> str:
        return f"traveller:{self.pk}"

    @classmethod
    def of(cls, traveller: Traveller) -> ListedPerson:
        """A traveller (a model instance, its documents prefetched) as a plain record."""
        return cls(
            pk=traveller.pk,
            role=traveller.role,
            surname=traveller.surname,
            given_names=traveller.given_names,
            gender=traveller.gender,
            date_of_birth=traveller.date_of_birth,
            nationality=traveller.nationality,
            country_of_residence=traveller.country_of_residence,
            reservation_locator=traveller.reservation_locator,
            bags=traveller.bags,
            in_transit=traveller.in_transit,
            masked=traveller.masked_at is not None,
            documents=tuple(
                ListedDocument(d.number, d.issuing_state, d.expiry) for d in traveller.documents.all()
            ),
        )


_PERSON_COLUMNS = (
    "travel_list_id",
    "pk",
    "role",
    "surname",
    "given_names",
    "gender",
    "date_of_birth",
    "nationality",
    "country_of_residence",
    "reservation_locator",
    "bags",
    "in_transit",
    "masked_at",
)
#: The attribute of a loaded list that holds its current travellers as plain records.
_PEOPLE = "_listed_people"


def _people_of(list_ids: Sequence[int]) -> dict[int, list[ListedPerson]]:
    """The travellers still on each list (removed ones are kept for the history, not screened), in the
    order of their ids, with their documents (in the order of theirs): two queries of plain rows."""
    people: dict[int, list[ListedPerson]] = {pk: [] for pk in list_ids}
    if not list_ids:
        return people
    documents: dict[int, list[ListedDocument]] = {}
    for traveller_id, number, issuing_state, expiry in (
        TravellerDocument.objects.filter(
            traveller__travel_list_id__in=list(list_ids), traveller__removed_in__isnull=True
        )
        .order_by("traveller_id", "pk")
        .values_list("traveller_id", "number", "issuing_state", "expiry")
    ):
        documents.setdefault(traveller_id, []).append(ListedDocument(number, issuing_state, expiry))
    rows = (
        Traveller.objects.filter(travel_list_id__in=list(list_ids), removed_in__isnull=True)
        .order_by("pk")
        .values_list(*_PERSON_COLUMNS)
    )
    for (
        list_id,
        pk,
        role,
        surname,
        given_names,
        gender,
        born,
        nationality,
        residence,
        locator,
        bags,
        in_transit,
        masked_at,
    ) in rows:
        people[list_id].append(
            ListedPerson(
                pk,
                role,
                surname,
                given_names,
                gender,
                born,
                nationality,
                residence,
                locator,
                bags,
                in_transit,
                masked_at is not None,
                tuple(documents.get(pk, ())),
            )
        )
    return people


def current_travellers(record: TravelList) -> list[ListedPerson]:
    """The travellers still on the list, as plain records: those ``load`` read with the list, else read now
    (and kept on the record)."""
    people: list[ListedPerson] | None = getattr(record, _PEOPLE, None)
    if people is None:
        people = _people_of([record.pk])[record.pk]
        setattr(record, _PEOPLE, people)
    return people


def person_subject(person: ListedPerson) -> Subject:
    numbers = tuple(dict.fromkeys(d.number for d in person.documents if d.number))
    nationality = alpha2(person.nationality)
    return Subject(
        kind=PERSON,
        key=person.subject_key,
        label=person.full_name,
        schema="Person",
        names=(person.full_name,),
        birth_dates=(person.date_of_birth.isoformat(),) if person.date_of_birth else (),
        nationalities=(nationality,) if nationality else (),
        gender=_GENDERS.get(person.gender),
        identifiers={"passport": numbers} if numbers else {},
    )


def traveller_subject(traveller: Traveller) -> Subject:
    """A traveller (a model instance, its documents prefetched) as screening's subject."""
    return person_subject(ListedPerson.of(traveller))


def vessel_subjects(record: TravelList) -> list[Subject]:
    """The ship of a voyage's list, screened with its people (none for a flight)."""
    if record.transport != Transport.SEA or not record.vessel_name:
        return []
    identifiers: dict[str, tuple[str, ...]] = {}
    if record.vessel_id.isdigit() and len(record.vessel_id) == 7:
        identifiers["imo"] = (record.vessel_id,)
    elif record.vessel_id:
        identifiers["call_sign"] = (record.vessel_id,)
    return [
        Subject(
            kind=VESSEL,
            key=f"ship:{record.pk}",
            label=record.vessel_name,
            schema="Vessel",
            names=(record.vessel_name,),
            identifiers=identifiers,
        )
    ]


class PassengerListKind(DeclarationKind):
    key = KEY
    label = _("Passenger or crew list")
    slug = "passenger-lists"
    fact_specs = (
        fact("transport", _("Flight or voyage"), CHOICE, Transport.choices),
        fact("list_kind", _("Passenger or crew list"), CHOICE, ListKind.choices),
        fact("carrier", _("Carrier code"), TEXT),
        fact("departure_port", _("Departure port (code)"), TEXT),
        fact("arrival_port", _("Arrival port (code)"), TEXT),
        fact("route", _("Route (departure-arrival, e.g. POS-BGI)"), TEXT),
        fact("departure_country", _("Country of departure"), COUNTRY),
        fact("leg_country", _("Country of any leg of the route"), COUNTRY),
        fact("traveller_count", _("Number of travellers"), NUMBER),
        fact("nationality", _("Nationality of a traveller"), COUNTRY),
        fact("residence", _("Country of residence of a traveller"), COUNTRY),
        fact("age", _("Age of a traveller on arrival"), NUMBER),
        fact("gender", _("Gender of a traveller"), TEXT),
        fact("document_issuing_state", _("Issuing state of a travel document"), COUNTRY),
        fact("document_expired", _("A travel document expired or expiring before arrival"), BOOL),
        fact("document_missing", _("A traveller without a travel document"), BOOL),
        fact(
            "travelling_alone", _("A passenger travelling alone (own reservation, no one else on it)"), BOOL
        ),
        fact("minor_alone", _("A passenger under 18 travelling alone"), BOOL),
        fact("crew_on_passenger_list", _("Crew listed on a passenger list"), BOOL),
        fact("in_transit", _("A traveller in transit"), BOOL),
        fact("bags", _("Bags of a traveller"), NUMBER),
    )

    def load(self, declaration_ids: Iterable[int]) -> dict[int, TravelList]:
        lists = list(
            TravelList.objects.filter(declaration_id__in=list(declaration_ids)).select_related(
                "carrier__organisation", "arrival_port", "departure_port", "administration", "declaration"
            )
        )
        people = _people_of([t.pk for t in lists])
        for travel_list in lists:
            setattr(travel_list, _PEOPLE, people[travel_list.pk])
        return {t.declaration_id: t for t in lists if t.declaration_id is not None}

    def subjects(self, record: TravelList) -> list[Subject]:
        subjects = [person_subject(p) for p in current_travellers(record) if not p.masked]
        return subjects + vessel_subjects(record)

    def facts(self, record: TravelList) -> Facts:
        people = current_travellers(record)
        on = arrival_day(record)
        by_locator = Counter(t.reservation_locator for t in people if t.reservation_locator)
        documents = [d for t in people for d in t.documents]
        passengers = [t for t in people if t.role == Role.PASSENGER]
        alone = [bool(t.reservation_locator) and by_locator[t.reservation_locator] == 1 for t in passengers]
        minors_alone = [
            a and t.date_of_birth is not None and age_on(t.date_of_birth, on) < 18
            for a, t in zip(alone, passengers, strict=True)
        ]
        leg_countries = sorted(
            {
                alpha2(code[:2])
                for leg in record.legs
                for code in (leg.get("departure_port", ""), leg.get("arrival_port", ""))
                if len(code) == 5 and alpha2(code[:2])
            }
        )
        departure_country = record.departure_port.country.code if record.departure_port else ""
        return {
            "transport": [record.transport],
            "list_kind": [record.kind],
            "carrier": [record.carrier.code],
            "departure_port": [record.departure_port_code],
            "arrival_port": [record.arrival_port_code],
            "route": [f"{record.departure_port_code}-{record.arrival_port_code}"],
            "departure_country": [departure_country] if departure_country else [],
            "leg_country": leg_countries,
            "traveller_count": [Decimal(len(people))],
            "nationality": sorted({alpha2(t.nationality) for t in people if alpha2(t.nationality)}),
            "residence": sorted(
                {alpha2(t.country_of_residence) for t in people if alpha2(t.country_of_residence)}
            ),
            "age": [Decimal(age_on(t.date_of_birth, on)) for t in people if t.date_of_birth],
            "gender": sorted({t.gender for t in people if t.gender}),
            "document_issuing_state": sorted(
                {alpha2(d.issuing_state) for d in documents if alpha2(d.issuing_state)}
            ),
            "document_expired": [document_expired(d.expiry, on) for d in documents],
            "document_missing": [not any(d.number for d in t.documents) for t in people],
            "travelling_alone": alone,
            "minor_alone": minors_alone,
            "crew_on_passenger_list": [
                record.kind == ListKind.PASSENGERS and any(t.role == Role.CREW for t in people)
            ],
            "in_transit": [t.in_transit for t in people],
            "bags": [Decimal(t.bags) for t in people if t.bags is not None],
        }

    def summary(self, record: TravelList) -> Summary:
        details = [f"{record.departure_port_code} → {record.arrival_port_code}"]
        if record.arrival_at is not None:
            from caribclear.reference.timezones import port_datetime_text, utc_datetime_text

            details.append(
                port_datetime_text(record.arrival_at, record.arrival_port)
                if record.arrival_port is not None
                else utc_datetime_text(record.arrival_at)
            )
        details.append(str(record.get_status_display()))
        return Summary(
            reference=record.reference,
            title=f"{record.get_kind_display()} — {record.carrier.code} {record.number}",
            details=" · ".join(details),
            url=reverse("passengers:list", args=[record.reference]),
            date=record.arrival_at,
        )

    def summaries(self, declaration_ids: Iterable[int]) -> dict[int, Summary]:
        lists = TravelList.objects.filter(declaration_id__in=list(declaration_ids)).select_related(
            "carrier__organisation", "arrival_port"
        )
        return {t.declaration_id: self.summary(t) for t in lists if t.declaration_id is not None}

    def checkable(self, record: TravelList) -> bool:
        return record.status != ListStatus.CANCELLED and record.masked_at is None

    def open_for_recheck(self, administration_ids: Sequence[int]) -> list[int]:
        """Lists not cancelled whose flight or voyage arrives from 12 hours ago onwards."""
        return list(
            TravelList.objects.filter(
                administration_id__in=list(administration_ids),
                arrival_at__gte=timezone.now() - dt.timedelta(hours=12),
                declaration__isnull=False,
                masked_at__isnull=True,
            )
            .exclude(status=ListStatus.CANCELLED)
            .order_by("arrival_at", "pk")
            .values_list("declaration_id", flat=True)
        )

    def recent(self, administration_id: int, *, since: dt.datetime, limit: int) -> list[int]:
        return list(
            TravelList.objects.filter(
                administration_id=administration_id,
                arrival_at__gte=since,
                declaration__isnull=False,
                masked_at__isnull=True,
            )
            .order_by("-arrival_at", "-pk")
            .values_list("declaration_id", flat=True)[:limit]
        )


def list_declaration_sync(travel_list: TravelList) -> tuple[Declaration, bool]:
    """The list's declaration, made at its first filing; its version follows the list's. Call inside the
    filing transaction."""
    if travel_list.declaration_id is None:
        declaration = Declaration.objects.create(
            kind=KEY,
            administration_id=travel_list.administration_id,
            reference=travel_list.reference,
            version=travel_list.version,
            created_at=travel_list.filed_at,
        )
        travel_list.declaration = declaration
        travel_list.save(update_fields=["declaration", "updated_at"])
        return declaration, True
    existing = travel_list.declaration
    assert existing is not None
    if existing.version != travel_list.version:
        existing.version = travel_list.version
        existing.save(update_fields=["version", "updated_at"])
    return existing, False


def _list_still_checked(declaration_id: int) -> tuple[TravelList, Declaration] | None:
    """The declaration's list and the declaration, unless the list is cancelled or masked (nothing to
    screen or assess then)."""
    travel_list = (
        TravelList.objects.filter(declaration_id=declaration_id).select_related("declaration").first()
    )
    if travel_list is None or travel_list.declaration is None:
        return None
    if travel_list.status == ListStatus.CANCELLED or travel_list.masked_at is not None:
        return None
    return travel_list, travel_list.declaration


def travellers_screen(
    *, declaration_id: int, traveller_ids: Sequence[int], vessel: bool = False
) -> ScreeningRun | None:
    """Record the screening of some travellers of a list (those still on it and not masked), and of its
    ship with ``vessel``: a run and its hits, as screening records any declaration's, with the lists read
    now. The queue does it after an interactive answer (``tasks.boarding_screen_task``)."""
    from caribclear.screening.services import declaration_subjects_screen

    checked = _list_still_checked(declaration_id)
    if checked is None:
        return None
    travel_list, declaration = checked
    travellers = Traveller.objects.filter(
        pk__in=list(traveller_ids), travel_list=travel_list, removed_in__isnull=True, masked_at__isnull=True
    ).prefetch_related("documents")
    subjects = [traveller_subject(t) for t in travellers]
    if vessel:
        subjects.extend(vessel_subjects(travel_list))
    if not subjects:
        return None
    return declaration_subjects_screen(declaration=declaration, subjects=subjects)


def passenger_list_assess(*, declaration_id: int, force: bool = False) -> str | None:
    """Assess a list's criteria and lane on its current hits, without screening it again (its travellers
    were screened one by one as they checked in); the lane, or None for a list no longer checked. Without
    ``force`` an assessment already at the list's version is kept (check-ins come faster than the queue);
    with it (hits were just recorded, perhaps after a later check-in's task assessed that version) the
    list is assessed again."""
    from caribclear.risk.models import Assessment
    from caribclear.risk.services import declaration_assess

    checked = _list_still_checked(declaration_id)
    if checked is None:
        return None
    _travel_list, declaration = checked
    current = Assessment.objects.filter(
        declaration_id=declaration_id, declaration_version__gte=declaration.version
    ).first()
    if current is not None and not force:
        # Check-ins come faster than the queue: a task queued earlier already assessed this version.
        return current.final_lane
    return declaration_assess(declaration=declaration).final_lane
