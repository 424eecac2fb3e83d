"""Writes of the passengers app: filing, amending and cancelling lists; boarding answers; what was found at
arrival; unmasking; retention. Every public function is ``<entity>_<verb>(*, actor, ...)`` and atomic.

Filing keeps ONE current list per flight or voyage (carrier, list kind, number, departure day, ports):
a resent list replaces the people (those no longer on it are kept, marked removed), a change message
updates or adds the people it names, a cancellation of passengers removes them, a closed-flight list
(CLOB/CLNB) says who boarded. One person is one row per list (matched by name and date of birth, else by
document), so a list sent twice never makes two passengers of one.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import close_old_connections, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.models import Administration, Organisation, OrganisationMember, User
from caribclear.accounts.services import organisation_create, organisation_files
from caribclear.core import bulk, declarations
from caribclear.core.audit import audit_as_one, audit_record
from caribclear.core.jobs import enqueue_with_transaction
from caribclear.core.memo import KeyedProcessCache
from caribclear.core.models import Declaration
from caribclear.core.pipeline import Pipeline
from caribclear.core.refs import new_reference
from caribclear.core.rows import RowModels
from caribclear.edifact.model import Where
from caribclear.reference.models import Port
from caribclear.reference.timezones import port_localize
from caribclear.screening.choices import Disposition
from caribclear.screening.models import Hit

from . import boarding, protection
from .choices import (
    CASE_OUTCOMES,
    LIST_PIPELINE,
    UNMASK_PIPELINE,
    Answer,
    CarrierKind,
    Function,
    ListKind,
    ListStatus,
    Mode,
    Outcome,
    Role,
    Transport,
    UnmaskStatus,
)
from .declaration import (
    ListedDocument,
    ListedPerson,
    arrival_day,
    document_expired,
    list_declaration_sync,
    person_subject,
)
from .models import (
    ArrivalCheck,
    Carrier,
    RetentionPolicy,
    Traveller,
    TravellerDocument,
    TravelList,
    TravelListVersion,
    UnmaskRequest,
)
from .readers import PassengerList, PassengerListResult, Person, read_passenger_list
from .readers.model import Flight, Leg, TravelDocument, flight_number

logger = logging.getLogger(__name__)

LIST_STATUS = Pipeline("status", LIST_PIPELINE)
UNMASK_STATUS = Pipeline("status", UNMASK_PIPELINE)

#: PAXLST BGM document identifiers (C106) and message functions (1225) of the guidelines, as filings.
DOCUMENT_FUNCTIONS = {
    "CLOB": Function.CLOSE,  # flight close-out: who boarded
    "CLNB": Function.CLOSE,  # flight close-out: no one boarded
    "CL": Function.CLOSE,
    "CP": Function.CHANGE,  # change of passenger data
    "CF": Function.CHANGE,  # change of flight data
    "XR": Function.REMOVE,  # cancellation of a reservation
    "RP": Function.REMOVE,  # reduction in party
}
MESSAGE_FUNCTIONS = {"1": Function.CANCEL, "3": Function.CANCEL, "4": Function.CHANGE, "5": Function.REPLACE}
CREW_DOCUMENT_CODES = {"250", "10", "336"}

#: The platform's reason codes beside the guideline's answer codes (the guidelines leave them to each State).
REASON_WATCHLIST = "WL"  # a watchlist, lookout or intelligence alert names the traveller
REASON_DOCUMENT_EXPIRED = "DE"  # the travel document expires on or before the day of arrival
REASON_DOCUMENT_MISSING = "DM"  # no travel document given
REASON_LATE = "TO"  # screening did not finish in time: the administration's default answer
REASONS = {
    REASON_WATCHLIST: "The traveller may be named on a watchlist, lookout or alert.",
    REASON_DOCUMENT_EXPIRED: "The travel document expires on or before the day of arrival.",
    REASON_DOCUMENT_MISSING: "No travel document was given.",
    REASON_LATE: "Screening did not finish in time; the administration's default answer is sent.",
}


# --- Ports and carriers ---------------------------------------------------------------------------------
def port_for(code: str) -> Port | None:
    """A port by UN/LOCODE (5 characters) or by IATA airport code (3: a UN/LOCODE ending with it, a member
    administration's port first)."""
    code = (code or "").strip().upper()
    ports = Port.objects.select_related("administration")
    if len(code) == 5:
        return ports.filter(locode=code).first()
    if len(code) == 3 and code.isalnum():
        candidates = list(ports.filter(locode__endswith=code).order_by("administration_id", "locode"))
        candidates.sort(key=lambda p: (p.administration_id is None, "4" not in p.function, p.locode))
        return candidates[0] if candidates else None
    return None


def carrier_of(user: User) -> Carrier | None:
    """The carrier an operator files for: the passenger profile of their organisation (the first)."""
    return (
        Carrier.objects.filter(organisation__members__user_id=user.pk)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )


def is_carrier_user(user: User, carrier_id: int) -> bool:
    """Whether the account is a user of the carrier's organisation."""
    return Carrier.objects.filter(pk=carrier_id, organisation__members__user_id=user.pk).exists()


@transaction.atomic
def carrier_create(
    *,
    actor: User | None,
    kind: str,
    name: str = "",
    code: str = "",
    administrator: User | None = None,
    organisation: Organisation | None = None,
) -> Carrier:
    """Make an organisation a carrier that files passenger lists: a new organisation (its name and code,
    with its first administrator if known), or an existing one (a cargo filer that is an airline too, its
    users then file lists as well). The organisation's code is the one its lists carry."""
    if kind not in CarrierKind.values:
        raise ValidationError({"kind": _("Choose the kind of carrier.")})
    if organisation is None:
        code = code.strip().upper()[:12]
        if not code:
            raise ValidationError({"code": _("Give the carrier's code, as it sends it in its lists.")})
        if Carrier.objects.filter(organisation__carrier_code=code).exists():
            raise ValidationError({"code": _("A carrier with this code already files lists.")})
        organisation = organisation_create(
            actor=actor, name=(name or code)[:200], carrier_code=code, administrator=administrator
        )
    else:
        if Carrier.objects.filter(organisation=organisation).exists():
            raise ValidationError(_("This organisation already files passenger lists."))
        if not organisation.carrier_code:
            raise ValidationError({"code": _("Give the organisation its carrier code first.")})
    organisation_files(organisation=organisation, passenger_lists=True)
    carrier = Carrier.objects.create(organisation=organisation, kind=kind)
    audit_record(
        actor=actor, action="passengers.carrier_create", obj=carrier, summary=organisation.carrier_code
    )
    return carrier


@transaction.atomic
def carrier_for_code(
    *, actor: User | None, code: str, name: str = "", transport: str = Transport.AIR
) -> Carrier:
    """The carrier of a code read from a file (the command line loads lists received over SITA/ARINC):
    made on first sight, with the sender's name when the list gives one."""
    code = code.strip().upper()[:12]
    if not code:
        raise ValidationError({"carrier": _("The list names no carrier.")})
    carrier = (
        Carrier.objects.filter(organisation__carrier_code=code)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    if carrier is None:
        carrier = carrier_create(
            actor=actor,
            code=code,
            name=name,
            kind=CarrierKind.AIRLINE if transport == Transport.AIR else CarrierKind.CRUISE,
        )
    return carrier


# --- Filing ---------------------------------------------------------------------------------------------
@dataclass
class Filing:
    travel_list: TravelList
    version: TravelListVersion
    created: bool
    #: The ids of the travellers this filing added or named (in the filing's order; new ones last).
    touched: list[int] = field(default_factory=list)


def filing_function(parsed: PassengerList) -> str:
    document_id = (parsed.document_id or "").strip().upper()
    if document_id in DOCUMENT_FUNCTIONS:
        return DOCUMENT_FUNCTIONS[document_id]
    return MESSAGE_FUNCTIONS.get((parsed.function or "").strip(), Function.ORIGINAL)


def _aware(local: dt.datetime | None, port: Port | None) -> dt.datetime | None:
    if local is None:
        return None
    if local.tzinfo is not None:
        return local
    if port is not None and port.time_zone:
        return port_localize(local, port)
    return local.replace(tzinfo=dt.UTC)


def _person_values(person: Person, role: str) -> dict[str, Any]:
    return {
        "role": role,
        "surname": person.surname[:100],
        "given_names": person.given_names[:100],
        "gender": person.gender[:1],
        "date_of_birth": person.date_of_birth,
        "nationality": person.nationality[:3],
        "place_of_birth": person.place_of_birth[:100],
        "country_of_residence": person.country_of_residence[:3],
        "address": person.address[:200],
        "reservation_locator": person.reservation_locator[:20],
        "seat": person.seat[:8],
        "bags": person.bags if person.bags is not None and 0 <= person.bags < 1000 else None,
        "in_transit": bool(person.in_transit),
        "embarkation": person.embarkation[:5],
        "debarkation": person.debarkation[:5],
        "crew_function": person.crew_function[:40],
        "line": person.where.line,
    }


PERSON_FIELDS = (
    "role",
    "surname",
    "given_names",
    "gender",
    "date_of_birth",
    "nationality",
    "place_of_birth",
    "country_of_residence",
    "address",
    "reservation_locator",
    "seat",
    "bags",
    "in_transit",
    "embarkation",
    "debarkation",
    "crew_function",
    "line",
)


def _document_values(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "type": d.type[:3],
            "number": d.number[:30],
            "issuing_state": d.issuing_state[:3],
            "expiry": d.expiry,
        }
        for d in person.documents
        if d.number or d.type
    ]


def _stored_documents(traveller: Traveller) -> list[dict[str, Any]]:
    return [
        {"type": d.type, "number": d.number, "issuing_state": d.issuing_state, "expiry": d.expiry}
        for d in traveller.documents.all()
    ]


def _identity(person: Person, role: str) -> str:
    first_document = next((d.number for d in person.documents if d.number), "")
    return protection.identity_of(
        surname=person.surname,
        given_names=person.given_names,
        born=person.date_of_birth,
        document=first_document,
        role=role,
    )


_CREW, _PASSENGER, _CREW_LIST = Role.CREW.value, Role.PASSENGER.value, ListKind.CREW.value


def _role(person: Person, list_kind: str) -> str:
    if list_kind == _CREW_LIST:
        return _CREW
    return _CREW if person.role == "crew" else _PASSENGER


def _check_flight(
    parsed: PassengerList, ports: Callable[[str], Port | None] = port_for
) -> tuple[Port | None, Port | None, Administration, Administration | None]:
    flight = parsed.flight
    errors: dict[str, list[str]] = {}
    if not (flight.number or flight.conveyance_reference or flight.vessel_name):
        errors.setdefault("number", []).append(_("The list gives no flight or voyage number (TDT)."))
    if not flight.departure_port:
        errors.setdefault("departure_port", []).append(_("The list gives no port of departure (LOC+125)."))
    if not flight.arrival_port:
        errors.setdefault("arrival_port", []).append(_("The list gives no port of arrival (LOC+87)."))
    if errors:
        raise ValidationError(errors)
    departure, arrival = ports(flight.departure_port), ports(flight.arrival_port)
    arrival_admin = arrival.administration if arrival is not None else None
    if arrival_admin is None:
        # A progressive flight whose last stop is no member's: the last member port it calls at.
        for leg in reversed(flight.legs[:-1]):
            stop = ports(leg.arrival_port)
            if stop is not None and stop.administration is not None:
                arrival_admin = stop.administration
                break
    departure_admin = departure.administration if departure is not None else None
    owner = arrival_admin or departure_admin
    if owner is None:
        raise ValidationError(
            {
                "arrival_port": [
                    _(
                        "Neither %(departure)s nor %(arrival)s is a port of a member administration: "
                        "the list has no one to go to."
                    )
                    % {"departure": flight.departure_port, "arrival": flight.arrival_port}
                ]
            }
        )
    other = departure_admin if departure_admin is not None and departure_admin != owner else None
    return departure, arrival, owner, other


def _match_key(
    parsed: PassengerList, departure_at: dt.datetime | None, departure_local: dt.datetime | None
) -> str:
    flight = parsed.flight
    number = (flight.number or flight.conveyance_reference or flight.vessel_name).upper()
    when = departure_local or departure_at
    day = when.date().isoformat() if when is not None else ""
    return f"{number}|{day}|{flight.departure_port.upper()}|{flight.arrival_port.upper()}"[:120]


def _flight_fields(
    travel_list: TravelList | None,
    flight: Flight,
    departure_at: dt.datetime | None,
    arrival_at: dt.datetime | None,
) -> dict[str, Any]:
    """What a filing makes of the list's flight: the filing's values, except that on an existing list what
    the filing leaves out (a check-in system that sends no arrival time, no vessel name) keeps what the
    list already says, so that a check-in never wipes what the carrier's full list gave."""
    legs = [leg.to_json() for leg in flight.legs]
    values: dict[str, Any] = {
        "vessel_name": flight.vessel_name[:100],
        "vessel_id": flight.vessel_id[:20],
        "departure_at": departure_at,
        "arrival_at": arrival_at,
        "legs": legs,
    }
    if travel_list is None or travel_list.pk is None:
        return values
    for name in ("vessel_name", "vessel_id", "departure_at", "arrival_at"):
        if values[name] in ("", None):
            values[name] = getattr(travel_list, name)
    old = travel_list.legs or []
    if len(old) == len(legs) and all(
        (a["departure_port"], a["arrival_port"]) == (b["departure_port"], b["arrival_port"])
        for a, b in zip(old, legs, strict=True)
    ):
        values["legs"] = [
            {k: (v if v not in ("", None) else b.get(k)) for k, v in a.items()}
            for a, b in zip(legs, old, strict=True)
        ]
    return values


@transaction.atomic
def passenger_list_file(
    *,
    actor: User | None,
    carrier: Carrier,
    parsed: PassengerList,
    source_format: str,
    sha256: str = "",
    warnings: Sequence[dict[str, Any]] = (),
    mode: str = Mode.BATCH,
    function: str | None = None,
    announce: bool = True,
) -> Filing:
    """File one list (one PAXLST message, one flight of a table, one API call): create the flight's list
    or update its one current list; make or follow its declaration and (``announce``) send the
    declaration's event, so the queue screens and assesses the list. The interactive check screens the
    travellers it files itself and does not announce."""
    function = function or filing_function(parsed)
    departure, arrival, owner, other = _check_flight(parsed)
    flight = parsed.flight
    departure_at = _aware(flight.departure_local, departure)
    arrival_at = _aware(flight.arrival_local, arrival)
    list_kind = ListKind.CREW if (parsed.document_code in CREW_DOCUMENT_CODES) else ListKind.PASSENGERS
    if list_kind == ListKind.PASSENGERS and parsed.people and all(p.role == "crew" for p in parsed.people):
        list_kind = ListKind.CREW
    transport = Transport.SEA if (flight.vessel_name or flight.vessel_id) else Transport.AIR
    key = _match_key(parsed, departure_at, flight.departure_local)
    now = timezone.now()

    travel_list = (
        TravelList.objects.select_for_update().filter(carrier=carrier, kind=list_kind, match_key=key).first()
    )
    created = travel_list is None
    if travel_list is None:
        if function in (Function.CANCEL, Function.REMOVE):
            raise ValidationError(
                {"function": [_("There is no list of this flight or voyage to cancel or change.")]}
            )
        travel_list = TravelList(
            reference=new_reference(),
            carrier=carrier,
            kind=list_kind,
            transport=transport,
            mode=mode,
            match_key=key,
            status=ListStatus.FILED,
            version=1,
            filed_at=now,
        )
    else:
        if travel_list.status == ListStatus.CANCELLED:
            raise ValidationError(
                {"function": [_("This list was cancelled: a new list needs a new flight or voyage.")]}
            )
        travel_list.version += 1
        if function == Function.CANCEL:
            target = ListStatus.CANCELLED
        elif function == Function.CLOSE:
            target = ListStatus.CLOSED
        else:
            target = ListStatus.AMENDED
        LIST_STATUS.move(travel_list, target, actor=actor, note=function)
    fields = _flight_fields(None if created else travel_list, flight, departure_at, arrival_at)
    travel_list.number = (flight.number or flight.conveyance_reference or flight.vessel_name)[:20]
    travel_list.vessel_name, travel_list.vessel_id = fields["vessel_name"], fields["vessel_id"]
    travel_list.departure_port_code = flight.departure_port[:5].upper()
    travel_list.arrival_port_code = flight.arrival_port[:5].upper()
    travel_list.departure_port, travel_list.arrival_port = departure, arrival
    travel_list.departure_at, travel_list.arrival_at = fields["departure_at"], fields["arrival_at"]
    travel_list.legs = fields["legs"]
    travel_list.administration, travel_list.departure_administration = owner, other
    travel_list.save()

    version = travel_list.version
    added = changed = removed = 0
    touched: list[int] = []
    if function != Function.CANCEL:
        people = [(person, _role(person, list_kind)) for person in parsed.people]
        identities = [_identity(person, role) for person, role in people]
        on_list = Traveller.objects.filter(travel_list=travel_list)
        if created:
            on_list = on_list.none()
        elif function in (Function.CHANGE, Function.REMOVE):
            # A change names the people it changes: the rest of the flight need not be read.
            on_list = on_list.filter(identity__in=identities)
        existing = {t.identity: t for t in on_list.prefetch_related("documents")}
        seen: set[str] = set()
        new_rows: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = []
        updates: list[Traveller] = []
        replaced_documents: list[tuple[Traveller, list[dict[str, Any]]]] = []
        for (person, role), identity in zip(people, identities, strict=True):
            if identity in seen:
                continue  # listed twice in one filing: one person
            seen.add(identity)
            values, docs = _person_values(person, role), _document_values(person)
            row = existing.get(identity)
            if function == Function.REMOVE:
                if row is not None and row.removed_in is None:
                    row.removed_in, row.changed_in = version, version
                    updates.append(row)
                    removed += 1
                continue
            if row is None:
                new_rows.append((identity, values, docs))
                added += 1
                continue
            differs = any(getattr(row, n) != v for n, v in values.items() if n != "line")
            docs_differ = _stored_documents(row) != docs
            if differs or docs_differ or row.removed_in is not None:
                for name, value in values.items():
                    setattr(row, name, value)
                row.removed_in, row.changed_in = None, version
                updates.append(row)
                changed += 1
                if docs_differ:
                    replaced_documents.append((row, docs))
            touched.append(row.pk)
        if function in (Function.ORIGINAL, Function.REPLACE, Function.CLOSE):
            for identity, row in existing.items():
                if identity not in seen and row.removed_in is None:
                    row.removed_in, row.changed_in = version, version
                    updates.append(row)
                    removed += 1
        new_ids = _travellers_insert(travel_list, version, new_rows, whole_list=created)
        touched.extend(new_ids)
        if updates:
            _travellers_update(updates)
        if replaced_documents:
            TravellerDocument.objects.filter(traveller__in=[row for row, _d in replaced_documents]).delete()
        _documents_insert(
            [
                *((pk, docs) for pk, (_i, _v, docs) in zip(new_ids, new_rows, strict=True)),
                *((row.pk, docs) for row, docs in replaced_documents),
            ]
        )

    counts = dict(
        Traveller.objects.filter(travel_list=travel_list, removed_in__isnull=True)
        .order_by()
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    filed = TravelListVersion.objects.create(
        travel_list=travel_list,
        number=version,
        function=function
        if not created
        else (function if function != Function.CHANGE else Function.ORIGINAL),
        source_format=source_format[:12],
        message_reference=(parsed.reference or parsed.document_id)[:40],
        sha256=sha256,
        passengers=counts.get(Role.PASSENGER, 0),
        crew=counts.get(Role.CREW, 0),
        added=added,
        changed=changed,
        removed=removed,
        warnings=list(warnings)[:200],
        filed_by=actor if actor is not None and actor.is_authenticated else None,
        filed_at=now,
    )
    declaration, made = list_declaration_sync(travel_list)
    if not announce:
        pass
    elif made:
        declarations.send_on_commit(declarations.declaration_filed, declaration)
    elif travel_list.status == ListStatus.CANCELLED:
        declarations.send_on_commit(declarations.declaration_cancelled, declaration)
    else:
        declarations.send_on_commit(declarations.declaration_amended, declaration)
    audit_record(
        actor=actor,
        action="passengers.list_file",
        obj=travel_list,
        summary=f"{travel_list.reference} v{version} {function}: +{added} ~{changed} -{removed}",
        data={
            "version": version,
            "function": function,
            "format": source_format,
            "sha256": sha256,
            "added": added,
            "changed": changed,
            "removed": removed,
            "passengers": filed.passengers,
            "crew": filed.crew,
            "warnings": len(warnings),
        },
    )
    return Filing(travel_list=travel_list, version=filed, created=created, touched=touched)


#: The columns of a new traveller, in the order ``_travellers_insert`` writes them.
_NEW_TRAVELLER_COLUMNS = (
    "travel_list_id",
    "identity",
    *PERSON_FIELDS,
    "added_in",
    "changed_in",
    "removed_in",
    "answer",
    "answer_reasons",
    "answered_at",
    "answer_defaulted",
    "case_reference",
    "masked_at",
    "name_hash",
    "birth_hash",
    "document_hash",
    "sealed",
)
#: Below this many rows, Django's own statements are cheaper than staging rows in a temporary table.
_BULK_UPDATE_FROM = 200


def _plain(value: Any) -> Any:
    """A choice (``Role.CREW``) as its stored string; other values as they are."""
    return str(value) if isinstance(value, str) else value


def _new_traveller_row(
    list_id: int,
    identity: str,
    values: dict[str, Any],
    version: int,
    answer: Sequence[Any] = ("", "[]", None, False),
) -> tuple[Any, ...]:
    """A new traveller's values in ``_NEW_TRAVELLER_COLUMNS``' order: on the list since ``version``, not
    masked, not linked to a case; ``answer`` (answer, reasons, answered at, by default) when it has one."""
    return (
        list_id,
        identity,
        *(_plain(values[name]) for name in PERSON_FIELDS),
        version,
        version,
        None,
        *answer,
        "",
        None,
        "",
        "",
        "",
        b"",
    )


def _travellers_insert(
    travel_list: TravelList,
    version: int,
    rows: Sequence[tuple[str, dict[str, Any], list[dict[str, Any]]]],
    *,
    whole_list: bool,
) -> list[int]:
    """Insert new travellers (identity, person values, documents) as plain rows, no model instances
    (``core.bulk``: COPY on PostgreSQL, one prepared statement on SQLite); their ids in the rows' order.
    ``whole_list``: the list had no one before, so every traveller on it is new."""
    if not rows:
        return []
    bulk.insert(
        Traveller._meta.db_table,
        _NEW_TRAVELLER_COLUMNS,
        (_new_traveller_row(travel_list.pk, identity, values, version) for identity, values, _docs in rows),
    )
    on_list = Traveller.objects.filter(travel_list=travel_list).order_by()
    ids: dict[str, int] = {}
    if whole_list:
        ids.update(on_list.values_list("identity", "pk"))
    else:
        identities = [identity for identity, _v, _d in rows]
        for start in range(0, len(identities), 1000):
            ids.update(
                on_list.filter(identity__in=identities[start : start + 1000]).values_list("identity", "pk")
            )
    return [ids[identity] for identity, _v, _d in rows]


def _travellers_update(rows: Sequence[Traveller]) -> None:
    """Write the person fields and versions of changed or removed travellers: a resent ship's list in a
    few statements (``core.bulk.update``) instead of Django's CASE per field and row."""
    fields = [*PERSON_FIELDS, "removed_in", "changed_in"]
    if len(rows) < _BULK_UPDATE_FROM:
        Traveller.objects.bulk_update(rows, fields, batch_size=500)
        return
    # These fields are plain columns of the same names.
    bulk.update(
        Traveller._meta.db_table,
        "id",
        fields,
        [(row.pk, *(_plain(getattr(row, name)) for name in fields)) for row in rows],
    )


def _documents_insert(rows: Iterable[tuple[int, list[dict[str, Any]]]]) -> None:
    """Insert the travel documents of travellers (their id, their documents), as plain rows."""
    values = [
        (pk, doc["type"], doc["number"], doc["issuing_state"], doc["expiry"])
        for pk, docs in rows
        for doc in docs
    ]
    if values:
        bulk.insert(
            TravellerDocument._meta.db_table,
            ("traveller_id", "type", "number", "issuing_state", "expiry"),
            values,
        )


def passenger_list_type(
    *, actor: User, carrier: Carrier, flight: dict[str, Any], people: Sequence[dict[str, Any]]
) -> Filing:
    """A list typed in on the page by a carrier without a system of its own: the flight's cleaned fields
    (number, kind, vessel_name, ports, local dates and times) and each person's. Filed as any list is:
    the flight's one current list is made or replaced. A ValidationError names the field at fault."""
    if not is_carrier_user(actor, carrier.pk):
        raise PermissionDenied
    role = "crew" if flight["kind"] == ListKind.CREW else "passenger"
    typed = flight["number"]
    number = flight_number(carrier.code, typed)  # "BW484" typed by Caribbean Airlines (BW) is its flight 484
    parsed = PassengerList(
        message_type="FORM",
        document_code="250" if role == "crew" else "745",
        flight=Flight(
            carrier=carrier.code,
            number=number,
            conveyance_reference=typed,
            vessel_name=flight.get("vessel_name", ""),
            legs=[
                Leg(
                    departure_port=flight["departure_port"],
                    departure_local=dt.datetime.combine(flight["departure_date"], flight["departure_time"]),
                    arrival_port=flight["arrival_port"],
                    arrival_local=dt.datetime.combine(flight["arrival_date"], flight["arrival_time"]),
                )
            ],
        ),
        people=[
            Person(
                role=role,
                surname=p["surname"].strip().upper(),
                given_names=p.get("given_names", "").strip().upper(),
                gender=p.get("gender", ""),
                date_of_birth=p["date_of_birth"],
                nationality=p["nationality"],
                documents=[
                    TravelDocument(
                        type=p["document_type"],
                        number=p["document_number"],
                        issuing_state=p["document_issuing_state"],
                        expiry=p["document_expiry"],
                    )
                ],
                where=Where(line=row),
            )
            for row, p in enumerate(people, start=1)
        ],
    )
    if flight["arrival_date"] < flight["departure_date"]:
        raise ValidationError({"arrival_date": _("The day of arrival is before the day of departure.")})
    return passenger_list_file(actor=actor, carrier=carrier, parsed=parsed, source_format="form")


@dataclass
class ImportOutcome:
    """What reading and (unless checking) storing a file gave."""

    result: PassengerListResult
    filings: list[Filing] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result.ok and not self.errors

    def to_json(self) -> dict[str, Any]:
        data = self.result.to_json()
        data["ok"] = self.ok
        data["errors"] = [*data["errors"], *self.errors]
        data["stored"] = [
            {
                "reference": f.travel_list.reference,
                "version": f.version.number,
                "function": f.version.function,
                "status": f.travel_list.status,
                "administration": f.travel_list.administration.code,
                "passengers": f.version.passengers,
                "crew": f.version.crew,
                "added": f.version.added,
                "changed": f.version.changed,
                "removed": f.version.removed,
            }
            for f in self.filings
        ]
        return data


def _validation_issues(error: ValidationError, parsed: PassengerList) -> list[dict[str, Any]]:
    where = parsed.where.to_json()
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return [
        {"code": f"invalid_{name or 'list'}", "message": str(message), "where": where}
        for name, items in messages.items()
        for message in items
    ]


def passenger_list_import(
    *,
    actor: User | None,
    data: bytes,
    format: str = "auto",
    carrier: Carrier | None = None,
    check: bool = False,
    max_bytes: int | None = None,
) -> ImportOutcome:
    """Read a file and (unless ``check``) file each list in it, all or nothing. Without a carrier, each list's
    carrier is the one its file names (the command line). Never raises on bad input."""
    kwargs: dict[str, Any] = {} if max_bytes is None else {"max_bytes": max_bytes}
    result = read_passenger_list(data, format, **kwargs)
    outcome = ImportOutcome(result=result)
    if not result.ok or check:
        return outcome
    sha256 = hashlib.sha256(data).hexdigest()
    warnings = [w.to_json() for w in result.warnings]
    try:
        with transaction.atomic():
            for parsed in result.lists:
                try:
                    owner = carrier or carrier_for_code(
                        actor=actor,
                        code=parsed.flight.carrier,
                        name=parsed.sender_name,
                        transport=Transport.SEA if parsed.flight.vessel_name else Transport.AIR,
                    )
                    outcome.filings.append(
                        passenger_list_file(
                            actor=actor,
                            carrier=owner,
                            parsed=parsed,
                            source_format=result.format,
                            sha256=sha256,
                            warnings=warnings,
                        )
                    )
                except ValidationError as exc:
                    outcome.errors.extend(_validation_issues(exc, parsed))
            if outcome.errors:
                raise _Rollback
    except _Rollback:
        outcome.filings = []
    return outcome


class _Rollback(Exception):
    pass


@transaction.atomic
def passenger_list_cancel(*, actor: User, travel_list: TravelList, reason: str) -> TravelList:
    """The carrier cancels a whole list (the flight or sailing will not operate)."""
    travel_list = TravelList.objects.select_for_update().get(pk=travel_list.pk)
    if not is_carrier_user(actor, travel_list.carrier_id):
        raise PermissionDenied
    travel_list.version += 1
    LIST_STATUS.move(travel_list, ListStatus.CANCELLED, actor=actor, note=reason[:500])
    travel_list.save()
    TravelListVersion.objects.create(
        travel_list=travel_list,
        number=travel_list.version,
        function=Function.CANCEL,
        source_format="api",
        filed_by=actor,
        filed_at=timezone.now(),
    )
    declaration, _made = list_declaration_sync(travel_list)
    declarations.send_on_commit(declarations.declaration_cancelled, declaration)
    audit_record(actor=actor, action="passengers.list_cancel", obj=travel_list, summary=reason[:200])
    return travel_list


# --- Boarding answers -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoardingAnswer:
    traveller: Traveller
    answer: str
    reasons: tuple[str, ...]
    defaulted: bool = False


def _answer(
    role: str, dispositions: Iterable[str], documents: Iterable[tuple[str, dt.date | None]], on: dt.date
) -> tuple[str, tuple[str, ...]]:
    """The answer from the dispositions of a traveller's current hits and their documents (number,
    expiry): a confirmed hit is NOT TO BOARD; a hit to review, an expired or missing document is CONTACT
    THE AUTHORITY; otherwise OK TO BOARD."""
    reasons: list[str] = []
    open_hits = [d for d in dispositions if d != Disposition.FALSE_POSITIVE]
    if any(d == Disposition.TRUE_MATCH for d in open_hits):
        return Answer.NOT_TO_BOARD, (REASON_WATCHLIST,)
    if open_hits:
        reasons.append(REASON_WATCHLIST)
    documents = list(documents)
    if any(document_expired(expiry, on) for _number, expiry in documents):
        reasons.append(REASON_DOCUMENT_EXPIRED)
    if role == Role.PASSENGER and not any(number for number, _expiry in documents):
        reasons.append(REASON_DOCUMENT_MISSING)
    return (Answer.CONTACT if reasons else Answer.OK_TO_BOARD), tuple(reasons)


def traveller_answer(traveller: Traveller, hits: Iterable[Hit], on: dt.date) -> tuple[str, tuple[str, ...]]:
    """The answer the screening result gives (see ``_answer``), from the traveller's current hits."""
    return _answer(
        traveller.role,
        [h.disposition for h in hits],
        [(d.number, d.expiry) for d in traveller.documents.all()],
        on,
    )


def answers_for(travel_list: TravelList, travellers: Sequence[Traveller]) -> list[BoardingAnswer]:
    """Answers from the current hits (the list's declaration, by traveller)."""
    keys = {t.subject_key: t for t in travellers}
    by_key: dict[str, list[Hit]] = {}
    if travel_list.declaration_id is not None:
        for hit in Hit.objects.filter(
            declaration_id=travel_list.declaration_id, is_current=True, subject_key__in=list(keys)
        ):
            by_key.setdefault(hit.subject_key, []).append(hit)
    on = arrival_day(travel_list)
    answers = []
    for traveller in travellers:
        answer, reasons = traveller_answer(traveller, by_key.get(traveller.subject_key, []), on)
        answers.append(BoardingAnswer(traveller, answer, reasons))
    return answers


def policy_for(administration_id: int) -> RetentionPolicy:
    policy = RetentionPolicy.objects.filter(administration_id=administration_id).first()
    return policy or RetentionPolicy(administration_id=administration_id)


_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="boarding-check")


def _refresh_in_thread(administration_id: int) -> boarding.Context:
    close_old_connections()
    try:
        return boarding.refresh(Administration.objects.get(pk=administration_id))
    finally:
        close_old_connections()


def _screen_within(
    administration_id: int, subjects: list[declarations.Subject], seconds: float
) -> tuple[boarding.Context, list[list[boarding.Found]]] | None:
    """Each subject's matches against every list, lookout and alert the administration may use (with
    what was screened against), or None
    when screening could not finish within ``seconds``. What to screen against is kept in memory
    (``boarding``); when it must be read again, that is done in a worker thread and waited for
    ``seconds`` (a late read still finishes, for the next check-ins). Inside a transaction (tests) it is
    read here."""
    context = boarding.fresh(administration_id)
    if context is None and connection.in_atomic_block:
        context = boarding.refresh(Administration.objects.get(pk=administration_id))
    elif context is None:
        future = _executor.submit(_refresh_in_thread, administration_id)
        try:
            context = future.result(timeout=max(seconds, 0))
        except FutureTimeout:
            return None
    return context, boarding.screen(context, subjects)


#: Ports, policies and an API account's carrier as the interactive check reads them, kept as long as the
#: screening context (``boarding.cache_seconds()``): reference data that changes a few times a year, dropped
#: at once in this process when one of these records is saved (``core.memo``).
KEPT: KeyedProcessCache[Any] = KeyedProcessCache(
    "passengers.boarding",
    ttl=boarding.cache_seconds,
    models=[Port, RetentionPolicy, Carrier, OrganisationMember],
)


def kept_for(key: tuple[str, Any], read: Callable[[], Any]) -> Any:
    """What ``read()`` gives, kept under ``key`` for ``boarding.cache_seconds()`` (not at all when 0)."""
    return KEPT.get(key, read)


def _port_kept(code: str) -> Port | None:
    return kept_for(("port", code), lambda: port_for(code))


def _policy_kept(administration_id: int) -> RetentionPolicy:
    return kept_for(("policy", administration_id), lambda: policy_for(administration_id))


def _person_subject(person: Person, role: str) -> declarations.Subject:
    """A person of a check-in as screening's subject, before they are stored (the subject's key is the
    stored traveller's; screening's matches do not depend on it)."""
    return person_subject(
        ListedPerson(
            pk=0,
            role=role,
            surname=person.surname[:100],
            given_names=person.given_names[:100],
            gender=person.gender[:1],
            date_of_birth=person.date_of_birth,
            nationality=person.nationality[:3],
            country_of_residence=person.country_of_residence[:3],
            reservation_locator=person.reservation_locator[:20],
            bags=None,
            in_transit=bool(person.in_transit),
            masked=False,
            documents=tuple(
                ListedDocument(d["number"], d["issuing_state"], d["expiry"]) for d in _document_values(person)
            ),
        )
    )


@dataclass
class _Checked:
    """One person of a check-in: their row's values, documents and identity, what screening found, and
    once stored their traveller."""

    person: Person
    role: str
    identity: str
    values: dict[str, Any]
    documents: list[dict[str, Any]]
    found: list[boarding.Found] | None
    traveller: Traveller | None = None
    existed: bool = False


def boarding_check(
    *, actor: User, carrier: Carrier, parsed: PassengerList, source_format: str = "json"
) -> tuple[TravelList, list[BoardingAnswer]]:
    """Interactive mode: a check-in system sends one passenger (or a few) of a flight; each is added to (or
    updated on) the flight's list, screened on their own (the rest of the flight was screened when it
    checked in), and answered OK TO BOARD, NOT TO BOARD or CONTACT THE AUTHORITY. If screening does not
    finish within the administration's time, its default answer is sent, the answer is marked as such and
    the officers see it on the flight.

    The person is screened first (against what ``boarding`` keeps in memory), then filed and answered in
    one transaction with ONE audit event carrying the filing, the screening and the answers. The hits
    are recorded after the answer, with the flight's criteria and lane, by the queue
    (``tasks.boarding_screen_task``)."""
    started = time.monotonic()
    departure, arrival, owner, other = _check_flight(parsed, ports=_port_kept)
    policy = _policy_kept(owner.pk)
    list_kind = ListKind.CREW if (parsed.document_code in CREW_DOCUMENT_CODES) else ListKind.PASSENGERS
    if parsed.people and all(p.role == "crew" for p in parsed.people):
        list_kind = ListKind.CREW
    people: list[_Checked] = []
    seen: set[str] = set()
    for person in parsed.people:
        role = _role(person, list_kind)
        identity = _identity(person, role)
        if identity in seen:
            continue  # listed twice in one check: one person
        seen.add(identity)
        people.append(
            _Checked(person, role, identity, _person_values(person, role), _document_values(person), None)
        )
    budget = policy.answer_within_ms / 1000 - (time.monotonic() - started)
    screened = _screen_within(owner.pk, [_person_subject(c.person, c.role) for c in people], budget)
    context = screened[0] if screened is not None else boarding.EMPTY
    if screened is not None:
        for checked, matches in zip(people, screened[1], strict=True):
            checked.found = matches
    with transaction.atomic(), audit_as_one(actor=actor, action="passengers.boarding_answer") as event:
        checked_in = _check_in_lean(
            actor=actor,
            carrier=carrier,
            parsed=parsed,
            list_kind=list_kind,
            ports=(departure, arrival),
            owner=owner,
            other=other,
            people=people,
            policy=policy,
            source_format=source_format,
        )
        if checked_in is None:
            checked_in = _check_in(
                actor=actor,
                carrier=carrier,
                parsed=parsed,
                people=people,
                policy=policy,
                source_format=source_format,
            )
        travel_list, answers, created, version = checked_in
        defaulted = sum(1 for a in answers if a.defaulted)
        matched = sum(len(c.found or ()) for c in people)
        event.obj = travel_list
        event.summary = (
            f"{travel_list.reference} v{version}: {len(answers)} answered, {defaulted} by default, "
            f"{matched} matches"
        )
        event.data = {
            "version": version,
            "function": Function.CHANGE if not created else Function.ORIGINAL,
            "format": source_format,
            "screened": len(people) if screened is not None else 0,
            "matches": matched,
            "lists": [list(u) for u in context.used],
            "answers": [[a.traveller.pk, a.answer, list(a.reasons), a.defaulted] for a in answers],
        }
        declaration_id = travel_list.declaration_id
        assert declaration_id is not None
        traveller_ids = [a.traveller.pk for a in answers]
        from .tasks import boarding_screen_task

        # the task's row written in this transaction (visible to the workers when it commits), not by a
        # statement and a commit of its own after it
        enqueue_with_transaction(
            [
                (
                    boarding_screen_task,
                    {"declaration_id": declaration_id, "traveller_ids": traveller_ids, "vessel": created},
                )
            ]
        )
    return travel_list, answers


def _answers_of(
    people: Sequence[_Checked],
    dispositions: dict[tuple[str, int, str], str],
    on: dt.date,
    policy: RetentionPolicy,
) -> list[tuple[str, tuple[str, ...], bool]]:
    """(answer, reasons, defaulted) per person: from screening's matches now and the dispositions of the
    hits they already had on this list (a hit found again keeps its review), or the default answer."""
    results: list[tuple[str, tuple[str, ...], bool]] = []
    for c in people:
        if c.found is None:
            results.append((policy.default_answer, (REASON_LATE,), True))
            continue
        key = c.traveller.subject_key if c.traveller is not None and c.existed else ""
        answer, reasons = _answer(
            c.role,
            [dispositions.get((key, w, e), Disposition.PENDING) for w, e, _score in c.found],
            [(d["number"], d["expiry"]) for d in c.documents],
            on,
        )
        results.append((answer, reasons, False))
    return results


def _dispositions(declaration_id: int | None, people: Sequence[_Checked]) -> dict[tuple[str, int, str], str]:
    """The reviews of the hits the people already on the list had: (subject key, list, entity)."""
    keys = [c.traveller.subject_key for c in people if c.existed and c.traveller is not None and c.found]
    if declaration_id is None or not keys:
        return {}
    return {
        (key, w, e): disposition
        for key, w, e, disposition in Hit.objects.filter(
            declaration_id=declaration_id, subject_key__in=keys
        ).values_list("subject_key", "watchlist_id", "entity_id", "disposition")
    }


def _with_documents(traveller: Traveller, documents: Sequence[dict[str, Any]]) -> Traveller:
    """The traveller with its documents as if prefetched (``traveller.documents.all()`` reads no more)."""
    prefetched = TravellerDocument.objects.none()
    prefetched._result_cache = [TravellerDocument(traveller_id=traveller.pk, **d) for d in documents]
    prefetched._prefetch_done = True  # type: ignore[attr-defined]
    traveller._prefetched_objects_cache = {"documents": prefetched}  # type: ignore[attr-defined]
    return traveller


#: The list's columns, read by `_list_for_check` into a model.
_LIST_ROW = RowModels.of((TravelList, "l"))


@functools.cache
def _list_for_check_sql(vendor: str) -> str:
    """The flight's list, locked (where the database can), with the counts its current version filed (to
    count the next from them)."""
    return (
        f"SELECT {_LIST_ROW.select_list()}, v.passengers, v.crew "  # noqa: S608 - the model's columns
        "FROM passengers_travellist l LEFT JOIN passengers_travellistversion v "
        "ON v.travel_list_id = l.id AND v.number = l.version "
        "WHERE l.carrier_id = %s AND l.kind = %s AND l.match_key = %s"
        + (" FOR UPDATE OF l" if connection.features.has_select_for_update_of else "")
    )


def _list_for_check(
    carrier_id: int, kind: str, match_key: str
) -> tuple[TravelList, int | None, int | None] | None:
    """The flight's list, locked to the end of the transaction (PostgreSQL), with the passenger and crew
    counts its current version filed; None when the carrier has no such list. One plain statement, the
    row made into a model as the ORM makes it (`core.rows`), without a raw queryset's machinery on every
    check-in."""
    with connection.cursor() as cursor:
        cursor.execute(_list_for_check_sql(connection.vendor), [carrier_id, kind, match_key])
        row = cursor.fetchone()
    if row is None:
        return None
    (travel_list,), (passengers, crew) = _LIST_ROW.read(row)
    return cast(TravelList, travel_list), passengers, crew


def _people_on_list(travel_list_id: int, identities: Sequence[str]) -> list[int]:
    """The ids of the travellers of the list with these identities (without the model's ordering, which
    joined the list to sort)."""
    return list(
        Traveller.objects.filter(travel_list_id=travel_list_id, identity__in=identities)
        .order_by()
        .values_list("pk", flat=True)
    )


def _check_in_lean(
    *,
    actor: User,
    carrier: Carrier,
    parsed: PassengerList,
    list_kind: str,
    ports: tuple[Port | None, Port | None],
    owner: Administration,
    other: Administration | None,
    people: Sequence[_Checked],
    policy: RetentionPolicy,
    source_format: str,
) -> tuple[TravelList, list[BoardingAnswer], bool, int] | None:
    """A check-in on a flight whose list exists and says the same of the flight, of people new to it or
    unchanged: the list locked, each new traveller inserted with their answer, the version, the list and
    its declaration moved on, each a plain statement (about ten in all, where the general filing and
    answers took thirty). None when the check-in needs the general filing (``_check_in``)."""
    if not people:
        return None
    flight = parsed.flight
    departure, arrival = ports
    departure_at = _aware(flight.departure_local, departure)
    key = _match_key(parsed, departure_at, flight.departure_local)
    found_list = _list_for_check(carrier.pk, list_kind, key)
    if found_list is None:
        return None
    travel_list, filed_passengers, filed_crew = found_list
    if filed_passengers is None or filed_crew is None:
        return None  # no version filed: the general filing
    fields = _flight_fields(travel_list, flight, departure_at, _aware(flight.arrival_local, arrival))
    same = (
        travel_list.status != ListStatus.CANCELLED
        and travel_list.masked_at is None
        and travel_list.declaration_id is not None
        and travel_list.number == (flight.number or flight.conveyance_reference or flight.vessel_name)[:20]
        and travel_list.vessel_name == fields["vessel_name"]
        and travel_list.vessel_id == fields["vessel_id"]
        and travel_list.departure_port_code == flight.departure_port[:5].upper()
        and travel_list.arrival_port_code == flight.arrival_port[:5].upper()
        and travel_list.departure_port_id == (departure.pk if departure is not None else None)
        and travel_list.arrival_port_id == (arrival.pk if arrival is not None else None)
        and travel_list.departure_at == fields["departure_at"]
        and travel_list.arrival_at == fields["arrival_at"]
        and travel_list.legs == fields["legs"]
        and travel_list.administration_id == owner.pk
        and travel_list.departure_administration_id == (other.pk if other is not None else None)
    )
    if not same:
        return None
    # mostly nobody: the ids alone say so, and only the people found are loaded with their documents
    found_ids = _people_on_list(travel_list.pk, [c.identity for c in people])
    existing = (
        {t.identity: t for t in Traveller.objects.filter(pk__in=found_ids).prefetch_related("documents")}
        if found_ids
        else {}
    )
    for c in people:
        row = existing.get(c.identity)
        if row is None:
            continue
        if (
            row.removed_in is not None
            or any(getattr(row, n) != v for n, v in c.values.items() if n != "line")
            or _stored_documents(row) != c.documents
        ):
            return None  # a change: the general filing
        c.traveller, c.existed = row, True

    now = timezone.now()
    version = travel_list.version + 1
    travel_list.arrival_port = arrival
    travel_list.departure_port = departure
    travel_list.carrier = carrier
    travel_list.administration = owner
    results = _answers_of(
        people, _dispositions(travel_list.declaration_id, people), arrival_day(travel_list), policy
    )
    ops = connection.ops
    reasons_field = Traveller._meta.get_field("answer_reasons")
    answered_at = ops.adapt_datetimefield_value(now)
    added: dict[str, int] = {Role.PASSENGER: 0, Role.CREW: 0}
    new_documents: list[tuple[int, list[dict[str, Any]]]] = []
    with connection.cursor() as cursor:
        for c, (answer, reasons, defaulted) in zip(people, results, strict=True):
            answer_values = [
                answer,
                reasons_field.get_db_prep_value(list(reasons), connection),
                answered_at,
                defaulted,
            ]
            if c.traveller is not None:
                cursor.execute(
                    "UPDATE passengers_traveller SET answer = %s, answer_reasons = %s, answered_at = %s, "
                    "answer_defaulted = %s WHERE id = %s",
                    [*answer_values, c.traveller.pk],
                )
            else:
                values = {**c.values, "date_of_birth": ops.adapt_datefield_value(c.values["date_of_birth"])}
                cursor.execute(
                    f"INSERT INTO passengers_traveller ({', '.join(_NEW_TRAVELLER_COLUMNS)}) "  # noqa: S608 - the constant's columns
                    f"VALUES ({', '.join(['%s'] * len(_NEW_TRAVELLER_COLUMNS))}) RETURNING id",
                    _new_traveller_row(travel_list.pk, c.identity, values, version, answer_values),
                )
                pk = cursor.fetchone()[0]
                c.traveller = _with_documents(
                    Traveller(
                        pk=pk,
                        travel_list_id=travel_list.pk,
                        identity=c.identity,
                        added_in=version,
                        changed_in=version,
                        **c.values,
                    ),
                    c.documents,
                )
                added[c.role] += 1
                new_documents.append((pk, list(c.documents)))
            c.traveller.answer, c.traveller.answer_reasons = answer, list(reasons)
            c.traveller.answered_at, c.traveller.answer_defaulted = now, defaulted
        _documents_insert(new_documents)
        defaulted_count = sum(1 for _a, _r, defaulted in results if defaulted)
        LIST_STATUS.move(travel_list, ListStatus.AMENDED, actor=actor, note=Function.CHANGE)
        cursor.execute(
            "UPDATE passengers_travellist SET version = %s, status = %s, updated_at = %s, "
            "defaulted_answers = defaulted_answers + %s WHERE id = %s",
            [version, travel_list.status, answered_at, defaulted_count, travel_list.pk],
        )
        cursor.execute(
            "UPDATE core_declaration SET version = %s, updated_at = %s WHERE id = %s",
            [version, answered_at, travel_list.declaration_id],
        )
        cursor.execute(
            "INSERT INTO passengers_travellistversion (travel_list_id, number, function, source_format, "
            "message_reference, sha256, passengers, crew, added, changed, removed, warnings, filed_by_id, "
            "filed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                travel_list.pk,
                version,
                Function.CHANGE,
                source_format[:12],
                (parsed.reference or parsed.document_id)[:40],
                "",
                filed_passengers + added[Role.PASSENGER],
                filed_crew + added[Role.CREW],
                sum(added.values()),
                0,
                0,
                TravelListVersion._meta.get_field("warnings").get_db_prep_value([], connection),
                actor.pk if actor is not None and actor.is_authenticated else None,
                answered_at,
            ],
        )
    travel_list.version = version
    travel_list.updated_at = now
    travel_list.defaulted_answers += defaulted_count
    answers = [
        BoardingAnswer(c.traveller, answer, reasons, defaulted)
        for c, (answer, reasons, defaulted) in zip(people, results, strict=True)
        if c.traveller is not None
    ]
    return travel_list, answers, False, version


def _check_in(
    *,
    actor: User,
    carrier: Carrier,
    parsed: PassengerList,
    people: Sequence[_Checked],
    policy: RetentionPolicy,
    source_format: str,
) -> tuple[TravelList, list[BoardingAnswer], bool, int]:
    """A check-in filed as any list is (a new flight, a changed traveller): the general filing, then the
    answers written on the travellers."""
    filing = passenger_list_file(
        actor=actor,
        carrier=carrier,
        parsed=parsed,
        source_format=source_format,
        mode=Mode.INTERACTIVE,
        function=Function.CHANGE,
        announce=False,
    )
    travel_list = filing.travel_list
    by_identity = {
        t.identity: t for t in Traveller.objects.filter(pk__in=filing.touched).prefetch_related("documents")
    }
    for c in people:
        c.traveller = by_identity[c.identity]
        c.existed = not filing.created and c.traveller.added_in != travel_list.version
    results = _answers_of(
        people, _dispositions(travel_list.declaration_id, people), arrival_day(travel_list), policy
    )
    answers = [
        BoardingAnswer(c.traveller, answer, reasons, defaulted)
        for c, (answer, reasons, defaulted) in zip(people, results, strict=True)
        if c.traveller is not None
    ]
    _record_answers(actor=None, travel_list=travel_list, answers=answers, audit=False)
    return travel_list, answers, filing.created, travel_list.version


@transaction.atomic
def _record_answers(
    *, actor: User | None, travel_list: TravelList, answers: Sequence[BoardingAnswer], audit: bool = True
) -> None:
    now = timezone.now()
    rows = []
    for a in answers:
        a.traveller.answer, a.traveller.answer_reasons = a.answer, list(a.reasons)
        a.traveller.answered_at, a.traveller.answer_defaulted = now, a.defaulted
        rows.append(a.traveller)
    Traveller.objects.bulk_update(rows, ["answer", "answer_reasons", "answered_at", "answer_defaulted"])
    defaulted = sum(1 for a in answers if a.defaulted)
    if defaulted:
        TravelList.objects.filter(pk=travel_list.pk).update(
            defaulted_answers=travel_list.defaulted_answers + defaulted
        )
        travel_list.defaulted_answers += defaulted
    if audit:
        audit_record(
            actor=actor,
            action="passengers.boarding_answer",
            obj=travel_list,
            summary=f"{travel_list.reference}: {len(answers)} answered, {defaulted} by default",
            data={"answers": [[a.traveller.pk, a.answer, list(a.reasons), a.defaulted] for a in answers]},
        )


def passenger_list_answer(*, actor: User | None, travel_list: TravelList) -> list[BoardingAnswer]:
    """The answers for everyone on a list (the batch acknowledgement), recorded on the travellers."""
    travellers = list(
        Traveller.objects.filter(travel_list=travel_list, removed_in__isnull=True).prefetch_related(
            "documents"
        )
    )
    answers = answers_for(travel_list, travellers)
    _record_answers(actor=actor, travel_list=travel_list, answers=answers)
    return answers


# --- Officers -------------------------------------------------------------------------------------------
def _require_arrival_official(actor: User, travel_list: TravelList) -> None:
    if not actor.is_official or actor.administration_id != travel_list.administration_id:
        raise PermissionDenied


@transaction.atomic
def arrival_check_record(
    *, actor: User, traveller: Traveller, outcome: str, notes: str = "", case_reference: str = ""
) -> ArrivalCheck:
    """Who was met at arrival and what was found; a seizure or case reference keeps the data past retention."""
    _require_arrival_official(actor, traveller.travel_list)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose what happened.")})
    notes, case_reference = notes.strip(), case_reference.strip()[:40]
    if outcome in CASE_OUTCOMES and not notes:
        raise ValidationError(
            {"notes": _("Say what was found or why the traveller was referred or refused.")}
        )
    check = ArrivalCheck.objects.create(
        traveller=traveller, officer=actor, met_at=timezone.now(), outcome=outcome, notes=notes
    )
    if case_reference and case_reference != traveller.case_reference:
        Traveller.objects.filter(pk=traveller.pk).update(case_reference=case_reference)
        traveller.case_reference = case_reference
    audit_record(
        actor=actor,
        action="passengers.arrival_check",
        obj=traveller,
        summary=f"{traveller.travel_list.reference}: {outcome}",
        data={"outcome": outcome, "case": case_reference},
    )
    return check


def traveller_read_log(*, actor: User, traveller: Traveller, what: str = "view") -> None:
    """Every read of a traveller's data is written to the audit trail (append-only, hash-chained)."""
    audit_record(
        actor=actor,
        action="passengers.read",
        obj=traveller,
        summary=f"{traveller.travel_list.reference} #{traveller.pk} {what}",
        data={"list": traveller.travel_list.reference, "what": what},
    )


@transaction.atomic
def unmask_request_create(*, actor: User, traveller: Traveller, reason: str) -> UnmaskRequest:
    _require_arrival_official(actor, traveller.travel_list)
    if traveller.masked_at is None:
        raise ValidationError({"reason": _("This traveller's data is not masked.")})
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Give the reason in a sentence: it is kept with the request.")})
    request = UnmaskRequest.objects.create(traveller=traveller, requested_by=actor, reason=reason)
    audit_record(
        actor=actor, action="passengers.unmask_request", obj=request, summary=traveller.travel_list.reference
    )
    return request


UNMASK_READ_DAYS = 7


@transaction.atomic
def unmask_request_decide(
    *, actor: User, request: UnmaskRequest, approve: bool, note: str = ""
) -> UnmaskRequest:
    """A second official (an administrator or supervisor other than the requester) approves or refuses."""
    request = (
        UnmaskRequest.objects.select_for_update().select_related("traveller__travel_list").get(pk=request.pk)
    )
    _require_arrival_official(actor, request.traveller.travel_list)
    if not (actor.is_administrator or actor.is_supervisor):
        raise PermissionDenied
    if actor.pk == request.requested_by_id:
        raise ValidationError({"decision": _("A second official must decide: you asked for this unmasking.")})
    target = UnmaskStatus.APPROVED if approve else UnmaskStatus.REFUSED
    UNMASK_STATUS.move(request, target, actor=actor, note=note[:500])
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()[:500]
    if approve:
        request.valid_until = request.decided_at + dt.timedelta(days=UNMASK_READ_DAYS)
    request.save()
    audit_record(actor=actor, action="passengers.unmask_decide", obj=request, summary=target)
    return request


def unmasked_data(*, actor: User, traveller: Traveller) -> dict[str, Any] | None:
    """The masked traveller's data for the official whose unmasking was approved (and not past its time);
    the read is logged. None otherwise."""
    if traveller.masked_at is None or not traveller.sealed:
        return None
    approved = UnmaskRequest.objects.filter(
        traveller=traveller,
        requested_by=actor,
        status=UnmaskStatus.APPROVED,
        valid_until__gt=timezone.now(),
    ).exists()
    if not approved:
        return None
    traveller_read_log(actor=actor, traveller=traveller, what="unmasked")
    return protection.unseal(traveller.sealed)


@transaction.atomic
def retention_policy_set(
    *,
    actor: User,
    mask_after_months: int,
    delete_after_years: int,
    default_answer: str,
    answer_within_ms: int,
) -> RetentionPolicy:
    """A supervisor sets the administration's retention and interactive default answer."""
    if not (actor.is_supervisor or actor.is_administrator) or actor.administration_id is None:
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not 1 <= mask_after_months <= 60:
        errors["mask_after_months"] = _("Between 1 and 60 months.")
    if not 1 <= delete_after_years <= 10:
        errors["delete_after_years"] = _("Between 1 and 10 years.")
    if delete_after_years * 12 < mask_after_months:
        errors["delete_after_years"] = _("Lists cannot be deleted before they are masked.")
    if not 100 <= answer_within_ms <= 10_000:
        errors["answer_within_ms"] = _("Between 100 and 10,000 milliseconds.")
    if default_answer not in (Answer.OK_TO_BOARD, Answer.CONTACT):
        errors["default_answer"] = _("Choose OK to board or contact the authority.")
    if errors:
        raise ValidationError(errors)
    policy, _created = RetentionPolicy.objects.get_or_create(administration_id=actor.administration_id)
    before = [
        policy.mask_after_months,
        policy.delete_after_years,
        policy.default_answer,
        policy.answer_within_ms,
    ]
    policy.mask_after_months, policy.delete_after_years = mask_after_months, delete_after_years
    policy.default_answer, policy.answer_within_ms = default_answer, answer_within_ms
    policy.updated_by = actor
    policy.save()
    audit_record(
        actor=actor,
        action="passengers.retention_set",
        obj=policy,
        summary=f"{mask_after_months} months / {delete_after_years} years",
        data={
            "before": before,
            "after": [mask_after_months, delete_after_years, default_answer, answer_within_ms],
        },
    )
    return policy


# --- Retention ------------------------------------------------------------------------------------------
def _months_before(now: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(now.month - 1 - months, 12)
    target_year, target_month = now.year + year, month + 1
    day = min(now.day, 28)
    return now.replace(year=target_year, month=target_month, day=day)


def linked_traveller_ids(travel_list_ids: Iterable[int]) -> set[int]:
    """Travellers linked to a case: a hit confirmed as a true match, an arrival check that found something
    (or referred or refused), or a case (seizure, alert) reference."""
    ids = list(travel_list_ids)
    linked = set(
        Traveller.objects.filter(travel_list_id__in=ids)
        .filter(Q(arrival_checks__outcome__in=CASE_OUTCOMES) | ~Q(case_reference=""))
        .values_list("pk", flat=True)
    )
    declaration_ids = dict(
        TravelList.objects.filter(pk__in=ids, declaration__isnull=False).values_list("declaration_id", "pk")
    )
    for key in Hit.objects.filter(
        declaration_id__in=list(declaration_ids),
        disposition=Disposition.TRUE_MATCH,
        subject_key__startswith="traveller:",
    ).values_list("subject_key", flat=True):
        linked.add(int(key.split(":", 1)[1]))
    return linked


#: Travellers masked or deleted in one transaction: whole lists are gathered up to this many travellers
#: (a ship's list of more is one batch of its own), so a long run stops and resumes between batches and
#: a list is never left half done.
RETENTION_BATCH = 5000
#: Rows per UPDATE statement when masking (each row carries its own seal and hashes: 5 parameters a row,
#: well within SQLite's 32,766).
MASK_ROWS_PER_STATEMENT = 2000

_SEALED_FIELDS = (
    "surname",
    "given_names",
    "date_of_birth",
    "place_of_birth",
    "address",
    "reservation_locator",
    "seat",
)


def _sealed_values(person: Sequence[Any], documents: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    """What a masked traveller's seal holds: the masked fields, and each document as it was."""
    surname, given_names, born, place_of_birth, address, reservation_locator, seat = person
    return {
        "surname": surname,
        "given_names": given_names,
        "date_of_birth": born.isoformat() if born else None,
        "place_of_birth": place_of_birth,
        "address": address,
        "reservation_locator": reservation_locator,
        "seat": seat,
        "documents": [
            {
                "type": kind,
                "number": number,
                "issuing_state": issuing_state,
                "expiry": expiry.isoformat() if expiry else None,
            }
            for kind, number, issuing_state, expiry in documents
        ],
    }


def _batches(sizes: Sequence[tuple[int, int, int | None]]) -> Iterable[list[tuple[int, int, int | None]]]:
    """(list id, travellers, declaration id) gathered into batches of whole lists of about
    ``RETENTION_BATCH`` travellers."""
    batch: list[tuple[int, int, int | None]] = []
    total = 0
    for item in sizes:
        if batch and total + item[1] > RETENTION_BATCH:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += item[1]
    if batch:
        yield batch


def _due_with_sizes(due: Any, travellers: Q) -> list[tuple[int, int, int | None]]:
    """The due lists (id, travellers matching ``travellers``, declaration id), in id order: one query."""
    counts = dict(
        Traveller.objects.filter(travellers, travel_list__in=due.values("pk"))
        .order_by()
        .values_list("travel_list_id")
        .annotate(n=Count("pk"))
        .values_list("travel_list_id", "n")
    )
    return [
        (pk, counts.get(pk, 0), declaration_id)
        for pk, declaration_id in due.order_by("pk").values_list("pk", "declaration_id")
    ]


def _seal_rows(
    keys: protection.Keys,
    people: Sequence[Sequence[Any]],
    documents: dict[int, list[tuple[Any, ...]]],
) -> tuple[list[int], list[bytes], list[str], list[str], list[str]]:
    """For these travellers (id and the fields of ``_SEALED_FIELDS``), the columns the UPDATE writes: ids,
    seals, name, birth and document hashes. No database work, so it runs beside the writes."""
    ids: list[int] = []
    seals: list[bytes] = []
    names: list[str] = []
    births: list[str] = []
    numbers: list[str] = []
    for pk, *person in people:
        own = documents.get(pk, [])
        ids.append(pk)
        seals.append(keys.seal(_sealed_values(person, own)))
        names.append(keys.name_hash(person[0], person[1]))
        births.append(keys.birth_hash(person[2]))
        numbers.append(keys.document_hash(next((d[1] for d in own if d[1]), "")))
    return ids, seals, names, births, numbers


def _comma_each(values: Iterable[str]) -> str:
    """``",a,b"``: read back with ``(string_to_array(..., ','))[2:]``, which keeps a lone empty value (a
    traveller without a document has an empty document hash) where ``string_to_array('', ',')`` is empty."""
    return "".join("," + value for value in values)


def _mask_lists(
    batch: Sequence[tuple[int, int, int | None]], now: dt.datetime, sealer: ThreadPoolExecutor
) -> int:
    """Mask the travellers of these lists: each one's seal and keyed hashes, written with the cleared
    fields in one UPDATE per ``MASK_ROWS_PER_STATEMENT`` travellers; the lists' document numbers, their
    hits' names and explanations, and the lists themselves, one statement each.

    The seals and hashes are computed by ``sealer`` (one thread), a statement's worth at a time, while this
    thread waits for the database to write the previous statement (the driver lets go of the interpreter
    while it waits): Python's work and the database's overlap, one core each, instead of taking turns."""
    list_ids = [pk for pk, _n, _d in batch]
    documents: dict[int, list[tuple[Any, ...]]] = {}
    for traveller_id, *document in (
        TravellerDocument.objects.filter(
            traveller__travel_list_id__in=list_ids, traveller__masked_at__isnull=True
        )
        .order_by("traveller_id", "pk")
        .values_list("traveller_id", "type", "number", "issuing_state", "expiry")
    ):
        documents.setdefault(traveller_id, []).append(tuple(document))
    people = list(
        Traveller.objects.filter(travel_list_id__in=list_ids, masked_at__isnull=True)
        .order_by("pk")
        .values_list("pk", *_SEALED_FIELDS)
    )
    keys = protection.keys()
    sealed = [
        sealer.submit(_seal_rows, keys, people[start : start + MASK_ROWS_PER_STATEMENT], documents)
        for start in range(0, len(people), MASK_ROWS_PER_STATEMENT)
    ]
    try:
        # What needs no seal first, while the first statement's seals are computed.
        # Documents keep type, issuing state and expiry (facts); the number is masked (its hash is kept).
        TravellerDocument.objects.filter(traveller__travel_list_id__in=list_ids).exclude(number="").update(
            number=""
        )
        declaration_ids = [d for _pk, _n, d in batch if d is not None]
        if declaration_ids:
            # What screening recorded about the people carries their names: mask it with them.
            Hit.objects.filter(
                declaration_id__in=declaration_ids, subject_key__startswith="traveller:"
            ).update(
                subject_label=str(_("Masked traveller")),
                explanation=_("The explanation was masked with the list's personal data."),
                evidence=[],
            )
        TravelList.objects.filter(pk__in=list_ids).update(masked_at=now)
        table = connection.ops.quote_name(Traveller._meta.db_table)
        masked_at = connection.ops.adapt_datetimefield_value(now)
        cleared = (
            "surname = '', given_names = '', place_of_birth = '', address = '', reservation_locator = '', "
            "seat = '', date_of_birth = NULL"
        )
        # One statement for thousands of travellers, each row joined to its own values, instead of one
        # per traveller. The condition on the lists (true of every row here) gives PostgreSQL an index to
        # join through: without it the planner scans the whole table for each statement, which at a
        # month's lists is quadratic.
        with connection.cursor() as cursor:
            for future in sealed:
                columns = future.result()
                if connection.vendor == "postgresql":
                    # Each column as one text parameter, its values after a comma each (hexadecimal
                    # hashes and seals: no comma inside), made arrays by the server and joined row by row
                    # (``unnest``): the driver quotes five strings. A VALUES list of five parameters a
                    # row made it split a statement of 10,000 placeholders in Python, and Python lists
                    # passed as arrays are quoted element by element in Python too (psycopg binds on the
                    # client); that was most of masking's CPU.
                    ids, seals, names, births, numbers = columns
                    cursor.execute(
                        f"UPDATE {table} SET sealed = decode(v.sealed, 'hex'), name_hash = v.name_hash, "  # noqa: S608
                        f"birth_hash = v.birth_hash, document_hash = v.document_hash, {cleared}, "
                        "masked_at = %s FROM unnest((string_to_array(%s, ','))[2:]::bigint[], "
                        "(string_to_array(%s, ','))[2:], (string_to_array(%s, ','))[2:], "
                        "(string_to_array(%s, ','))[2:], (string_to_array(%s, ','))[2:]) "
                        "AS v (id, sealed, name_hash, birth_hash, document_hash) "
                        f"WHERE {table}.id = v.id AND {table}.travel_list_id = ANY(%s::bigint[])",
                        [
                            masked_at,
                            _comma_each(map(str, ids)),
                            _comma_each(seal.hex() for seal in seals),
                            _comma_each(names),
                            _comma_each(births),
                            _comma_each(numbers),
                            list_ids,
                        ],
                    )
                    continue
                # SQLite (3.33+: UPDATE ... FROM): a VALUES list, bound by SQLite itself.
                rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(columns[0]))
                on_lists = ", ".join(["%s"] * len(list_ids))
                cursor.execute(
                    f"WITH v (id, sealed, name_hash, birth_hash, document_hash) AS (VALUES {rows}) "  # noqa: S608
                    f"UPDATE {table} SET sealed = v.sealed, name_hash = v.name_hash, "
                    f"birth_hash = v.birth_hash, document_hash = v.document_hash, {cleared}, masked_at = %s "
                    f"FROM v WHERE {table}.id = v.id AND {table}.travel_list_id IN ({on_lists})",
                    [value for row in zip(*columns, strict=True) for value in row] + [masked_at, *list_ids],
                )
    finally:
        for future in sealed:  # after an error, nothing more to compute
            future.cancel()
    return len(people)


def _policies() -> dict[int, RetentionPolicy]:
    stored = {p.administration_id: p for p in RetentionPolicy.objects.all()}
    return {
        admin_id: stored.get(admin_id) or RetentionPolicy(administration_id=admin_id)
        for admin_id in TravelList.objects.values_list("administration_id", flat=True).distinct()
    }


def _older_than(cutoff: dt.datetime) -> Q:
    return Q(arrival_at__lt=cutoff) | Q(arrival_at__isnull=True, filed_at__lt=cutoff)


def passenger_lists_mask(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Mask the personal fields of every list older than its administration's masking age, set-based: a
    transaction per batch of whole lists (``RETENTION_BATCH`` travellers), so a long run can stop and
    resume. Logged on the audit trail (one event per administration, counts only). With ``dry_run``, only
    count what would be masked."""
    now = now or timezone.now()
    lists = travellers = 0
    for admin_id, policy in _policies().items():
        cutoff = _months_before(now, policy.mask_after_months)
        due = TravelList.objects.filter(administration_id=admin_id, masked_at__isnull=True).filter(
            _older_than(cutoff)
        )
        if dry_run:
            lists += due.count()
            travellers += Traveller.objects.filter(travel_list__in=due, masked_at__isnull=True).count()
            continue
        masked_lists = masked_travellers = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="passengers-seal") as sealer:
            for batch in _batches(_due_with_sizes(due, Q(masked_at__isnull=True))):
                with transaction.atomic():
                    masked_travellers += _mask_lists(batch, now, sealer)
                    masked_lists += len(batch)
        if masked_lists:
            audit_record(
                actor=None,
                action="passengers.retention_mask",
                summary=f"administration {admin_id}: lists older than {policy.mask_after_months} months masked",
                data={
                    "administration": admin_id,
                    "cutoff": cutoff.isoformat(),
                    "lists": masked_lists,
                    "travellers": masked_travellers,
                },
            )
        lists += masked_lists
        travellers += masked_travellers
    return {"lists": lists, "travellers": travellers}


def _delete_rows(queryset: Any) -> int:
    """Delete the rows of ``queryset`` in one statement (``DELETE ... WHERE id IN (SELECT ...)``), for a
    model whose children were deleted first: Django's own ``delete()`` would load every row to cascade."""
    model = queryset.model
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. ``pk__in=[]``: nothing to delete
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
            f"WHERE {connection.ops.quote_name(model._meta.pk.column)} IN ({sql})",
            params,
        )
        return int(cursor.rowcount)


def _purge_lists(batch: Sequence[tuple[int, int, int | None]]) -> tuple[int, int, int]:
    """Delete these lists but the travellers linked to a case (and their lists); what was deleted: lists,
    travellers, and lists kept for a case."""
    ids = [pk for pk, _n, _d in batch]
    linked = linked_traveller_ids(ids)
    keep = set(Traveller.objects.filter(pk__in=linked).values_list("travel_list_id", flat=True))
    drop = [pk for pk in ids if pk not in keep]
    doomed = Traveller.objects.filter(travel_list_id__in=ids).exclude(pk__in=linked)
    # The travellers' own rows first (one statement each), then the travellers in one statement.
    TravellerDocument.objects.filter(traveller__in=doomed).delete()
    ArrivalCheck.objects.filter(traveller__in=doomed).delete()
    UnmaskRequest.objects.filter(traveller__in=doomed).delete()
    deleted = _delete_rows(doomed)
    TravelListVersion.objects.filter(travel_list_id__in=drop).delete()
    _delete_rows(TravelList.objects.filter(pk__in=drop))
    # The declarations with their screening runs, hits and assessments (Django's cascade: those apps own
    # them and may add more).
    dropped = set(drop)
    declaration_ids = [d for pk, _n, d in batch if pk in dropped and d is not None]
    Declaration.objects.filter(pk__in=declaration_ids).delete()
    return len(drop), deleted, len(keep)


def passenger_lists_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete lists older than the administration's deletion age, with their declarations (and so their
    screening runs, hits and assessments), set-based: a transaction per batch of whole lists. A list with a
    traveller linked to a case is kept with only those travellers. Logged on the audit trail. With
    ``dry_run``, only count what would be deleted."""
    now = now or timezone.now()
    deleted_lists = deleted_travellers = kept_lists = 0
    for admin_id, policy in _policies().items():
        cutoff = _months_before(now, policy.delete_after_years * 12)
        due = TravelList.objects.filter(administration_id=admin_id).filter(_older_than(cutoff))
        sizes = _due_with_sizes(due, Q())
        for batch in _batches(sizes):
            if dry_run:
                ids = [pk for pk, _n, _d in batch]
                linked = linked_traveller_ids(ids)
                keep = set(Traveller.objects.filter(pk__in=linked).values_list("travel_list_id", flat=True))
                deleted_travellers += (
                    Traveller.objects.filter(travel_list_id__in=ids).exclude(pk__in=linked).count()
                )
                deleted_lists += len(ids) - len(keep)
                kept_lists += len(keep)
                continue
            with transaction.atomic():
                lists, travellers, kept = _purge_lists(batch)
            deleted_lists += lists
            deleted_travellers += travellers
            kept_lists += kept
        if sizes and not dry_run:
            audit_record(
                actor=None,
                action="passengers.retention_delete",
                summary=f"administration {admin_id}: lists older than {policy.delete_after_years} years",
                data={"administration": admin_id, "cutoff": cutoff.isoformat(), "lists": len(sizes)},
            )
    return {"lists": deleted_lists, "travellers": deleted_travellers, "kept_for_cases": kept_lists}


def masked_travellers_matching(
    *,
    administration_id: int,
    surname: str = "",
    given_names: str = "",
    born: dt.date | None = None,
    document: str = "",
) -> list[Traveller]:
    """Masked travellers a lookout names: by document number, or by name and date of birth (exactly, as
    only the keyed hashes are left)."""
    qs = Traveller.objects.filter(travel_list__administration_id=administration_id, masked_at__isnull=False)
    if document:
        return list(qs.filter(document_hash=protection.document_hash(document)).select_related("travel_list"))
    if not (surname and born):
        return []
    return list(
        qs.filter(
            name_hash=protection.name_hash(surname, given_names), birth_hash=protection.birth_hash(born)
        ).select_related("travel_list")
    )
